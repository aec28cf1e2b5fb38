import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { REQUEST_ID_HEADER, runInRequestContext } from './request-context';

// Where the matched route's pattern is missing: no route matched (a 404) or Fastify refused the
// request before routing.
const NO_ROUTE = '(no route)';

// Every answer names its request id (X-Request-Id), and everything that runs for the request,
// logs and queued jobs alike, knows it; one line per request once the answer has gone.
export async function registerRequestLogging(app: NestFastifyApplication): Promise<void> {
  const instance = app.getHttpAdapter().getInstance();
  const requestLog = await app.resolve(PinoLogger);
  instance.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    runInRequestContext({ requestId: request.id }, () =>
      requestLog.runInContext(done, { bindings: { requestId: request.id } }),
    );
  });
  // The pattern (/api/v1/bids/:id), never the URL: URLs can hold tokens and query strings.
  instance.addHook('onResponse', (request, reply, done) => {
    PinoLogger.root.info(
      {
        context: 'HTTP',
        requestId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? NO_ROUTE,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime),
        userId: signedInUserId(request),
      },
      'request completed',
    );
    done();
  });
}

function signedInUserId(request: FastifyRequest): string | undefined {
  const { user } = request as FastifyRequest & { user?: { id?: string } };
  return user?.id;
}
