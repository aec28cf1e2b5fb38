import { authenticate } from './api-baseline-auth';
import { listBids } from './api-baseline-bid-read';
import { createDraft, DraftBody } from './api-baseline-create-draft';
import { readColumns } from './api-baseline-db';
import { serveBids } from './bid-server';

// The api benchmark's yardstick: the two requests it drives (start a draft bid, list bids) served
// by node:http and a pg pool of the same size as ours, issuing the same SQL statements as our
// API in the same order and transactions (the user reloaded per request, the round locked while
// the bid is numbered, the lines written, the bid read back whole, the audit row), with the same
// checks of the token, the window and the content, and answering the same JSON. Nothing else:
// no framework, no validation library, no ORM, no security headers.
//
// Env: DATABASE_URL, PORT, JWT_SECRET (the API's, so the API's tokens are accepted), POOL_SIZE.
//
// This file is the entry point the bench spawns (dist/bench/api-baseline.js); the HTTP server is
// bid-server.ts, shared with the floor. The requests themselves are in
// api-baseline-create-draft.ts and api-baseline-bid-read.ts, the token check in
// api-baseline-auth.ts, the pool in api-baseline-db.ts.

serveBids(
  {
    list: async (request, url) => listBids(await authenticate(request), url),
    create: async (request, text) => {
      const user = await authenticate(request);
      const bid = await createDraft(user, JSON.parse(text || '{}') as DraftBody);
      return { body: bid, etag: bid.version as number };
    },
  },
  readColumns,
);
