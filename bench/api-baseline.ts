import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { bidContentErrors } from '../src/bids/bid-content.rules';
import { formatLondon } from '../src/common/london-time';

// The api benchmark's yardstick: the two requests it drives (start a draft bid, list bids) served
// by node:http and a pg pool of the same size as ours, issuing the same SQL statements as our
// API in the same order and transactions (the user reloaded per request, the round locked while
// the bid is numbered, the lines written, the bid read back whole, the audit row), with the same
// checks of the token, the window and the content, and answering the same JSON. Nothing else:
// no framework, no validation library, no ORM, no security headers.
//
// Env: DATABASE_URL, PORT, JWT_SECRET (the API's, so the API's tokens are accepted), POOL_SIZE.

// pg ships no types and this project has no @types/pg: the little of it used here.
interface Queryable {
  query<T = Row>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
}
interface PoolClient extends Queryable {
  release(): void;
}
interface Pool extends Queryable {
  connect(): Promise<PoolClient>;
  end(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Pool, types } = require('pg') as {
  Pool: new (options: { connectionString?: string; max: number }) => Pool;
  types: { setTypeParser(oid: number, parse: (value: string) => unknown): void };
};

// Dates as the API sends them (`YYYY-MM-DD`), not parsed into local midnights.
types.setTypeParser(1082, (value: string) => value);

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE ?? 10),
});
const secret = Buffer.from(process.env.JWT_SECRET ?? '', 'utf8');

type Row = Record<string, unknown>;

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: unknown[] = [],
  ) {
    super(message);
  }
}

// Every column of `table`, aliased `alias_column` as TypeORM aliases them; filled at start from
// the catalogue (our entities map every column of these tables).
const COLUMNS: Record<string, string[]> = {};
function cols(table: string, alias: string): string {
  return COLUMNS[table].map((c) => `"${alias}"."${c}" AS "${alias}_${c}"`).join(', ');
}
function pick(row: Row, alias: string, table: string): Row {
  return Object.fromEntries(COLUMNS[table].map((c) => [c, row[`${alias}_${c}`]]));
}

const SQL = {
  user: `SELECT "u"."id", "u"."email", "u"."name", "u"."role", "u"."organisation_id", "u"."active",
           "u"."last_login_at", "u"."created_at", "u"."updated_at", "u"."version"
         FROM "users" "u" WHERE (("u"."id" = $1) AND ("u"."active" = $2)) LIMIT 1`,
  organisation: () => `SELECT ${cols('organisations', 'o')}, ${cols('police_force_areas', 'a')}
         FROM "organisations" "o" LEFT JOIN "police_force_areas" "a" ON "a"."code" = "o"."force_area_code"
         WHERE (("o"."id" = $1))`,
  lockRound: () => `SELECT ${cols('funding_rounds', 'r')} FROM "funding_rounds" "r"
         WHERE (("r"."id" = $1) AND ("r"."status" != $2)) LIMIT 1 FOR UPDATE`,
  round: () => `SELECT ${cols('funding_rounds', 'r')}, ${cols('assessment_criteria', 'c')},
           ${cols('round_year_caps', 'y')}
         FROM "funding_rounds" "r"
         LEFT JOIN "assessment_criteria" "c" ON "c"."round_id" = "r"."id"
         LEFT JOIN "round_year_caps" "y" ON "y"."round_id" = "r"."id"
         WHERE (("r"."id" = $1))`,
  nextNumber: `SELECT coalesce(max(number), 0)::int + 1 AS next FROM bids WHERE round_id = $1`,
  totals: `UPDATE bids SET
         requested_pence = (SELECT coalesce(sum(amount_pence), 0) FROM bid_cost_lines WHERE bid_id = $1),
         match_funding_pence = (SELECT coalesce(sum(amount_pence), 0) FROM bid_match_funding WHERE bid_id = $1)
       WHERE id = $1`,
  bids: () => `SELECT ${cols('bids', 'b')}, ${cols('bid_cost_lines', 'cl')}, ${cols('bid_match_funding', 'mf')},
           ${cols('bid_interventions', 'i')}, ${cols('funding_rounds', 'r')}, ${cols('organisations', 'o')}
         FROM "bids" "b"
         LEFT JOIN "bid_cost_lines" "cl" ON "cl"."bid_id" = "b"."id"
         LEFT JOIN "bid_match_funding" "mf" ON "mf"."bid_id" = "b"."id"
         LEFT JOIN "bid_interventions" "i" ON "i"."bid_id" = "b"."id"
         LEFT JOIN "funding_rounds" "r" ON "r"."id" = "b"."round_id"
         LEFT JOIN "organisations" "o" ON "o"."id" = "b"."organisation_id"
         WHERE (("b"."id" = ANY($1)))`,
  audit: `INSERT INTO "audit_events" ("actor_id", "actor_label", "command", "object_type", "object_id", "changes")
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING "id", "occurred_at"`,
};

// The bid INSERT names only the columns the request sets, so the others take their defaults,
// as TypeORM's does; one statement text per shape of request.
const insertCache = new Map<string, string>();
const OPTIONAL = [
  'summary',
  'target_lsoas',
  'problem_profile',
  'secondary_crime_types',
  'theory_of_change',
  'partners',
  'consultation',
  'milestones',
  'risks',
  'evaluation_approach',
] as const;
function insertFor(sent: Record<string, unknown>): {
  text: string;
  values: (v: unknown[]) => unknown[];
} {
  const present = OPTIONAL.filter((column) => sent[column] !== undefined);
  const key = present.join(',');
  let text = insertCache.get(key);
  if (!text) {
    const columns = [
      'round_id',
      'organisation_id',
      'applicant_type',
      'force_area_code',
      'number',
      'reference',
      'status',
      'title',
      ...present,
      'primary_crime_type',
      'needs_endorsement',
      'created_by',
      'version',
    ];
    const values = columns.map((column, i) =>
      column === 'status' ? `'draft'` : column === 'version' ? '1' : `$${i + 1 - (i > 6 ? 1 : 0)}`,
    );
    text = `INSERT INTO "bids" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${values.join(', ')})
      RETURNING "id", "status", "summary", "target_lsoas", "problem_profile", "secondary_crime_types",
        "theory_of_change", "partners", "consultation", "milestones", "risks", "evaluation_approach",
        "requested_pence", "match_funding_pence", "created_at", "updated_at", "version"`;
    insertCache.set(key, text);
  }
  return {
    text,
    values: (fixed) => [
      ...fixed.slice(0, 7),
      ...present.map((column) => json(column, sent[column])),
      ...fixed.slice(7),
    ],
  };
}
// jsonb columns go as JSON text (as TypeORM sends them); text[] columns as arrays.
const JSONB = new Set(['partners', 'milestones', 'risks']);
function json(column: string, value: unknown): unknown {
  return JSONB.has(column) ? JSON.stringify(value) : value;
}

// HS256 JWT as @nestjs/jwt signs them: signature and expiry checked, the subject returned.
function verifyToken(token: string): string {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) {
    throw new Refusal(401, 'token-invalid', 'The bearer token is not valid; log in again.');
  }
  const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (
    head.alg !== 'HS256' ||
    given.length !== expected.length ||
    !timingSafeEqual(given, expected)
  ) {
    throw new Refusal(401, 'token-invalid', 'The bearer token is not valid; log in again.');
  }
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    sub?: unknown;
    exp?: number;
  };
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) {
    throw new Refusal(401, 'token-expired', 'Your session has expired; log in again.');
  }
  if (typeof claims.sub !== 'string') {
    throw new Refusal(401, 'token-invalid', 'The bearer token is not valid; log in again.');
  }
  return claims.sub;
}

interface User {
  id: string;
  email: string;
  role: string;
  organisation_id: string | null;
}

async function authenticate(request: IncomingMessage): Promise<User> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) {
    throw new Refusal(401, 'unauthenticated', 'Send a bearer token.');
  }
  const { rows } = await pool.query<User>(SQL.user, [verifyToken(match[1]), true]);
  if (!rows[0]) {
    throw new Refusal(
      401,
      'account-inactive',
      'This account no longer exists or has been deactivated.',
    );
  }
  if (rows[0].role !== 'applicant') {
    throw new Refusal(403, 'forbidden', `Your role (${rows[0].role}) may not do this.`);
  }
  return rows[0];
}

async function organisationOf(db: Pool | PoolClient, id: string): Promise<Row | undefined> {
  const { rows } = await db.query<Row>(SQL.organisation(), [id]);
  return rows[0] ? pick(rows[0], 'o', 'organisations') : undefined;
}

// Rows of the joined bid query folded into bids with their lines, in the order of `ids`.
interface LoadedBid extends Row {
  costLines: Row[];
  matchFunding: Row[];
  interventions: Row[];
  round: Row;
  organisation: Row;
}
async function loadBids(db: Pool | PoolClient, ids: string[]): Promise<LoadedBid[]> {
  if (ids.length === 0) {
    return [];
  }
  const { rows } = await db.query<Row>(SQL.bids(), [ids]);
  const byId = new Map<string, LoadedBid & { seen: Set<string> }>();
  for (const row of rows) {
    const id = row.b_id as string;
    let bid = byId.get(id);
    if (!bid) {
      bid = {
        ...pick(row, 'b', 'bids'),
        costLines: [],
        matchFunding: [],
        interventions: [],
        round: pick(row, 'r', 'funding_rounds'),
        organisation: pick(row, 'o', 'organisations'),
        seen: new Set(),
      };
      byId.set(id, bid);
    }
    const add = (list: Row[], key: string, alias: string, table: string) => {
      if (row[`${alias}_bid_id`] !== null && !bid.seen.has(key)) {
        bid.seen.add(key);
        list.push(pick(row, alias, table));
      }
    };
    add(
      bid.costLines,
      `cl ${row.cl_financial_year as string} ${row.cl_kind as string}`,
      'cl',
      'bid_cost_lines',
    );
    add(bid.matchFunding, `mf ${row.mf_id as string}`, 'mf', 'bid_match_funding');
    add(bid.interventions, `i ${row.i_id as string}`, 'i', 'bid_interventions');
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

const pence = (value: unknown) => Number(value);

function content(bid: LoadedBid) {
  return {
    title: bid.title,
    summary: bid.summary,
    targetLsoas: bid.target_lsoas,
    problemProfile: bid.problem_profile,
    primaryCrimeType: bid.primary_crime_type,
    secondaryCrimeTypes: bid.secondary_crime_types,
    theoryOfChange: bid.theory_of_change,
    interventions: [...bid.interventions]
      .sort((a, b) => (a.position as number) - (b.position as number))
      .map((i) => ({
        category: i.category,
        type: i.type,
        description: i.description,
        evidence: i.evidence,
        costPence: pence(i.cost_pence),
        outputMeasure: i.output_measure,
        outputTarget: i.output_target,
      })),
    costLines: [...bid.costLines]
      .sort(
        (a, b) =>
          (a.financial_year as string).localeCompare(b.financial_year as string) ||
          (a.kind as string).localeCompare(b.kind as string),
      )
      .map((l) => ({
        financialYear: l.financial_year,
        kind: l.kind,
        amountPence: pence(l.amount_pence),
      })),
    matchFunding: [...bid.matchFunding]
      .sort((a, b) => (a.position as number) - (b.position as number))
      .map((l) => ({ source: l.source, kind: l.kind, amountPence: pence(l.amount_pence) })),
    partners: bid.partners,
    consultation: bid.consultation,
    milestones: bid.milestones,
    risks: bid.risks,
    evaluationApproach: bid.evaluation_approach,
  };
}

function toDto(bid: LoadedBid) {
  const parts = content(bid);
  const ids = [...bid.interventions]
    .sort((a, b) => (a.position as number) - (b.position as number))
    .map((i) => i.id);
  const submittedAt = bid.submitted_at as Date | null;
  return {
    id: bid.id,
    reference: bid.reference,
    roundId: bid.round_id,
    roundCode: bid.round.code,
    organisationId: bid.organisation_id,
    organisationName: bid.organisation.name,
    applicantType: bid.applicant_type,
    forceAreaCode: bid.force_area_code,
    status: bid.status,
    ...parts,
    interventions: parts.interventions.map((intervention, n) => ({
      id: ids[n],
      ...intervention,
      evidence: intervention.evidence ?? '',
      outputMeasure: intervention.outputMeasure ?? null,
      outputTarget: intervention.outputTarget ?? null,
    })),
    requestedPence: pence(bid.requested_pence),
    matchFundingPence: pence(bid.match_funding_pence),
    endorsement: {
      state: bid.needs_endorsement ? (bid.endorsement_decision ?? 'awaiting') : 'not_required',
      reason: bid.endorsement_reason,
      decidedAt: bid.endorsement_at,
    },
    pccRank: bid.pcc_rank,
    submittedAt,
    submittedAtUkTime: submittedAt ? formatLondon(submittedAt) : null,
    submittedDigest: bid.submitted_digest,
    eligibilityFailureReason: bid.eligibility_failure_reason,
    withdrawnAt: bid.withdrawn_at,
    withdrawalReason: bid.withdrawal_reason,
    createdAt: bid.created_at,
    updatedAt: bid.updated_at,
    version: bid.version,
  };
}

const CONTENT_FIELDS = [
  'title',
  'summary',
  'targetLsoas',
  'problemProfile',
  'primaryCrimeType',
  'secondaryCrimeTypes',
  'theoryOfChange',
  'interventions',
  'costLines',
  'matchFunding',
  'partners',
  'consultation',
  'milestones',
  'risks',
  'evaluationApproach',
];

interface DraftBody {
  roundId?: unknown;
  title?: unknown;
  summary?: string;
  targetLsoas?: string[];
  problemProfile?: string;
  primaryCrimeType?: string | null;
  secondaryCrimeTypes?: string[];
  theoryOfChange?: string;
  interventions?: {
    category: string;
    type: string;
    description: string;
    evidence?: string;
    costPence: number;
    outputMeasure?: string | null;
    outputTarget?: number | null;
  }[];
  costLines?: { financialYear: string; kind: 'capital' | 'revenue'; amountPence: number }[];
  matchFunding?: { source: string; kind: string; amountPence: number }[];
  partners?: unknown[];
  consultation?: string;
  milestones?: { dueOn: string }[];
  risks?: unknown[];
  evaluationApproach?: string;
}

async function createDraft(user: User, body: DraftBody) {
  if (typeof body.roundId !== 'string' || !/^[0-9a-f-]{36}$/i.test(body.roundId)) {
    throw new Refusal(400, 'validation-failed', 'roundId must be a UUID');
  }
  if (typeof body.title !== 'string' || body.title.trim().length === 0) {
    throw new Refusal(400, 'validation-failed', 'title is required');
  }
  const now = new Date();
  const db = await pool.connect();
  try {
    await db.query('START TRANSACTION');
    const organisation = await organisationOf(db, user.organisation_id as string);
    if (!organisation?.active) {
      throw new Refusal(409, 'organisation-inactive', 'Your organisation is deactivated.');
    }
    const locked = await db.query<Row>(SQL.lockRound(), [body.roundId, 'draft']);
    if (!locked.rows[0]) {
      throw new Refusal(404, 'not-found', 'Funding round not found');
    }
    const roundRows = (await db.query<Row>(SQL.round(), [body.roundId])).rows;
    const round = pick(roundRows[0], 'r', 'funding_rounds');
    const opensAt = round.opens_at as Date;
    const closesAt = round.closes_at as Date;
    if (round.status !== 'open' || now < opensAt || now >= closesAt) {
      throw new Refusal(
        409,
        'round-not-open',
        `Round ${round.code as string} is not open for bids.`,
      );
    }
    const errors = bidContentErrors(body, {
      crimeFocus: round.crime_focus as string[],
      interventionTaxonomy: round.intervention_taxonomy as never,
      deliveryStartsOn: round.delivery_starts_on as string,
      deliveryEndsOn: round.delivery_ends_on as string,
    });
    if (errors.length > 0) {
      throw new Refusal(
        422,
        'bid-content-invalid',
        'Some parts of the bid do not fit the round.',
        errors,
      );
    }
    const { next } = (await db.query<{ next: number }>(SQL.nextNumber, [round.id])).rows[0];
    const insert = insertFor({
      summary: body.summary,
      target_lsoas: body.targetLsoas,
      problem_profile: body.problemProfile,
      secondary_crime_types: body.secondaryCrimeTypes,
      theory_of_change: body.theoryOfChange,
      partners: body.partners,
      consultation: body.consultation,
      milestones: body.milestones,
      risks: body.risks,
      evaluation_approach: body.evaluationApproach,
    });
    const inserted = await db.query<{ id: string }>(
      insert.text,
      insert.values([
        round.id,
        organisation.id,
        organisation.type,
        organisation.force_area_code,
        next,
        `${round.code as string}-${String(next).padStart(4, '0')}`,
        body.title,
        body.primaryCrimeType ?? null,
        organisation.type !== 'pcc' && organisation.force_area_code !== null,
        user.id,
      ]),
    );
    const id = inserted.rows[0].id;
    if (body.costLines?.length) {
      await db.query(
        `INSERT INTO "bid_cost_lines" ("bid_id", "financial_year", "kind", "amount_pence") VALUES ${body.costLines
          .map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`)
          .join(', ')}`,
        body.costLines.flatMap((l) => [id, l.financialYear, l.kind, String(l.amountPence)]),
      );
    }
    if (body.matchFunding?.length) {
      await db.query(
        `INSERT INTO "bid_match_funding" ("bid_id", "position", "source", "kind", "amount_pence") VALUES ${body.matchFunding
          .map(
            (_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`,
          )
          .join(', ')} RETURNING "id"`,
        body.matchFunding.flatMap((l, i) => [id, i + 1, l.source, l.kind, String(l.amountPence)]),
      );
    }
    if (body.interventions?.length) {
      await db.query(
        `INSERT INTO "bid_interventions" ("bid_id", "position", "category", "type", "description",
           "evidence", "cost_pence", "output_measure", "output_target") VALUES ${body.interventions
             .map(
               (_, i) =>
                 `(${Array.from({ length: 9 }, (__, k) => `$${i * 9 + k + 1}`).join(', ')})`,
             )
             .join(', ')} RETURNING "id", "evidence"`,
        body.interventions.flatMap((v, i) => [
          id,
          i + 1,
          v.category,
          v.type,
          v.description,
          v.evidence ?? '',
          String(v.costPence),
          v.outputMeasure ?? null,
          v.outputTarget ?? null,
        ]),
      );
    }
    await db.query(SQL.totals, [id]);
    const [bid] = await loadBids(db, [id]);
    const after: Record<string, unknown> = { reference: bid.reference, ...content(bid) };
    const changes: Record<string, unknown> = {};
    for (const field of ['reference', ...CONTENT_FIELDS]) {
      const value =
        after[field] === undefined ? null : (JSON.parse(JSON.stringify(after[field])) as unknown);
      if (JSON.stringify(value) !== 'null') {
        changes[field] = { before: null, after: value };
      }
    }
    await db.query(SQL.audit, [
      user.id,
      `${user.email} (${user.role})`,
      'bid.create',
      'bid',
      id,
      JSON.stringify(changes),
    ]);
    await db.query('COMMIT');
    return toDto(bid);
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  } finally {
    db.release();
  }
}

async function listBids(user: User, url: URL) {
  const limit = Number(url.searchParams.get('limit') ?? 20);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const roundId = url.searchParams.get('roundId');
  const organisation = await organisationOf(pool, user.organisation_id as string);
  const area = organisation?.type === 'pcc' ? (organisation.force_area_code as string) : '';
  const where = `("b"."organisation_id" = $1 OR ("b"."force_area_code" = $2 AND "b"."status" <> 'draft'))${
    roundId ? ` AND "b"."round_id" = $3` : ''
  }`;
  const params = roundId ? [user.organisation_id, area, roundId] : [user.organisation_id, area];
  const [ids, count] = await Promise.all([
    pool.query<{ id: string }>(
      `SELECT "b"."id" AS "id" FROM "bids" "b" WHERE ${where}
       ORDER BY "b"."created_at" DESC, "b"."reference" ASC LIMIT ${limit} OFFSET ${offset}`,
      params,
    ),
    pool.query<{ cnt: string }>(`SELECT COUNT(1) AS "cnt" FROM "bids" "b" WHERE ${where}`, params),
  ]);
  const bids = await loadBids(
    pool,
    ids.rows.map((row) => row.id),
  );
  return { items: bids.map(toDto), total: Number(count.rows[0].cnt), limit, offset };
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
  const { rows } = await pool.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  for (const { table_name, column_name } of rows) {
    (COLUMNS[table_name] ??= []).push(column_name);
  }
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
