import { DataSource } from 'typeorm';
import { ReminderRegistry } from '../src/notifications/reminder-registry';
import { ReminderScanService } from '../src/notifications/reminder-scan.service';
import type { BiddingWorld } from './support/bids';
import { activeAward, QUARTER_DUE, type ReturnsWorld } from './support/returns';
import { eventually } from './support/smtp';

// Reminders for a return, with the scan run as at chosen days (the test's clock, not waiting):
// 14 and 3 days before it is due to the bidder, then overdue on day 1 and weekly after to the
// bidder and the programme team, each step exactly once however often the scan runs.
describe('returns: due and overdue reminders', () => {
  let setup: ReturnsWorld;
  let world: BiddingWorld;

  beforeAll(async () => {
    setup = await activeAward();
    world = setup.world;
  }, 90_000);
  afterAll(() => world.close());

  const at = (day: string) => new Date(`${day}T08:00:00Z`);

  it('sends each step once to the bidder, and overdue ones to the programme team too', async () => {
    const { t, as, smtp, pcc } = world;
    const scans = world.worker.get(ReminderScanService);
    const q1 = setup.returns[0];
    expect(q1.dueOn).toBe(QUARTER_DUE[1]);
    // The scans cover every return; this test reads the rows about Q1's.
    const queued = async () =>
      (
        await t
          .http()
          .get(`/api/v1/emails?objectType=delivery_return&objectId=${q1.id}&limit=100`)
          .set(as('admin'))
          .expect(200)
      ).body.items
        .map((row: { dedupeKey: string }) => row.dedupeKey.replace(`return:${q1.id}:`, ''))
        .sort();

    // While the quarter runs, and more than 14 days out, nothing.
    await scans.scan(at('2025-06-20'));
    await scans.scan(at('2025-07-10'));
    expect(await queued()).toEqual([]);
    // 14 days before: once, however often the scan runs.
    expect((await scans.scan(at('2025-07-16')))['return-due-14d']).toBeGreaterThanOrEqual(1);
    expect((await scans.scan(at('2025-07-16')))['return-due-14d']).toBe(0);
    await scans.scan(at('2025-07-22'));
    expect(await queued()).toEqual(['due-14d']);
    // 3 days before, then the due day itself: one more.
    await scans.scan(at('2025-07-27'));
    await scans.scan(at('2025-07-30'));
    expect(await queued()).toEqual(['due-14d', 'due-3d']);
    // Overdue: day 1, nothing new on days 2-7, then day 8 (the second week).
    await scans.scan(at('2025-07-31'));
    await scans.scan(at('2025-08-03'));
    await scans.scan(at('2025-08-06'));
    expect(await queued()).toEqual(['due-14d', 'due-3d', 'overdue-0']);
    await scans.scan(at('2025-08-07'));
    await scans.scan(at('2025-08-07'));
    expect(await queued()).toEqual(['due-14d', 'due-3d', 'overdue-0', 'overdue-1']);

    const reference = setup.bid.reference;
    const about = (address: string) =>
      smtp.to(address).filter((mail) => mail.subject.includes(`2025/26 Q1 for ${reference}`));
    const received = await eventually(() => {
      const mails = about(pcc.email);
      expect(mails).toHaveLength(4);
      return mails;
    });
    expect(received.map((mail) => mail.subject).sort()).toEqual([
      `Delivery return 2025/26 Q1 for ${reference} due in 14 day(s)`,
      `Delivery return 2025/26 Q1 for ${reference} due in 3 day(s)`,
      `Overdue: delivery return 2025/26 Q1 for ${reference}`,
      `Overdue: delivery return 2025/26 Q1 for ${reference}`,
    ]);
    const overdue = received.filter((mail) => mail.subject.startsWith('Overdue'));
    expect(overdue.map((mail) => mail.text).join('\n')).toMatch(/1 day\(s\) overdue/);
    expect(overdue.map((mail) => mail.text).join('\n')).toMatch(/8 day\(s\) overdue/);
    // The programme team (the admins) is copied on the overdue steps only.
    await eventually(() => expect(about('admin@demo.test')).toHaveLength(2));
    expect(about('admin@demo.test').every((mail) => mail.subject.startsWith('Overdue'))).toBe(true);
  });

  it('stops reminding once the return is submitted', async () => {
    const { t, pcc } = world;
    const scans = world.worker.get(ReminderScanService);
    const q1 = setup.returns[0];
    const read = await t.http().get(`/api/v1/returns/${q1.id}`).set(pcc.headers).expect(200);
    await t
      .http()
      .patch(`/api/v1/returns/${q1.id}`)
      .set(pcc.headers)
      .set('if-match', read.headers.etag)
      .send({
        spend: [{ financialYear: '2025/26', kind: 'capital', amountPence: 7_500_000 }],
        outputs: [{ interventionId: setup.interventionId, achieved: 10 }],
        narrative: 'Columns installed.',
      })
      .expect(200);
    await t.http().post(`/api/v1/returns/${q1.id}/submit`).set(pcc.headers).expect(200);
    // Day 15 would be the third overdue step.
    await scans.scan(at('2025-08-14'));
    const keys = await t
      .http()
      .get(`/api/v1/emails?objectType=delivery_return&objectId=${q1.id}&limit=100`)
      .set(world.as('admin'))
      .expect(200);
    expect(keys.body.items.map((row: { dedupeKey: string }) => row.dedupeKey)).not.toContain(
      `return:${q1.id}:overdue-2`,
    );
  });

  // One email carries at most 50 recipients (a check constraint); a reminder to more people (an
  // organisation with many applicants, and the programme team) goes as several emails, and one
  // to nobody is not queued, instead of the whole kind failing for every return.
  it('sends a reminder to more than 50 people as several emails, each step still once', async () => {
    const registry = world.worker.get(ReminderRegistry);
    const scans = world.worker.get(ReminderScanService);
    const key = `many:${Date.now()}`;
    registry.register({
      name: `test-many-recipients-${key}`,
      template: 'return-overdue-reminder',
      select: `SELECT $2::text || ':' || many.n AS dedupe_key,
                      ARRAY(SELECT 'person-' || g || '@many.example' FROM generate_series(1, many.n) g)
                        AS recipients,
                      jsonb_build_object('organisationName', 'Many', 'reference', 'SSF-MANY',
                        'title', 'Many', 'financialYear', '2025/26', 'quarter', 1,
                        'dueOn', '2025-07-30', 'returnUrl', 'http://localhost/returns/x',
                        'daysOverdue', 1) AS data,
                      'delivery_return' AS object_type, NULL AS object_id
               FROM (VALUES (120), (0)) AS many(n) WHERE $1::timestamptz IS NOT NULL`,
      params: [key],
    });
    const sizes = async () =>
      world.t.app.get(DataSource).query<{ dedupe_key: string; count: number }[]>(
        `SELECT dedupe_key, cardinality(recipients) AS count FROM email_outbox
           WHERE dedupe_key LIKE $1 ORDER BY dedupe_key`,
        [`${key}:%`],
      );
    await scans.scan(at('2025-08-20'));
    await scans.scan(at('2025-08-20'));
    expect(await sizes()).toEqual([
      { dedupe_key: `${key}:120`, count: 50 },
      { dedupe_key: `${key}:120:part-2`, count: 50 },
      { dedupe_key: `${key}:120:part-3`, count: 20 },
    ]);
  });
});
