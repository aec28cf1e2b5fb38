import { DataSource } from 'typeorm';
import { ReportExport } from '../src/reports/report-export.entity';
import { expectProblem, startApp, TestApp, tokensByRole } from './support/app';
import { PrivateRedis, startPrivateRedis } from './support/processes';
import { eventually } from './support/smtp';

// A Redis that stops answering but keeps its connections open (SIGSTOP here; a hung host, a
// long DEBUG SLEEP or CLIENT PAUSE look the same): nothing closes, so only time can tell.
describe('Redis that stops answering without closing its connections', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let dataSource: DataSource;
  let finance: string;
  let roundId: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    // The worker in this process too, so an export asked for after Redis returns gets built.
    t = await startApp({
      redisUrl: redis.url,
      redisPrefix: `${process.env.REDIS_PREFIX}-unresponsive`,
      processRole: 'all',
    });
    dataSource = t.app.get(DataSource);
    ({ finance } = await tokensByRole(t));
    [{ id: roundId }] = await dataSource.query<{ id: string }[]>(
      'SELECT id FROM funding_rounds ORDER BY created_at LIMIT 1',
    );
  }, 60_000);

  afterAll(async () => {
    redis.resume();
    await t?.close();
    await redis?.stop();
  });

  const askForExport = () =>
    t
      .http()
      .post(`/api/v1/rounds/${roundId}/exports`)
      .set('authorization', `Bearer ${finance}`)
      .send({ format: 'csv' })
      // Far beyond what a refusal may take: a hang shows as this timeout, not the test's.
      .timeout(15_000);

  const exportsSince = async (since: Date) =>
    dataSource.query<{ id: string; status: string }[]>(
      'SELECT id, status FROM report_exports WHERE created_at >= $1 ORDER BY created_at',
      [since],
    );

  const statusOf = async (id: string): Promise<string> =>
    (
      await dataSource.query<{ status: string }[]>(
        'SELECT status FROM report_exports WHERE id = $1',
        [id],
      )
    )[0].status;

  it('refuses an export within seconds, leaves nothing queued for ever, and recovers by itself', async () => {
    await eventually(() => t.http().get('/health/ready').expect(200), 30_000);
    const pausedAt = new Date();
    redis.pause();

    // At once, before anything has noticed: the queue's add gives up instead of waiting.
    const started = Date.now();
    const first = await askForExport();
    expect(Date.now() - started).toBeLessThan(4_000);
    expectProblem(first.body, 503, 'redis-unavailable');
    expect(first.headers['retry-after']).toBeDefined();
    // The export it wrote reads failed (ask again), never queued with no job behind it.
    const duringPause = await exportsSince(pausedAt);
    expect(duringPause.map(({ status }) => status)).toEqual(['failed']);

    // The watching connection's ping goes unanswered: Redis is taken for away, and routes
    // that need it refuse before writing anything.
    await eventually(() => t.http().get('/health/ready').expect(503), 10_000);
    const refusedAt = Date.now();
    const second = await askForExport();
    expect(Date.now() - refusedAt).toBeLessThan(1_000);
    expectProblem(second.body, 503, 'redis-unavailable');
    expect(await exportsSince(pausedAt)).toEqual(duringPause);

    redis.resume();
    await eventually(() => t.http().get('/health/ready').expect(200), 15_000);
    const asked = await eventually(() => askForExport().expect(202), 15_000);
    await eventually(async () => expect(await statusOf(asked.body.id)).toBe('done'), 60_000);
    // The add that timed out reached Redis once it woke: its job found the export failed and
    // left it so, rather than building what the user was told had not started.
    expect(await statusOf(duringPause[0].id)).toBe('failed');
  }, 150_000);

  it('when Redis comes back empty, builds an export whose job it lost', async () => {
    const [{ id: financeId }] = await dataSource.query<{ id: string }[]>(
      `SELECT id FROM users WHERE email = 'finance@demo.test'`,
    );
    // Queued with no job behind it, as after a Redis that lost its data.
    const lost = await dataSource.manager.save(
      dataSource.manager.create(ReportExport, {
        roundId,
        format: 'csv',
        asAt: new Date(),
        requestedBy: financeId,
      }),
    );
    await redis.restart();
    await eventually(async () => expect(await statusOf(lost.id)).toBe('done'), 60_000);
  }, 90_000);
});
