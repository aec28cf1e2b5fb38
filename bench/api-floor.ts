import type { IncomingMessage } from 'node:http';
import { verifyToken } from './api-floor-token';
import { pool, Row } from './api-floor-db';
import { Refusal } from './api-floor-refusal';
import { serveBids } from './bid-server';

// The api benchmark's floor: the same two requests (start a draft bid, list a page of bids) as
// the least a server can do for them, one SQL statement each, on node:http and a pg pool of our
// size. The bearer token is verified in-process (HS256 signature and expiry, as our API checks
// it), and the user check our API makes with a query (active, token version, role) is a join
// inside that one statement, as is the applicant's organisation. A draft is one row of a table
// shaped like `bids` (its interventions, cost lines and match funding as one jsonb column, its
// number from a sequence: no round lock, no lines tables, no audit row, no read-back); a page is
// the newest 20 of the organisation's rows in the round (no total, no child tables). No
// framework, no validation beyond what the statement needs, no checks of the round.
//
// Env: DATABASE_URL, PORT, JWT_SECRET (the API's), POOL_SIZE. Entry point: dist/bench/api-floor.js.

const TABLE = 'bench_floor_bids';

const SQL = {
  setUp: [
    `CREATE TABLE IF NOT EXISTS ${TABLE} (LIKE bids INCLUDING DEFAULTS, lines jsonb NOT NULL)`,
    `CREATE SEQUENCE IF NOT EXISTS ${TABLE}_numbers`,
    `CREATE INDEX IF NOT EXISTS ${TABLE}_page ON ${TABLE} (organisation_id, round_id, created_at DESC)`,
  ],
  create: `
    INSERT INTO ${TABLE} (round_id, organisation_id, applicant_type, force_area_code, number,
      reference, title, summary, target_lsoas, primary_crime_type, requested_pence,
      match_funding_pence, needs_endorsement, created_by, version, lines)
    SELECT $3, o.id, o.type, o.force_area_code, n.next, 'FLOOR-' || lpad(n.next::text, 6, '0'),
      $4, $5, $6, $7, $8, $9, o.type <> 'pcc' AND o.force_area_code IS NOT NULL, u.id, 1, $10
    FROM users u
    JOIN organisations o ON o.id = u.organisation_id
    CROSS JOIN LATERAL (SELECT nextval('${TABLE}_numbers')::int AS next) n
    WHERE u.id = $1 AND u.active AND u.token_version = $2 AND u.role = 'applicant'
    RETURNING *`,
  // One row per bid, or one row of nulls beside the user when there are none; no row at all
  // when the user check fails.
  page: `
    SELECT u.id AS viewer_id, f.*
    FROM users u
    LEFT JOIN LATERAL (
      SELECT * FROM ${TABLE} b
      WHERE b.organisation_id = u.organisation_id AND b.round_id = $3
      ORDER BY b.created_at DESC, b.reference
      LIMIT $4 OFFSET $5
    ) f ON true
    WHERE u.id = $1 AND u.active AND u.token_version = $2 AND u.role = 'applicant'`,
};

interface Line {
  amountPence?: unknown;
}
interface DraftBody {
  roundId?: unknown;
  title?: unknown;
  summary?: string;
  targetLsoas?: string[];
  primaryCrimeType?: string | null;
  interventions?: unknown[];
  costLines?: Line[];
  matchFunding?: Line[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const unauthenticated = () =>
  new Refusal(401, 'unauthenticated', 'Send a bearer token of an active applicant.');

function bearer(request: IncomingMessage): { sub: string; ver: number } {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) {
    throw unauthenticated();
  }
  return verifyToken(match[1]);
}

const sum = (lines: Line[] | undefined) =>
  (lines ?? []).reduce((total, line) => total + Number(line.amountPence ?? 0), 0);

// Pence come back from bigint columns as strings; the API answers numbers.
function bid(row: Row): Row {
  const rest = { ...row };
  delete rest.viewer_id;
  return {
    ...rest,
    requested_pence: Number(row.requested_pence),
    match_funding_pence: Number(row.match_funding_pence),
  };
}

async function create(request: IncomingMessage, text: string) {
  const claims = bearer(request);
  const body = JSON.parse(text || '{}') as DraftBody;
  if (typeof body.roundId !== 'string' || !UUID.test(body.roundId)) {
    throw new Refusal(400, 'validation-failed', 'roundId must be a UUID');
  }
  if (typeof body.title !== 'string' || body.title.trim().length === 0) {
    throw new Refusal(400, 'validation-failed', 'title is required');
  }
  const { rows } = await pool.query<Row>(SQL.create, [
    claims.sub,
    claims.ver,
    body.roundId,
    body.title,
    body.summary ?? '',
    body.targetLsoas ?? [],
    body.primaryCrimeType ?? null,
    sum(body.costLines),
    sum(body.matchFunding),
    JSON.stringify({
      interventions: body.interventions ?? [],
      costLines: body.costLines ?? [],
      matchFunding: body.matchFunding ?? [],
    }),
  ]);
  if (!rows[0]) {
    throw unauthenticated();
  }
  return bid(rows[0]);
}

async function page(request: IncomingMessage, url: URL) {
  const claims = bearer(request);
  const roundId = url.searchParams.get('roundId') ?? '';
  if (!UUID.test(roundId)) {
    throw new Refusal(400, 'validation-failed', 'roundId must be a UUID');
  }
  const limit = Math.min(Number(url.searchParams.get('limit') ?? 20) || 20, 100);
  const offset = Number(url.searchParams.get('offset') ?? 0) || 0;
  const { rows } = await pool.query<Row>(SQL.page, [
    claims.sub,
    claims.ver,
    roundId,
    limit,
    offset,
  ]);
  if (!rows[0]) {
    throw unauthenticated();
  }
  return { items: rows.filter((row) => row.id !== null).map(bid), limit, offset };
}

serveBids(
  {
    list: page,
    create: async (request, text) => ({ body: await create(request, text) }),
  },
  async () => {
    for (const statement of SQL.setUp) {
      await pool.query(statement);
    }
  },
);
