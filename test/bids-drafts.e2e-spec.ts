import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { auditInsertFrom } from '../src/audit/audit-store';
import { BidStore } from '../src/bids/bid-store';
import type { BidDto } from '../src/bids/bid-response.dto';
import type { Role } from '../src/common/access';
import { ReminderScanService } from '../src/notifications/reminder-scan.service';
import { login, TestApp } from './support/app';
import {
  Bidder,
  bidderOf,
  BiddingWorld,
  NORTHUMBRIA_PCC,
  openRound,
  organisationIds,
  startBidding,
  validBid,
} from './support/bids';
import { eventually, type TestSmtpServer } from './support/smtp';

const DAY = 86_400_000;

describe('bids: drafts, retried creates and reminders', () => {
  let world: BiddingWorld;
  let t: TestApp;
  let smtp: TestSmtpServer;
  let worker: INestApplicationContext;
  let pcc: Bidder;
  let council: Bidder;
  let charity: Bidder;
  const as = (role: Role) => world.as(role);

  beforeAll(async () => {
    world = await startBidding();
    ({ t, smtp, worker, pcc, council, charity } = world);
  });
  afterAll(() => world.close());

  const submit = (who: Bidder, id: string) =>
    t.http().post(`/api/v1/bids/${id}/submit`).set(who.headers);

  it('has demo bids to try: the PCC’s and a council’s submitted, a charity’s draft', async () => {
    const rounds = await t
      .http()
      .get('/api/v1/rounds?status=open&limit=100')
      .set(as('applicant'))
      .expect(200);
    const demo = rounds.body.items.find((r: { code: string }) => r.code === 'SSF-DEMO');
    expect(demo).toBeDefined();
    const listed = async (headers: { authorization: string }) =>
      (await t.http().get(`/api/v1/bids?roundId=${demo.id}`).set(headers).expect(200)).body.items
        .map((b: BidDto) => [b.reference, b.status, b.endorsement.state])
        .sort();
    const submitted = [
      ['SSF-DEMO-0001', 'submitted', 'not_required'],
      ['SSF-DEMO-0002', 'submitted', 'awaiting'],
    ];
    expect(await listed(as('moderator'))).toEqual(submitted);
    expect(await listed(as('applicant'))).toEqual(submitted);
    const charityDemo = { authorization: `Bearer ${await login(t, 'charity@demo.test')}` };
    expect(await listed(charityDemo)).toEqual([['SSF-DEMO-0003', 'draft', 'awaiting']]);
  });

  it('has the database refuse any change to what a submitted bid says, whatever the code path', async () => {
    const dataSource = t.app.get(DataSource);
    const [submitted] = await dataSource.query<{ id: string }[]>(
      `SELECT id FROM bids WHERE reference = 'SSF-DEMO-0001'`,
    );
    const attempts = [
      `UPDATE bids SET title = 'Rewritten' WHERE id = $1`,
      `UPDATE bids SET requested_pence = 1 WHERE id = $1`,
      `UPDATE bids SET status = 'draft', submitted_at = NULL WHERE id = $1`,
      `DELETE FROM bid_cost_lines WHERE bid_id = $1`,
      `UPDATE bid_interventions SET cost_pence = 1 WHERE bid_id = $1`,
      `INSERT INTO bid_match_funding (bid_id, position, source, kind, amount_pence)
       VALUES ($1, 99, 'Late', 'cash', 100)`,
    ];
    for (const sql of attempts) {
      await expect(dataSource.query(sql, [submitted.id])).rejects.toThrow(/cannot/);
    }
    // Decisions about the bid (not its content) still move on, e.g. the PCC's rank.
    await dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE bids SET pcc_rank = 3 WHERE id = $1`, [submitted.id]);
      await manager.query(`UPDATE bids SET pcc_rank = NULL WHERE id = $1`, [submitted.id]);
    });
  });

  it('answers a retried create with the bid the first request made', async () => {
    const round = await openRound(t, as('admin'));
    const create = (body: object) =>
      t
        .http()
        .post('/api/v1/bids')
        .set(council.headers)
        .set('idempotency-key', `retry-${round.code}`)
        .send(body);
    const first = await create(validBid(round)).expect(201);
    const retry = await create(validBid(round)).expect(201);
    expect(retry.body.id).toBe(first.body.id);
    const other = await create(validBid(round, { title: 'Another bid' })).expect(422);
    expect(other.body.code).toBe('idempotency-key-reused');
    const mine = await t
      .http()
      .get(`/api/v1/bids?roundId=${round.id}`)
      .set(council.headers)
      .expect(200);
    expect(mine.body.total).toBe(1);
  });

  it('answers a retried create from someone who has since moved organisation with no bid of their old one', async () => {
    const round = await openRound(t, as('admin'));
    const orgs = await organisationIds(t, as('admin'));
    const mover = await bidderOf(t, as('admin'), orgs[NORTHUMBRIA_PCC]);
    const key = `mover-${round.code}`;
    const body = validBid(round, { title: 'Made before the move' });
    const first = await t
      .http()
      .post('/api/v1/bids')
      .set(mover.headers)
      .set('idempotency-key', key)
      .send(body)
      .expect(201);
    const [me] = (
      await t
        .http()
        .get(`/api/v1/users?email=${encodeURIComponent(mover.email)}`)
        .set(as('admin'))
        .expect(200)
    ).body.items as { id: string }[];
    await t
      .http()
      .patch(`/api/v1/users/${me.id}`)
      .set(as('admin'))
      .send({ organisationId: orgs['Newcastle upon Tyne City Council'] })
      .expect(200);
    const now = { authorization: `Bearer ${await login(t, mover.email, mover.password)}` };
    await t.http().get(`/api/v1/bids/${first.body.id}`).set(now).expect(404);

    // The same key and body again: the PCC's bid is no longer theirs to be answered with.
    const retried = await t
      .http()
      .post('/api/v1/bids')
      .set(now)
      .set('idempotency-key', key)
      .send(body);
    expect([retried.status, retried.body.code]).toEqual([422, 'idempotency-key-reused']);
    expect(retried.body.id).toBeUndefined();
    expect(JSON.stringify(retried.body)).not.toContain(first.body.reference);
  });

  it('answers ten parallel creates with one Idempotency-Key with the one bid the first made', async () => {
    const round = await openRound(t, as('admin'));
    const key = `parallel-${round.code}`;
    const create = (body: object) =>
      t.http().post('/api/v1/bids').set(council.headers).set('idempotency-key', key).send(body);
    const answers = await Promise.all(Array.from({ length: 10 }, () => create(validBid(round))));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    const [{ count }] = await t.app
      .get(DataSource)
      .query<{ count: number }[]>(`SELECT count(*)::int AS count FROM bids WHERE round_id = $1`, [
        round.id,
      ]);
    expect(count).toBe(1);
    const other = await create(validBid(round, { title: 'Another bid' })).expect(422);
    expect(other.body.code).toBe('idempotency-key-reused');
  });

  it('numbers parallel drafts of one round without repeats or gaps', async () => {
    const round = await openRound(t, as('admin'));
    const made = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.http().post('/api/v1/bids').set(council.headers).send(validBid(round)),
      ),
    );
    expect(made.map((answer) => answer.status)).toEqual(Array(12).fill(201));
    expect(made.map((answer) => answer.body.reference as string).sort()).toEqual(
      Array.from({ length: 12 }, (_, n) => `${round.code}-${String(n + 1).padStart(4, '0')}`),
    );
  });

  it('answers a save that changes nothing with the draft as stored: same version, no audit event', async () => {
    const round = await openRound(t, as('admin'));
    const { roundId, ...content } = validBid(round);
    const draft = await t
      .http()
      .post('/api/v1/bids')
      .set(council.headers)
      .send({ roundId, ...content })
      .expect(201);
    const edit = (ifMatch: string, body: object) =>
      t
        .http()
        .patch(`/api/v1/bids/${draft.body.id}`)
        .set(council.headers)
        .set('if-match', ifMatch)
        .send(body);
    const edited = { ...content, title: 'Safer alleys for Heaton' };
    const saved = await edit(draft.headers.etag, edited).expect(200);
    // Every field sent again as stored, its lists of lines included.
    const same = await edit(saved.headers.etag, edited).expect(200);
    expect(same.headers.etag).toBe(saved.headers.etag);
    expect(same.body).toEqual(saved.body);
    const read = await t.http().get(`/api/v1/bids/${draft.body.id}`).set(council.headers);
    expect(read.body).toEqual(saved.body);
    const events = await t
      .http()
      .get(`/api/v1/audit-events?objectType=bid&objectId=${draft.body.id}`)
      .set(as('admin'))
      .expect(200);
    expect(events.body.items.map((e: { command: string }) => e.command).sort()).toEqual([
      'bid.create',
      'bid.update',
    ]);
    // Another editor's If-Match, read before the save that changed nothing, still holds.
    await edit(saved.headers.etag, { summary: 'Gates and lights.' }).expect(200);
  });

  // A round is read without a lock: a close that lands between that read and the write must
  // find the write refusing, with nothing written and no number taken.
  it('writes no draft, and takes no number, in a round closed after it was read', async () => {
    const round = await openRound(t, as('admin'));
    const first = await t
      .http()
      .post('/api/v1/bids')
      .set(council.headers)
      .send(validBid(round))
      .expect(201);
    const db = t.app.get(DataSource);
    const [{ created_by: createdBy }] = await db.query<{ created_by: string }[]>(
      `SELECT created_by FROM bids WHERE id = $1`,
      [first.body.id],
    );
    await db.query(`UPDATE funding_rounds SET status = 'closed' WHERE id = $1`, [round.id]);
    const made = await t.app.get(BidStore).insertDraft(
      db.manager,
      { id: round.id, code: round.code },
      {
        organisationId: first.body.organisationId,
        applicantType: first.body.applicantType,
        needsEndorsement: false,
        status: 'draft',
        createdBy,
        title: 'Too late',
      },
      validBid(round),
      (n, from) =>
        auditInsertFrom(
          { id: null, label: 'test' },
          { command: 'bid.create', objectType: 'bid', changes: {} },
          n,
          {
            from,
            objectIdSql: `${from}.id::text`,
            moreChangesSql: `'{}'::jsonb`,
          },
        ),
    );
    expect(made).toBeNull();
    const [counts] = await db.query<{ bids: number; last: number; events: number }[]>(
      `SELECT (SELECT count(*)::int FROM bids WHERE round_id = $1) AS bids,
              (SELECT last_number FROM round_reference_counters WHERE round_id = $1) AS last,
              (SELECT count(*)::int FROM audit_events e JOIN bids b ON e.object_id = b.id::text
                WHERE b.round_id = $1) AS events`,
      [round.id],
    );
    expect(counts).toEqual({ bids: 1, last: 1, events: 1 });
  });

  it('reminds the creator of a draft 7 days and 1 day before the round closes, once each', async () => {
    const closesAt = new Date(Date.now() + 10 * DAY);
    const round = await openRound(t, as('admin'), { closesAt: closesAt.toISOString() });
    const draft = (
      await t
        .http()
        .post('/api/v1/bids')
        .set(council.headers)
        .send({ roundId: round.id, title: 'Late bid' })
        .expect(201)
    ).body;
    const submittedBid = (
      await t.http().post('/api/v1/bids').set(pcc.headers).send(validBid(round)).expect(201)
    ).body;
    await submit(pcc, submittedBid.id).expect(200);
    const scans = worker.get(ReminderScanService);
    const reminders = () =>
      smtp
        .to(council.email)
        .filter((m) => m.subject.startsWith(`Reminder: bid ${draft.reference}`));

    // The scan covers every round; this test reads the rows about its own draft.
    const queued = async () =>
      (
        await t
          .http()
          .get(`/api/v1/emails?objectType=bid&objectId=${draft.id}&limit=100`)
          .set(as('admin'))
          .expect(200)
      ).body.items
        .map((row: { dedupeKey: string }) => row.dedupeKey)
        .sort();
    await scans.scan(new Date(closesAt.getTime() - 8 * DAY));
    expect(await queued()).toEqual([]);
    const weekBefore = new Date(closesAt.getTime() - 6 * DAY);
    expect((await scans.scan(weekBefore))['bid-draft-7d']).toBeGreaterThanOrEqual(1);
    expect((await scans.scan(weekBefore))['bid-draft-7d']).toBe(0);
    expect(await queued()).toEqual([`bid:${draft.id}:draft-7d`]);
    const dayBefore = new Date(closesAt.getTime() - 12 * 3_600_000);
    await scans.scan(dayBefore);
    await scans.scan(dayBefore);
    expect(await queued()).toEqual([`bid:${draft.id}:draft-1d`, `bid:${draft.id}:draft-7d`]);
    await eventually(() => expect(reminders()).toHaveLength(2));
    expect(reminders()[0].text).toContain('is still a draft');
    expect(smtp.to(pcc.email).filter((m) => m.subject.startsWith('Reminder: bid'))).toEqual([]);
  });

  it('keeps a draft withdrawn before submission with its bidder: the PCC and the Home Office see no such bid', async () => {
    const round = await openRound(t, as('admin'));
    const draft = (
      await t
        .http()
        .post('/api/v1/bids')
        .set(charity.headers)
        .send({ ...validBid(round), title: 'Never sent' })
        .expect(201)
    ).body as BidDto;
    await t
      .http()
      .post(`/api/v1/bids/${draft.id}/withdraw`)
      .set(charity.headers)
      .send({ reason: 'Thought better of it' })
      .expect(200);
    // The bidder still has its working copy.
    await t.http().get(`/api/v1/bids/${draft.id}`).set(charity.headers).expect(200);

    // Never submitted, it is as unknown to the area's PCC and to staff as an id that never was.
    for (const headers of [pcc.headers, as('moderator'), as('admin')]) {
      for (const path of ['', '/eligibility', '/documents']) {
        const refused = await t.http().get(`/api/v1/bids/${draft.id}${path}`).set(headers);
        expect([refused.status, refused.body.code]).toEqual([404, 'not-found']);
      }
      const listed = await t
        .http()
        .get(`/api/v1/bids?roundId=${round.id}&limit=100`)
        .set(headers)
        .expect(200);
      expect(listed.body.items.map((b: BidDto) => b.id)).not.toContain(draft.id);
    }
    const ranking = await t
      .http()
      .get(`/api/v1/rounds/${round.id}/pcc-ranking`)
      .set(pcc.headers)
      .expect(200);
    expect(ranking.body.bids.map((b: { id: string }) => b.id)).not.toContain(draft.id);
    const declined = await t
      .http()
      .post(`/api/v1/bids/${draft.id}/decline-endorsement`)
      .set(pcc.headers)
      .send({ reason: 'Not a priority for the area' });
    expect([declined.status, declined.body.code]).toEqual([404, 'not-found']);
  });
});
