import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from './api-baseline-auth';
import { listBids } from './api-baseline-bid-read';
import { createDraft, DraftBody } from './api-baseline-create-draft';
import { pool, readColumns } from './api-baseline-db';
import { Refusal } from './api-baseline-refusal';

// The api benchmark's yardstick: the two requests it drives (start a draft bid, list bids) served
// by node:http and a pg pool of the same size as ours, issuing the same SQL statements as our
// API in the same order and transactions (the user reloaded per request, the round locked while
// the bid is numbered, the lines written, the bid read back whole, the audit row), with the same
// checks of the token, the window and the content, and answering the same JSON. Nothing else:
// no framework, no validation library, no ORM, no security headers.
//
// Env: DATABASE_URL, PORT, JWT_SECRET (the API's, so the API's tokens are accepted), POOL_SIZE.
//
// This file is the entry point the bench spawns (dist/bench/api-baseline.js): the HTTP server and
// its routing. The requests themselves are in api-baseline-create-draft.ts and
// api-baseline-bid-read.ts, the token check in api-baseline-auth.ts, the pool in api-baseline-db.ts.

function send(response: ServerResponse, status: number, body: unknown, etag?: number): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': status < 400 ? 'application/json; charset=utf-8' : 'application/problem+json',
    'content-length': Buffer.byteLength(text),
    ...(etag === undefined ? {} : { etag: `"${etag}"` }),
  });
  response.end(text);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
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
  const user = await authenticate(request);
  if (request.method === 'GET') {
    return send(response, 200, await listBids(user, url));
  }
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as DraftBody;
  const bid = await createDraft(user, body);
  send(response, 201, bid, bid.version as number);
}

async function start(): Promise<void> {
  await readColumns();
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof Refusal) {
        send(response, error.status, {
          status: error.status,
          code: error.code,
          detail: error.message,
          errors: error.errors,
        });
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
}

start().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
