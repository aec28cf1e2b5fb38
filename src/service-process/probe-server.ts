import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { problem, PROBLEM_CONTENT_TYPE } from '../common/problem';
import type { ReadinessFailure } from '../health/readiness.service';

// The worker role has no API; this small server answers its liveness and readiness probes
// (the same /health and /health/ready as the API, same shapes) on HEALTH_PORT.
export async function startProbeServer(
  port: number,
  host: string,
  failures: () => Promise<ReadinessFailure[]>,
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const send = (status: number, body: object, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET' || (path !== '/health' && path !== '/health/ready')) {
      send(
        404,
        problem(404, 'route-not-found', 'This process answers only GET /health and /health/ready.'),
        PROBLEM_CONTENT_TYPE,
      );
      return;
    }
    if (path === '/health') {
      send(200, { status: 'ok' });
      return;
    }
    failures()
      .then((failed) =>
        failed.length === 0
          ? send(200, { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } })
          : send(
              503,
              problem(
                503,
                'not-ready',
                `Not ready: ${failed.map((f) => f.field).join(' and ')} unavailable.`,
                failed,
              ),
              PROBLEM_CONTENT_TYPE,
            ),
      )
      .catch((error: unknown) =>
        send(503, problem(503, 'not-ready', String(error)), PROBLEM_CONTENT_TYPE),
      );
  });
  // Probes are short; an idle connection must not hold the shutdown.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  new Logger('Probes').log(`Worker probes on http://${host}:${bound}/health and /health/ready`);
  return server;
}
