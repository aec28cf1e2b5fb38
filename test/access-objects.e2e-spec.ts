import { randomUUID } from 'node:crypto';
import type supertest from 'supertest';
import { DataSource } from 'typeorm';
import { ACCESS_MATRIX } from './support/access-matrix';
import { expectProblem } from './support/app';
import {
  bidderOf,
  NORTHUMBRIA_PCC,
  openRound,
  organisationIds,
  validBid,
  type Bidder,
} from './support/bids';

const CLEVELAND_PCC = 'Police and Crime Commissioner for Cleveland';
import { activeAward, quarterReturn, type ReturnsWorld } from './support/returns';

// Object-level access: every route an applicant may call with an id is called by applicants of
// other organisations with the id of something the Northumbria PCC owns. Each must answer 404,
// the same as for an id that does not exist (so nothing tells them it does), and nothing may
// change. Routes whose ids name shared reference data every role may read are listed apart, with
// the reason, so a new id route cannot slip through without a decision here.
const SHARED_REFERENCE_DATA: Record<string, string> = {
  'GET /api/v1/organisations/{id}': 'the register of organisations is read by every role',
  'GET /api/v1/rounds/{id}': 'published rounds are open to every role',
  'GET /api/v1/rounds/{roundId}/pcc-ranking': "the caller's own area's ranking in a round",
  'PUT /api/v1/rounds/{roundId}/pcc-ranking': "the caller's own area's ranking in a round",
};

// The tables a refused call could have written to; their whole content is compared. The outbox
// only by which mails it holds: the worker is still marking earlier mails sent meanwhile.
const WATCHED_TABLES = [
  'bids',
  'bid_cost_lines',
  'bid_interventions',
  'award_decisions',
  'award_lines',
  'award_variations',
  'delivery_returns',
  'return_submissions',
  'return_spend_lines',
  'audit_events',
  'user_sessions',
  'supporting_documents',
];
const WATCHED = [
  ...WATCHED_TABLES.map((table) => `SELECT t::text AS line FROM ${table} t`),
  'SELECT id::text AS line FROM email_outbox',
];

// `ids` fill {id}; a document's route takes `<owner id> <document id>` for {id} and {documentId},
// a deadline extension's `<round id> <organisation id>` for {id} and {organisationId}.
// `file`: sent as a multipart upload, as the owner would send it.
type Call = { ids: string[]; body?: object; headers?: Record<string, string>; file?: boolean };

function fill(path: string, ids: string): string {
  const [id, documentId] = ids.split(' ');
  return path.replace('{id}', id).replace(/\{(documentId|organisationId)\}/, documentId ?? '');
}

// A small but real PDF, which the owner's upload would be accepted with.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

describe('object-level access for applicants of another organisation', () => {
  let setup: ReturnsWorld;
  let db: DataSource;
  let draftBidId: string;
  let calls: Record<string, Call>;
  let snapshot: () => Promise<Record<string, string>>;

  beforeAll(async () => {
    setup = await activeAward();
    const { t, as, pcc } = setup.world;
    db = t.app.get(DataSource);
    const round = await openRound(t, as('admin'));
    const draft = await t
      .http()
      .post('/api/v1/bids')
      .set(pcc.headers)
      .send(validBid(round))
      .expect(201);
    draftBidId = draft.body.id;
    // The owner's deadline extension in that round.
    const pccOrganisation = (await organisationIds(t, as('admin')))[NORTHUMBRIA_PCC];
    await t
      .http()
      .post(`/api/v1/rounds/${round.id}/deadline-extensions`)
      .set(as('moderator'))
      .send({
        organisationId: pccOrganisation,
        closesAt: new Date(Date.parse(round.closesAt) + 86_400_000).toISOString(),
        reason: 'Office flooded',
      })
      .expect(201);
    const extension = `${round.id} ${pccOrganisation}`;
    const [q1] = setup.returns;
    const bidIds = [draftBidId, setup.bid.id];
    // The owner's documents, on the draft and on the first return (not yet scanned: its
    // uploader alone sees them, and nobody else learns they exist).
    const upload = async (owner: string) =>
      (
        await t
          .http()
          .post(`/api/v1/${owner}/documents`)
          .set(pcc.headers)
          .attach('file', PDF, 'letter-of-support.pdf')
          .expect(201)
      ).body.id as string;
    const bidDocument = `${draftBidId} ${await upload(`bids/${draftBidId}`)}`;
    const returnDocument = `${setup.returns[0].id} ${await upload(`returns/${setup.returns[0].id}`)}`;
    const returnBody = quarterReturn(setup.interventionId, { capital: 1_000_000 });
    // The owner's variations: one approved (its letter exists), one waiting for a decision.
    const variation = await ownerVariations(setup);
    // What the owner would send, so a refusal cannot be a validation error in disguise.
    calls = {
      'GET /api/v1/bids/{id}': { ids: bidIds },
      'PATCH /api/v1/bids/{id}': {
        ids: [draftBidId],
        body: { title: 'Taken over' },
        headers: { 'if-match': draft.headers.etag },
      },
      'GET /api/v1/bids/{id}/eligibility': { ids: bidIds },
      'GET /api/v1/bids/{id}/outcome': { ids: [setup.bid.id] },
      'POST /api/v1/bids/{id}/endorse': { ids: [draftBidId] },
      'POST /api/v1/bids/{id}/decline-endorsement': { ids: [draftBidId], body: { reason: 'No' } },
      'POST /api/v1/bids/{id}/submit': {
        ids: [draftBidId],
        headers: { 'idempotency-key': randomUUID() },
      },
      'POST /api/v1/bids/{id}/withdraw': { ids: bidIds, body: { reason: 'Not ours to pull' } },
      'GET /api/v1/rounds/{id}/deadline-extensions/{organisationId}': { ids: [extension] },
      'GET /api/v1/awards/{id}': { ids: [setup.awardId] },
      'GET /api/v1/awards/{id}/offer-letter': { ids: [setup.awardId] },
      'GET /api/v1/awards/{id}/position': { ids: [setup.awardId] },
      'POST /api/v1/awards/{id}/accept': {
        ids: [setup.awardId],
        body: { signatoryName: 'Someone Else', signatoryPosition: 'Chief Executive' },
      },
      'POST /api/v1/awards/{id}/decline': { ids: [setup.awardId], body: { reason: 'Not ours' } },
      'GET /api/v1/awards/{id}/variations': { ids: [setup.awardId] },
      'POST /api/v1/awards/{id}/variations': {
        ids: [setup.awardId],
        body: { reason: 'Ours now', profile: variation.profile },
      },
      'GET /api/v1/variations/{id}': { ids: [variation.approvedId, variation.openId] },
      'GET /api/v1/variations/{id}/letter': { ids: [variation.approvedId] },
      'POST /api/v1/variations/{id}/withdraw': { ids: [variation.openId] },
      'GET /api/v1/returns/{id}': { ids: setup.returns.map((r) => r.id) },
      'PATCH /api/v1/returns/{id}': {
        ids: [q1.id],
        body: returnBody,
        headers: { 'if-match': await returnEtag(setup, q1.id) },
      },
      'POST /api/v1/returns/{id}/submit': { ids: [q1.id] },
      'POST /api/v1/bids/{id}/documents': { ids: [draftBidId], file: true },
      'GET /api/v1/bids/{id}/documents': { ids: [draftBidId] },
      'GET /api/v1/bids/{id}/documents/{documentId}': { ids: [bidDocument] },
      'GET /api/v1/bids/{id}/documents/{documentId}/content': { ids: [bidDocument] },
      'DELETE /api/v1/bids/{id}/documents/{documentId}': { ids: [bidDocument] },
      'POST /api/v1/returns/{id}/documents': { ids: [q1.id], file: true },
      'GET /api/v1/returns/{id}/documents': { ids: [q1.id] },
      'GET /api/v1/returns/{id}/documents/{documentId}': { ids: [returnDocument] },
      'GET /api/v1/returns/{id}/documents/{documentId}/content': { ids: [returnDocument] },
      'DELETE /api/v1/returns/{id}/documents/{documentId}': { ids: [returnDocument] },
      // The PCC user's own session: another user ending it would sign them out.
      'DELETE /api/v1/me/sessions/{id}': { ids: [sessionOf(pcc.token)] },
    };
    snapshot = async () => {
      const rows = await Promise.all(
        WATCHED.map((lines) =>
          db.query<{ digest: string | null; count: string }[]>(
            `SELECT md5(string_agg(line, '|' ORDER BY line)) AS digest, count(*) AS count
             FROM (${lines}) AS watched`,
          ),
        ),
      );
      return Object.fromEntries(
        WATCHED.map((lines, i) => [lines, `${rows[i][0].count}:${rows[i][0].digest}`]),
      );
    };
  }, 90_000);
  afterAll(() => setup.world.close());

  it('has a decision for every route an applicant may call with an id', () => {
    const applicantIdRoutes = Object.entries(ACCESS_MATRIX)
      .filter(([route, roles]) => /\{\w+\}/.test(route) && roles !== 'public')
      .filter(([, roles]) => roles.includes('applicant'))
      .map(([route]) => route);
    const decided = [...Object.keys(calls), ...Object.keys(SHARED_REFERENCE_DATA)];
    expect([...applicantIdRoutes].sort()).toEqual([...decided].sort());
  });

  it('the owner can reach each object, so the ids are real', async () => {
    const { t, pcc } = setup.world;
    for (const [route, { ids }] of Object.entries(calls)) {
      const [method, path] = route.split(' ');
      if (method !== 'GET') {
        continue;
      }
      for (const id of ids) {
        const response = await t.http().get(fill(path, id)).set(pcc.headers);
        // A document not yet scanned is described to its uploader, not yet handed out.
        const reached = route.endsWith('/content') ? 409 : 200;
        expect([route, id, response.status]).toEqual([route, id, reached]);
      }
    }
  });

  // Endorsing is for PCC offices: a council is told so (403) whatever the id, before any bid is
  // looked up, so that answer gives nothing away either.
  const PCC_ONLY = ['POST /api/v1/bids/{id}/endorse', 'POST /api/v1/bids/{id}/decline-endorsement'];

  it('answers other organisations as for an unknown id (404), and changes nothing', async () => {
    const { t, as, council, otherCouncil } = setup.world;
    const orgs = await organisationIds(t, as('admin'));
    const outsiders: [string, Bidder, boolean][] = [
      ['council in the same force area', council, false],
      ['council in another force area', otherCouncil, false],
      ['PCC of another force area', await bidderOf(t, as('admin'), orgs[CLEVELAND_PCC]), true],
    ];
    const before = await snapshot();
    let refused = 0;
    for (const [route, { ids, body, headers, file }] of Object.entries(calls)) {
      const [method, path] = route.split(' ');
      for (const [who, bidder, isPcc] of outsiders) {
        const call = (id: string) => {
          const request = t.http() as unknown as Record<string, (url: string) => supertest.Test>;
          const sent = request[method.toLowerCase()](fill(path, id)).set({
            ...bidder.headers,
            ...headers,
          });
          return file ? sent.attach('file', PDF, 'letter-of-support.pdf') : sent.send(body ?? {});
        };
        const unknown = await call(`${randomUUID()} ${randomUUID()}`);
        const expected =
          PCC_ONLY.includes(route) && !isPcc ? [403, 'not-a-pcc'] : [404, 'not-found'];
        expect([route, who, unknown.status, unknown.body.code]).toEqual([route, who, ...expected]);
        for (const id of ids) {
          const response = await call(id);
          expect([route, who, id, response.status, response.body.code]).toEqual([
            route,
            who,
            id,
            ...expected,
          ]);
          expectProblem(response.body, expected[0] as number);
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThanOrEqual(Object.keys(calls).length * 3);
    expect(await snapshot()).toEqual(before);
  });

  // The lists an applicant can call: searched for the owner's reference or not, sorted any way,
  // none of them shows another organisation's award, return or bid.
  it('never lists another organisation’s rows, however searched or sorted', async () => {
    const { t, council, otherCouncil, pcc } = setup.world;
    const owned = new Set([setup.awardId, setup.bid.id, ...setup.returns.map((row) => row.id)]);
    const lists = ['/api/v1/awards', '/api/v1/returns', '/api/v1/bids'];
    const queries = [
      { q: setup.bid.reference },
      { limit: 100 },
      { sort: '-reference', limit: 100 },
    ];
    for (const path of lists) {
      const own = await t.http().get(path).set(pcc.headers).query({ q: setup.bid.reference });
      expect([path, own.status, own.body.total > 0]).toEqual([path, 200, true]);
      for (const bidder of [council, otherCouncil]) {
        for (const query of queries) {
          const response = await t.http().get(path).set(bidder.headers).query(query);
          expect([path, response.status]).toEqual([path, 200]);
          const leaked = (response.body.items as { id: string }[]).filter((row) =>
            owned.has(row.id),
          );
          expect([path, query, leaked]).toEqual([path, query, []]);
        }
      }
    }
  });
});

// The session a signed-in user's access token names (its `sid` claim).
function sessionOf(accessToken: string): string {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8'));
  return (claims as { sid: string }).sid;
}

async function returnEtag(setup: ReturnsWorld, returnId: string): Promise<string> {
  const { t, pcc } = setup.world;
  const response = await t.http().get(`/api/v1/returns/${returnId}`).set(pcc.headers).expect(200);
  return response.headers.etag;
}

// The owner's variations of the active award: a virement of £1,000 in 2025/26 Q4 approved, then
// the same profile with £1,000 less in Q4 requested. The award's round is put in delivery first.
async function ownerVariations(
  setup: ReturnsWorld,
): Promise<{ approvedId: string; openId: string; profile: object[] }> {
  const { t, as, pcc } = setup.world;
  await t
    .http()
    .post(`/api/v1/rounds/${setup.roundId}/start-delivery`)
    .set(as('admin'))
    .send({})
    .expect(200);
  // £250,000 capital and £50,000 revenue in 2025/26, spread evenly over its four quarters.
  const profile = [1, 2, 3, 4].flatMap((quarter) => [
    {
      financialYear: '2025/26',
      quarter,
      kind: 'capital',
      amountPence: 6_250_000 - (quarter === 4 ? 100_000 : 0),
    },
    {
      financialYear: '2025/26',
      quarter,
      kind: 'revenue',
      amountPence: 1_250_000 + (quarter === 4 ? 100_000 : 0),
    },
  ]);
  const request = (body: object) =>
    t.http().post(`/api/v1/awards/${setup.awardId}/variations`).set(pcc.headers).send(body);
  const approved = await request({ reason: 'More wardens', profile }).expect(201);
  await t
    .http()
    .post(`/api/v1/variations/${approved.body.id}/approve`)
    .set(as('approver'))
    .expect(200);
  const reduced = profile.map((c) =>
    c.quarter === 4 && c.kind === 'capital' ? { ...c, amountPence: c.amountPence - 100_000 } : c,
  );
  const open = await request({ reason: 'Less needed', profile: reduced }).expect(201);
  return { approvedId: approved.body.id, openId: open.body.id, profile: reduced };
}
