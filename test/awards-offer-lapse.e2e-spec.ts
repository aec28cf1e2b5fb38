import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { OfferLapseService } from '../src/awards/offer-lapse.service';
import { DAILY_OFFER_LAPSE_SCHEDULER } from '../src/awards/offer-lapse.scheduler';
import { ReminderScanService } from '../src/notifications/reminder-scan.service';
import { QUEUES, queuePrefix, redisConnection } from '../src/queues/queues';
import { fullAward, moderatedRound, recordDueDiligence } from './support/awards';
import { type BiddingWorld, NORTHUMBRIA_PCC, organisationIds, startBidding } from './support/bids';
import { eventually } from './support/smtp';

const DAY = 86_400_000;

// Four offers of £300,000 to the Northumbria PCC, open 14 days: A is never accepted, B is
// accepted at once, C is being accepted when the lapse job reaches it, D is declined. The reminder scan and the
// lapse job run as at moments around A's deadline (the test's clock, not waiting 14 days).
describe('awards: offers lapse by themselves', () => {
  let world: BiddingWorld;
  let roundId = '';
  const ids: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };
  let expiresAt = new Date();
  const api = () => world.t.http();

  beforeAll(async () => {
    world = await startBidding();
    const { t, as } = world;
    const orgs = await organisationIds(t, as('admin'));
    await recordDueDiligence(world, orgs[NORTHUMBRIA_PCC], 'green');
    const { round, bids } = await moderatedRound(world, [world.pcc], 4, {
      offerAcceptanceDays: 14,
      approvalThresholdPence: 50_000_000,
    });
    roundId = round.id;
    for (const bid of bids) {
      await api()
        .post(`/api/v1/bids/${bid.id}/decision`)
        .set(as('approver'))
        .send(fullAward(bid))
        .expect(201);
    }
    await api().post(`/api/v1/rounds/${round.id}/publish-outcomes`).set(as('admin')).expect(200);
    for (const [index, key] of (['A', 'B', 'C', 'D'] as const).entries()) {
      const outcome = await api()
        .get(`/api/v1/bids/${bids[index].id}/outcome`)
        .set(world.pcc.headers)
        .expect(200);
      ids[key] = outcome.body.awardId as string;
    }
    await api()
      .post(`/api/v1/awards/${ids.B}/accept`)
      .set(world.pcc.headers)
      .send({ signatoryName: 'Kim McGuinness', signatoryPosition: 'Police and Crime Commissioner' })
      .expect(200);
    const a = await api().get(`/api/v1/awards/${ids.A}`).set(world.pcc.headers).expect(200);
    expiresAt = new Date(a.body.offerExpiresAt as string);
  }, 90_000);
  afterAll(() => world.close());

  // Each step once, whether or not it went as several emails (`:part-2`, ...): across a full
  // run the Northumbria PCC gathers more than one email's worth of applicants.
  const steps = async (id: string): Promise<string[]> => {
    const { items } = (
      await api()
        .get(`/api/v1/emails?objectType=award_decision&objectId=${id}&limit=100`)
        .set(world.as('admin'))
        .expect(200)
    ).body as { items: { dedupeKey: string }[] };
    const names = items.map((row) =>
      row.dedupeKey.replace(`decision:${id}:`, '').replace(/:part-\d+$/, ''),
    );
    return [...new Set(names)].sort();
  };
  const live = async (): Promise<number> =>
    (await api().get(`/api/v1/rounds/${roundId}/decisions`).set(world.as('approver')).expect(200))
      .body.livePence;

  it('is scheduled daily by the worker', async () => {
    const queue = new Queue(QUEUES.offers, {
      connection: redisConnection(world.t.config),
      prefix: queuePrefix(world.t.config),
    });
    try {
      expect(await queue.getJobScheduler(DAILY_OFFER_LAPSE_SCHEDULER)).toMatchObject({
        pattern: '15 0 * * *',
        tz: 'Europe/London',
      });
    } finally {
      await queue.close();
    }
  });

  it('reminds the bidder 7 days and 1 day before the deadline, each once, and never of an accepted offer', async () => {
    const scans = world.worker.get(ReminderScanService);
    const at = (msBefore: number) => new Date(expiresAt.getTime() - msBefore);
    await scans.scan(at(8 * DAY));
    expect(await steps(ids.A)).toEqual(['outcome']);
    expect((await scans.scan(at(7 * DAY - 3_600_000)))['offer-expiry-7d']).toBeGreaterThanOrEqual(
      1,
    );
    expect((await scans.scan(at(6 * DAY)))['offer-expiry-7d']).toBe(0);
    expect(await steps(ids.A)).toEqual(['expiry-7d', 'outcome']);
    await scans.scan(at(DAY - 3_600_000));
    await scans.scan(at(3_600_000));
    expect(await steps(ids.A)).toEqual(['expiry-1d', 'expiry-7d', 'outcome']);
    expect(await steps(ids.B)).toEqual(['accepted', 'outcome']);
    const reminder = await eventually(() => {
      const mail = world.smtp
        .to(world.pcc.email)
        .find(
          (m) =>
            m.subject.startsWith(`Grant offer for bid`) && m.subject.includes('lapses in 7 day(s)'),
        );
      expect(mail).toBeDefined();
      return mail!;
    });
    expect(reminder.text).toContain('Accept or decline it by');
  });

  it('confirms a decline to the bidder and tells the programme team', async () => {
    await api()
      .post(`/api/v1/awards/${ids.D}/decline`)
      .set(world.pcc.headers)
      .send({ reason: 'Match funding fell through.' })
      .expect(200);
    // It was open during the reminder scans above, so it had both reminders.
    expect(await steps(ids.D)).toEqual([
      'declined',
      'declined-notice',
      'expiry-1d',
      'expiry-7d',
      'outcome',
    ]);
    const confirmation = await eventually(() => {
      const found = world.smtp
        .to(world.pcc.email)
        .find((m) => m.subject.startsWith('You declined the grant offer'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(confirmation.text).toContain('Your reason: Match funding fell through.');
    const [admin] = await world.t.app
      .get(DataSource)
      .query<{ email: string }[]>(
        `SELECT email FROM users WHERE role = 'admin' AND active ORDER BY email LIMIT 1`,
      );
    const notice = await eventually(() => {
      const found = world.smtp
        .to(admin.email)
        .find((m) => m.subject.includes('declined the grant offer for bid'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(notice.text).toContain('The money is back in the round');
    expect(notice.to).not.toContain(world.pcc.email.toLowerCase());
  });
  it('withdraws an unaccepted offer past its deadline once, releasing its money and emailing the bidder', async () => {
    const lapses = world.worker.get(OfferLapseService);
    const before = await live();
    const taskIds = async (): Promise<string[]> =>
      (await api().get('/api/v1/me/tasks').set(world.pcc.headers).expect(200)).body.items.map(
        (task: { objectId: string }) => task.objectId,
      );
    expect(await taskIds()).toContain(ids.A);
    // Before the deadline: nothing lapses.
    await lapses.lapseDue(new Date(expiresAt.getTime() - 60_000));
    expect((await api().get(`/api/v1/awards/${ids.A}`).set(world.pcc.headers)).body.status).toBe(
      'offered',
    );

    // C is being accepted (its row locked) when the job reaches it; the acceptance commits first.
    const dataSource = world.t.app.get(DataSource);
    const accepting = dataSource.createQueryRunner();
    await accepting.connect();
    await accepting.startTransaction();
    await accepting.query('SELECT id FROM award_decisions WHERE id = $1 FOR UPDATE', [ids.C]);
    const after = new Date(expiresAt.getTime() + 60_000);
    const run = lapses.lapseDue(after);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await accepting.query(
      `UPDATE award_decisions SET status = 'active', accepted_at = now(), signatory_name = 'Kim McGuinness',
         accepted_by = (SELECT id FROM users WHERE email = $2) WHERE id = $1`,
      [ids.C, world.pcc.email.toLowerCase()],
    );
    await accepting.commitTransaction();
    await accepting.release();
    await run;
    // Run again, twice at once: nothing more.
    await Promise.all([lapses.lapseDue(after), lapses.lapseDue(after)]);

    const a = await api().get(`/api/v1/awards/${ids.A}`).set(world.pcc.headers).expect(200);
    expect(a.body).toMatchObject({
      status: 'withdrawn',
      closeReason: expect.stringMatching(
        /^The offer lapsed: it was not accepted by \d{1,2} \w+ \d{4} \d{2}:\d{2}:\d{2} (GMT|BST)\.$/,
      ),
    });
    for (const key of ['B', 'C'] as const) {
      expect(
        (await api().get(`/api/v1/awards/${ids[key]}`).set(world.pcc.headers)).body.status,
      ).toBe('active');
    }
    expect(await live()).toBe(before - 30_000_000);
    expect(await steps(ids.A)).toEqual(['expiry-1d', 'expiry-7d', 'outcome', 'withdrawn']);
    const audit = await dataSource.query<{ command: string; actor_label: string }[]>(
      `SELECT command, actor_label FROM audit_events WHERE object_type = 'award_decision' AND object_id = $1 AND command = 'award.withdraw'`,
      [ids.A],
    );
    expect(audit).toEqual([{ command: 'award.withdraw', actor_label: 'daily offer lapse job' }]);

    const mail = await eventually(() => {
      const found = world.smtp
        .to(world.pcc.email)
        .find((m) => m.subject.endsWith('withdrawn') && m.text.includes('The offer lapsed'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(mail.text).toContain('£300,000.00');
    // The bidder sees it among their notifications, and the offer is no longer a task of theirs.
    const notes = await api().get('/api/v1/me/notifications?limit=100').set(world.pcc.headers);
    expect(notes.body.items).toContainEqual(
      expect.objectContaining({ template: 'award-withdrawn', subject: mail.subject }),
    );
    const tasks = await api().get('/api/v1/me/tasks').set(world.pcc.headers).expect(200);
    expect(tasks.body.items.map((task: { objectId: string }) => task.objectId)).not.toContain(
      ids.A,
    );
  });

  it('emails a manual withdrawal to the bidder', async () => {
    await api()
      .post(`/api/v1/awards/${ids.B}/withdraw`)
      .set(world.as('admin'))
      .send({ reason: 'Planning consent refused.' })
      .expect(200);
    expect(await steps(ids.B)).toEqual(['accepted', 'outcome', 'withdrawn']);
    const mail = await eventually(() => {
      const found = world.smtp
        .to(world.pcc.email)
        .find((m) => m.text.includes('Reason: Planning consent refused.'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(mail.subject).toMatch(/withdrawn$/);
  });
});
