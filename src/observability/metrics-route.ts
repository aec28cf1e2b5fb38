import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { problem, PROBLEM_CONTENT_TYPE } from '../common/problem';
import type { MetricsConfig } from './metrics-config';
import { MetricsService } from './metrics.service';

export const METRICS_PATH = '/metrics';

// Times every request on the API's port into the HTTP histogram (the route's pattern, never the
// raw URL), and, with METRICS_TOKEN, answers GET /metrics there for that bearer token only.
// The route is Fastify's own, not a Nest controller's: it is outside the OpenAPI document and
// the users' access guard, and a scrape is not counted in the histogram.
export function registerHttpMetrics(
  fastify: FastifyInstance,
  metrics: MetricsService,
  config: MetricsConfig,
): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route !== METRICS_PATH) {
      metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    }
    done();
  });
  const token = config.token;
  if (token === undefined) {
    return;
  }
  fastify.get(METRICS_PATH, async (request, reply) => {
    if (!bearerMatches(request.headers.authorization, token)) {
      const body = problem(
        401,
        'metrics-token-wrong',
        'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.',
      );
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send({ ...body, instance: METRICS_PATH });
    }
    const text = await metrics.scrape();
    return reply.header('content-type', metrics.contentType).send(text);
  });
}

// Compared as digests of equal length in constant time, so the answer's timing tells nothing
// about how much of a guess was right.
function bearerMatches(header: string | undefined, token: string): boolean {
  const sent = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent ?? ''), digest(token)) && sent !== undefined;
}
