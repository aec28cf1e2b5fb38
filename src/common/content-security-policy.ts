import type { FastifyInstance, FastifyReply } from 'fastify';
import helmet from 'helmet';

// The content security policy on every answer: the API docs page loads its own script and
// styles (Swagger UI writes some inline) and nothing from elsewhere, and forms post only here.
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'unsafe-inline'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

// Security headers on every answer, helmet's, with the policy above. Helmet's middleware is
// built once here: the Fastify plugin built it anew for every request (parsing the policy each
// time), about 2% of the API's CPU a request.
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  const setHeaders = helmet({ contentSecurityPolicy: { directives: CSP_DIRECTIVES } });
  fastify.addHook('onRequest', (request, reply, done) => {
    setHeaders(request.raw, reply.raw, () => done());
  });
}

// Sets, on one answer, the same policy but letting its forms' answers also send the browser on to
// `origins` (browsers hold the redirects after a form post to the page's form-action). The
// sign-in pages only, so built for each.
export function allowFormsTo(reply: FastifyReply, origins: string[]): void {
  const directives = { ...CSP_DIRECTIVES, formAction: [...CSP_DIRECTIVES.formAction, ...origins] };
  const setPolicy = helmet.contentSecurityPolicy({ directives });
  setPolicy(reply.request.raw, reply.raw, () => undefined);
}
