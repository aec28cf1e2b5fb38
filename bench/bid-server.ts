import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { pool } from './api-floor-db';
import { Refusal } from './api-floor-refusal';

// The api benchmark's own server, the floor (api-floor.ts), less its two requests: node:http
// serving GET /health and the two requests it drives on /api/v1/bids, answers as JSON or
// problem+json, and a clean stop on SIGTERM. `list` answers GET, `create` answers POST with
// the body as text.
export interface BidRoutes {
  list(request: IncomingMessage, url: URL): Promise<unknown>;
  create(request: IncomingMessage, body: string): Promise<{ body: unknown; etag?: number }>;
}

function send(response: ServerResponse, status: number, body: unknown, etag?: number): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': status < 400 ? 'application/json; charset=utf-8' : 'application/problem+json',
    'content-length': Buffer.byteLength(text),
    ...(etag === undefined ? {} : { etag: `"${etag}"` }),
  });
  response.end(text);
}

async function handle(
  routes: BidRoutes,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method === 'GET' && url.pathname === '/health') {
    return send(response, 200, { status: 'ok' });
  }
  if (url.pathname !== '/api/v1/bids' || (request.method !== 'GET' && request.method !== 'POST')) {
    return send(response, 404, { status: 404, title: 'Not Found' });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  if (request.method === 'GET') {
    return send(response, 200, await routes.list(request, url));
  }
  const created = await routes.create(request, Buffer.concat(chunks).toString('utf8'));
  send(response, 201, created.body, created.etag);
}

// Runs `prepare` (before any request is taken), then serves on PORT until SIGTERM.
export function serveBids(routes: BidRoutes, prepare: () => Promise<void>): void {
  const start = async () => {
    await prepare();
    const server = createServer((request, response) => {
      handle(routes, request, response).catch((error: unknown) => {
        if (error instanceof Refusal) {
          send(response, error.status, {
            status: error.status,
            code: error.code,
            detail: error.message,
            errors: error.errors,
          });
        } else if (error instanceof SyntaxError) {
          send(response, 400, { status: 400, code: 'malformed-json', detail: error.message });
        } else {
          console.error(error);
          send(response, 500, { status: 500, title: 'Internal Server Error' });
        }
      });
    });
    server.keepAliveTimeout = 72_000;
    server.listen(Number(process.env.PORT), '127.0.0.1');
    process.on('SIGTERM', () => {
      server.close();
      server.closeAllConnections();
      void pool.end().then(() => process.exit(0));
    });
  };
  start().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
