import { DataSource } from 'typeorm';
import { formatLondonZoned } from '../src/common/london-time';
import { ReminderScanService } from '../src/notifications/reminder-scan.service';
import { expectProblem } from './support/app';
import {
  NORTHUMBRIA_PCC,
  openRound,
  organisationIds,
  startBidding,
  validBid,
  type Bidder,
  type BiddingWorld,
} from './support/bids';
import { eventually } from './support/smtp';

const DAY = 86_400_000;
const COUNCIL = 'Newcastle upon Tyne City Council';
const CHARITY = 'Safe Nights Tyneside (demo charity)';

interface AuditRow {
  command: string;
  actorLabel: string;
  changes: Record<string, { before: unknown; after: unknown }>;
}

// A moderator gives one organisation a later close time for a round: that organisation submits
// after the round's own close, every other is held to it, and the reminders, tasks and views
// follow the organisation's own deadline.
describe('deadline extensions for one organisation', () => {
  let world: BiddingWorld;
  let orgs: Record<string, string>;

  beforeAll(async () => {
    world = await startBidding();
    orgs = await organisationIds(world.t, world.as('admin'));
  }, 90_000);
  afterAll(() => world.close());

  const extensionsOf = (roundId: string) => `/api/v1/rounds/${roundId}/deadline-extensions`;
  const grant = (roundId: string, body: object, headers = world.as('moderator')) =>
    world.t.http().post(extensionsOf(roundId)).set(headers).send(body);
  const draftOf = async (bidder: Bidder, round: { id: string; deliveryStartsOn: string }) =>
    (
      await world.t
        .http()
        .post('/api/v1/bids')
        .set(bidder.headers)
        .send(validBid(round))
        .expect(201)
    ).body as { id: string; reference: string; closesAt: string };
  const auditOf = async (objectId: string): Promise<AuditRow[]> =>
    (
      await world.t
        .http()
        .get(`/api/v1/audit-events?objectType=round_deadline_extension&objectId=${objectId}`)
        .set(world.as('admin'))
        .expect(200)
    ).body.items;
  const emailsAbout = async (template: string, objectId: string) =>
    (
      await world.t
        .http()
        .get(`/api/v1/emails?template=${template}&objectId=${objectId}&limit=100`)
        .set(world.as('admin'))
        .expect(200)
    ).body.items as { dedupeKey: string; recipients: string[]; data: Record<string, unknown> }[];

  it('lets the extended organisation submit after the round closes, and no other', async () => {
    const { t, as, council, otherCouncil } = world;
    const closesAt = new Date(Date.now() + 5_000);
    const round = await openRound(t, as('admin'), { closesAt: closesAt.toISOString() });
    const extended = await draftOf(council, round);
    const heldToRound = await draftOf(otherCouncil, round);
    const ownClose = new Date(closesAt.getTime() + 2 * DAY).toISOString();

    const granted = await grant(round.id, {
      organisationId: orgs[COUNCIL],
      closesAt: ownClose,
      reason: 'Flooding closed the council offices for three days.',
    }).expect(201);
    expect(granted.headers.location).toBe(
      `/api/v1/rounds/${round.id}/deadline-extensions/${orgs[COUNCIL]}`,
    );
    expect(granted.body).toMatchObject({
      organisationId: orgs[COUNCIL],
      organisationName: COUNCIL,
      closesAt: ownClose,
      version: 1,
    });
    expect(granted.body.closesAtUkTime).toMatch(/^\d{1,2} \w+ \d{4} \d{2}:\d{2}:\d{2} (GMT|BST)$/);

    // The organisation's people are told, in the same transaction.
    const [notice] = await emailsAbout('deadline-extension', round.id);
    expect(notice.recipients).toContain(council.email);
    expect(notice.recipients).not.toContain(otherCouncil.email);
    expect(notice.data).toMatchObject({ closesAt: ownClose, revoked: false });
    // The mail names the UK clock's zone wherever it gives a time, the subject too.
    const ownCloseUk = formatLondonZoned(new Date(ownClose));
    const mail = await eventually(() => {
      const found = world.smtp
        .to(council.email)
        .filter((m) => m.subject.includes(`may submit to ${round.name}`));
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(mail.subject).toBe(`${COUNCIL} may submit to ${round.name} until ${ownCloseUk}`);
    expect(mail.text).toContain(
      `may submit bids until ${ownCloseUk}, instead of the round's ${formatLondonZoned(closesAt)}.`,
    );

    // Each applicant sees their own deadline on the round and on their bid.
    const roundAs = async (bidder: Bidder) =>
      (await t.http().get(`/api/v1/rounds/${round.id}`).set(bidder.headers).expect(200)).body;
    expect((await roundAs(council)).yourClosesAt).toBe(ownClose);
    expect((await roundAs(otherCouncil)).yourClosesAt).toBe(closesAt.toISOString());
    const staffView = await t.http().get(`/api/v1/rounds/${round.id}`).set(as('admin'));
    expect(staffView.body.yourClosesAt).toBeNull();
    const bidAs = async (bidder: Bidder, id: string) =>
      (await t.http().get(`/api/v1/bids/${id}`).set(bidder.headers).expect(200)).body;
    expect((await bidAs(council, extended.id)).closesAt).toBe(ownClose);
    expect((await bidAs(otherCouncil, heldToRound.id)).closesAt).toBe(closesAt.toISOString());

    await new Promise((resolve) => setTimeout(resolve, closesAt.getTime() + 500 - Date.now()));
    const late = await t
      .http()
      .post(`/api/v1/bids/${heldToRound.id}/submit`)
      .set(otherCouncil.headers)
      .expect(409);
    expectProblem(late.body, 409, 'round-not-open');
    const submitted = await t
      .http()
      .post(`/api/v1/bids/${extended.id}/submit`)
      .set(council.headers)
      .expect(200);
    expect(submitted.body.status).toBe('submitted');

    // The round's own close waits for the extension, naming it.
    const close = await t.http().post(`/api/v1/rounds/${round.id}/close`).set(as('admin'));
    expectProblem(close.body, 409, 'deadline-extensions-running');
    expect(close.body.detail).toContain(COUNCIL);
    expect((await roundAs(council)).status).toBe('open');

    const [audit] = await auditOf(granted.body.id);
    expect(audit).toMatchObject({
      command: 'round.deadline-extension.grant',
      changes: {
        organisationId: { before: null, after: orgs[COUNCIL] },
        closesAt: { before: null, after: ownClose },
        reason: { before: null, after: 'Flooding closed the council offices for three days.' },
      },
    });
    expect(audit.actorLabel).toContain('(moderator)');
  });

  it('puts the extended deadline in the draft reminder and the task', async () => {
    const { t, as, worker, council, otherCouncil } = world;
    const closesAt = new Date(Date.now() + 2 * 3_600_000);
    const round = await openRound(t, as('admin'), { closesAt: closesAt.toISOString() });
    const extended = await draftOf(council, round);
    const heldToRound = await draftOf(otherCouncil, round);
    const ownClose = new Date(closesAt.getTime() + 3 * DAY).toISOString();
    await grant(round.id, {
      organisationId: orgs[COUNCIL],
      closesAt: ownClose,
      reason: 'Server outage at the council',
    }).expect(201);

    await worker.get(ReminderScanService).scan(new Date());
    const [reminded] = await emailsAbout('bid-draft-reminder', extended.id);
    expect(reminded.data.daysLeft).toBe(7);
    expect(Date.parse(reminded.data.closesAt as string)).toBe(Date.parse(ownClose));
    expect(reminded.dedupeKey).toMatch(/:draft-7d:until-\d{8}T\d{4}$/);
    const [roundClose] = await emailsAbout('bid-draft-reminder', heldToRound.id);
    expect(roundClose.data.daysLeft).toBe(1);
    expect(Date.parse(roundClose.data.closesAt as string)).toBe(closesAt.getTime());
    expect(roundClose.dedupeKey).toBe(`bid:${heldToRound.id}:draft-1d`);

    const tasks = (await t.http().get('/api/v1/me/tasks').set(council.headers).expect(200)).body
      .items as { objectId: string; deadline: string; kind: string }[];
    expect(tasks.find((task) => task.objectId === extended.id)).toMatchObject({
      kind: 'bid_draft_closing_soon',
      deadline: ownClose,
    });
  });

  it('replaces an extension granted again and revokes one, each audited before and after', async () => {
    const { t, as, council, otherCouncil } = world;
    const round = await openRound(t, as('admin'));
    const first = new Date(Date.parse(round.closesAt) + DAY).toISOString();
    const second = new Date(Date.parse(round.closesAt) + 3 * DAY).toISOString();
    const given = await grant(round.id, {
      organisationId: orgs[COUNCIL],
      closesAt: first,
      reason: 'Flooding',
    }).expect(201);
    const changed = await grant(round.id, {
      organisationId: orgs[COUNCIL],
      closesAt: second,
      reason: 'Flooding, longer than feared',
    }).expect(201);
    expect(changed.body).toMatchObject({ id: given.body.id, closesAt: second, version: 2 });
    const list = await t.http().get(extensionsOf(round.id)).set(as('admin')).expect(200);
    expect(list.body.items).toHaveLength(1);
    const audit = await auditOf(given.body.id);
    expect(audit[1]).toMatchObject({
      command: 'round.deadline-extension.change',
      changes: {
        closesAt: { before: first, after: second },
        reason: { before: 'Flooding', after: 'Flooding, longer than feared' },
      },
    });
    expect(audit[1].changes.organisationId).toBeUndefined();
    expect((await emailsAbout('deadline-extension', round.id)).length).toBe(2);

    // Applicants read their own organisation's extension and no other's.
    const own = `${extensionsOf(round.id)}/${orgs[COUNCIL]}`;
    await t.http().get(own).set(council.headers).expect(200);
    const other = await t.http().get(own).set(otherCouncil.headers).expect(404);
    expectProblem(other.body, 404, 'not-found');

    const revoke = `${own}/revoke`;
    const noReason = await t.http().post(revoke).set(as('moderator')).send({}).expect(400);
    expect(noReason.body.errors.map((e: { field: string }) => e.field)).toContain('reason');
    await t
      .http()
      .post(revoke)
      .set(as('moderator'))
      .send({ reason: 'Offices reopened early' })
      .expect(204);
    await t.http().get(own).set(council.headers).expect(404);
    const revoked = (await auditOf(given.body.id))[2];
    expect(revoked).toMatchObject({
      command: 'round.deadline-extension.revoke',
      changes: {
        closesAt: { before: second, after: null },
        revocationReason: { before: null, after: 'Offices reopened early' },
      },
    });
    const roundView = await t.http().get(`/api/v1/rounds/${round.id}`).set(council.headers);
    expect(roundView.body.yourClosesAt).toBe(round.closesAt);
    await t.http().post(revoke).set(as('moderator')).send({ reason: 'Again' }).expect(404);
  });

  it('refuses bad input and wrong callers, writing nothing', async () => {
    const { t, as, council } = world;
    const db = t.app.get(DataSource);
    const round = await openRound(t, as('admin'));
    const roundClose = Date.parse(round.closesAt);
    const valid = {
      organisationId: orgs[COUNCIL],
      closesAt: new Date(roundClose + DAY).toISOString(),
      reason: 'Flooding',
    };
    const count = async () =>
      (
        await db.query(
          `SELECT (SELECT count(*) FROM round_deadline_extensions WHERE round_id = $1)::int AS n,
                  (SELECT count(*) FROM audit_events WHERE object_type = 'round_deadline_extension')::int AS a`,
          [round.id],
        )
      )[0] as { n: number; a: number };
    const before = await count();

    const noReason = await grant(round.id, { ...valid, reason: '  ' }).expect(400);
    expect(noReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    // The default cap: 14 days after the round's close.
    const beyond = await grant(round.id, {
      ...valid,
      closesAt: new Date(roundClose + 14 * DAY + 60_000).toISOString(),
    }).expect(422);
    expectProblem(beyond.body, 422, 'extension-beyond-cap');
    expect(beyond.body.detail).toContain('at most 14 days');
    await grant(round.id, { ...valid, closesAt: new Date(roundClose + 14 * DAY).toISOString() })
      .expect(201)
      .then(() =>
        t
          .http()
          .post(`${extensionsOf(round.id)}/${orgs[COUNCIL]}/revoke`)
          .set(as('moderator'))
          .send({ reason: 'Only checking the cap' })
          .expect(204),
      );
    const earlier = await grant(round.id, { ...valid, closesAt: round.closesAt }).expect(422);
    expectProblem(earlier.body, 422, 'extension-not-later');
    // The round takes bids from PCCs and councils, not charities.
    const charity = await grant(round.id, { ...valid, organisationId: orgs[CHARITY] }).expect(422);
    expectProblem(charity.body, 422, 'organisation-may-not-bid');

    for (const role of ['applicant', 'admin', 'approver', 'assessor'] as const) {
      const headers = role === 'applicant' ? council.headers : as(role);
      await grant(round.id, valid, headers).expect(403);
    }
    await t.http().get(extensionsOf(round.id)).set(council.headers).expect(403);
    const afterRefusals = await count();
    expect(afterRefusals.n).toBe(before.n);
    expect(afterRefusals.a).toBe(before.a + 2);

    // Once closed, and after a decision, the round takes no extension.
    await db.query(
      `UPDATE funding_rounds SET closes_at = now() - interval '1 minute', opens_at = now() - interval '1 day' WHERE id = $1`,
      [round.id],
    );
    await t.http().post(`/api/v1/rounds/${round.id}/close`).set(as('admin')).expect(200);
    for (const status of ['closed', 'decided']) {
      await db.query(`UPDATE funding_rounds SET status = $2 WHERE id = $1`, [round.id, status]);
      const late = await grant(round.id, {
        ...valid,
        closesAt: new Date(Date.now() + DAY).toISOString(),
      }).expect(409);
      expectProblem(late.body, 409, 'round-not-taking-bids');
      expect(late.body.detail).toContain(`is ${status}`);
    }
    expect((await count()).n).toBe(before.n);
    const pcc = await t
      .http()
      .get(`${extensionsOf(round.id)}/${orgs[NORTHUMBRIA_PCC]}`)
      .set(as('moderator'));
    expect(pcc.status).toBe(404);
  });
});
