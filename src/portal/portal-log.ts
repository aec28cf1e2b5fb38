import type { FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';

// What went wrong behind a portal page, in the application's log under the page's request id
// (the id its error page shows). Fastify's own request logger is off in this application, so
// `request.log` would write nothing.
export function logPortalFailure(
  level: 'warn' | 'error',
  request: FastifyRequest,
  error: unknown,
  message: string,
): void {
  PinoLogger.root[level]({ context: 'Portal', requestId: request.id, err: error }, message);
}
