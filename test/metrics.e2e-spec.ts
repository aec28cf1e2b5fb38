import type { ChildProcess } from 'node:child_process';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ReminderRegistry } from '../src/notifications/reminder-registry';
import { QUEUES } from '../src/queues/queues';
import {
  DEMO_PASSWORD,
  expectProblem,
  login,
  startApp,
  type TestApp,
  testConfig,
} from './support/app';
import { matching, plainGet, value } from './support/metrics';
import { queueBatch } from './support/outbox';
import { freePort, kill, spawnWorker } from './support/processes';
import { eventually } from './support/smtp';
import { demoRoundForOwnFinance } from './support/reports';

const TOKEN = 'metrics-token-for-the-e2e-suite-0123456789';
const HISTOGRAM = 'ssg_http_request_duration_seconds_count';

// Prometheus metrics: behind METRICS_TOKEN on the API's port and on a METRICS_PORT of their own,
// in the API and in a worker process (which has no other HTTP server). Each test scrapes, does
// things, scrapes again and checks the figures moved by exactly what was done.
describe('metrics', () => {
  let t: TestApp;
  let metricsPort: number;
  // The database's clock when the suite began: the suites before it in this Jest worker share
  // the database, and their mail (some of it waiting out a retry) is not this suite's.
  let suiteStarted: string;
  const scrape = async () => {
    const response = await t.http().get('/metrics').set('authorization', `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    return response.text;
  };

  beforeAll(async () => {
    metricsPort = await freePort();
    t = await startApp({
      processRole: 'api',
      metrics: { token: TOKEN, port: metricsPort, host: '127.0.0.1' },
    });
    [{ now: suiteStarted }] = await t.app
      .get(DataSource)
      .query<{ now: string }[]>('SELECT now()::text AS now');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a missing or wrong token with 401 problem+json, and answers the right one with the exposition format', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`]) {
      const request = t.http().get('/metrics');
      const response = await (authorization
        ? request.set('authorization', authorization)
        : request);
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expectProblem(response.body, 401, 'metrics-token-wrong');
      expect(response.text).not.toContain('ssg_');
    }
    const response = await t.http().get('/metrics').set('authorization', `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = response.text;
    // prom-client's process metrics, and the pool's gauges.
    expect(matching(text, 'process_cpu_seconds_total')).toHaveLength(1);
    expect(matching(text, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
    expect(value(text, 'ssg_db_pool_clients')).toBeGreaterThanOrEqual(1);
    expect(matching(text, 'ssg_db_pool_idle_clients')).toHaveLength(1);
    expect(matching(text, 'ssg_db_pool_waiting_requests')).toHaveLength(1);
    // Every queue, in every state counted.
    expect(value(text, 'ssg_redis_up')).toBe(1);
    for (const queue of Object.values(QUEUES)) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(matching(text, 'ssg_queue_jobs', { queue, state })).toHaveLength(1);
      }
    }
  });

  it('has no /metrics on the API port without METRICS_TOKEN', async () => {
    const plain = await startApp({ processRole: 'api' });
    try {
      expect(testConfig().metrics.token).toBeUndefined();
      const response = await plain.http().get('/metrics').set('authorization', `Bearer ${TOKEN}`);
      expect(response.status).toBe(404);
      expect(response.text).not.toContain('ssg_');
    } finally {
      await plain.close();
    }
  });

  it('serves the same metrics on METRICS_PORT without a token, and nothing else there', async () => {
    const response = await plainGet(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(matching(response.text, 'ssg_queue_jobs').length).toBe(Object.values(QUEUES).length * 4);
    expect((await plainGet(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
  });

  it('times requests by route pattern and status, never by raw URL, and not its own scrapes', async () => {
    const admin = { authorization: `Bearer ${await login(t, 'admin@demo.test')}` };
    const before = await scrape();
    const roundsList = { method: 'GET', route: '/api/v1/rounds', status_code: '200' };
    const roundRead = { method: 'GET', route: '/api/v1/rounds/:id', status_code: '404' };
    const unmatched = { method: 'GET', route: 'unmatched', status_code: '404' };
    const badLogin = { method: 'POST', route: '/api/v1/auth/login', status_code: '400' };

    await t.http().get('/api/v1/rounds').set(admin).expect(200);
    await t.http().get('/api/v1/rounds').set(admin).expect(200);
    await t
      .http()
      .get('/api/v1/rounds/00000000-0000-4000-8000-000000000000')
      .set(admin)
      .expect(404);
    await t.http().get('/api/v1/no-such-thing/secret-path-42').expect(404);
    await t.http().post('/api/v1/auth/login').send({}).expect(400);
    const after = await scrape();

    expect(value(after, HISTOGRAM, roundsList) - value(before, HISTOGRAM, roundsList)).toBe(2);
    expect(value(after, HISTOGRAM, roundRead) - value(before, HISTOGRAM, roundRead)).toBe(1);
    expect(value(after, HISTOGRAM, unmatched) - value(before, HISTOGRAM, unmatched)).toBe(1);
    expect(value(after, HISTOGRAM, badLogin) - value(before, HISTOGRAM, badLogin)).toBe(1);
    expect(after).not.toContain('secret-path-42');
    expect(after).not.toContain('00000000-0000-4000-8000-000000000000');
    expect(matching(after, HISTOGRAM).filter((s) => s.labels.route.includes('metrics'))).toEqual(
      [],
    );
  });

  it('counts refused sign-ins by reason, never naming the email', async () => {
    const failures = (text: string, reason: string) =>
      value(text, 'ssg_login_failures_total', { reason });
    const before = await scrape();
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'applicant@demo.test', password: 'not-the-password-at-all' })
      .expect(401);
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'nobody-metrics@example.org', password: 'not-the-password-at-all' })
      .expect(401);
    // A staff member's password, then a wrong code (a right one is 3 chances in a million).
    const password = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'moderator@demo.test', password: DEMO_PASSWORD })
      .expect(202);
    await t
      .http()
      .post('/api/v1/auth/login/second-factor')
      .send({ challenge: password.body.challenge, code: '000000' })
      .expect(401);
    const after = await scrape();
    expect(failures(after, 'second_factor_wrong') - failures(before, 'second_factor_wrong')).toBe(
      1,
    );
    expect(failures(after, 'wrong_password') - failures(before, 'wrong_password')).toBe(1);
    expect(failures(after, 'unknown_email') - failures(before, 'unknown_email')).toBe(1);
    expect(after).not.toContain('applicant@demo.test');
    expect(after).not.toContain('nobody-metrics@example.org');
  });

  it('counts sign-ins refused while the failures wait runs as throttled', async () => {
    const strict = await startApp({
      processRole: 'api',
      login: { perEmailLimit: 1, perAddressLimit: 10_000, windowSeconds: 60, maxWaitSeconds: 60 },
      metrics: { token: TOKEN, host: '127.0.0.1' },
    });
    try {
      const strictScrape = async () =>
        (await strict.http().get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(200))
          .text;
      const throttled = (text: string) =>
        value(text, 'ssg_login_failures_total', { reason: 'throttled' });
      const before = await strictScrape();
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const answer = await strict
          .http()
          .post('/api/v1/auth/login')
          .send({ email: `throttled-${process.pid}@example.org`, password: 'not-the-password' });
        statuses.push(answer.status);
      }
      expect(statuses[0]).toBe(401);
      expect(statuses).toContain(429);
      const refused = statuses.filter((status) => status === 429).length;
      expect(throttled(await strictScrape()) - throttled(before)).toBe(refused);
    } finally {
      await strict.close();
    }
  });

  it("reads the outbox's backlog at scrape time", async () => {
    // No worker runs yet, so queued emails stay pending.
    const before = await scrape();
    await queueBatch(t.app, 3);
    const after = await scrape();
    const pending = (text: string) => value(text, 'ssg_outbox_unsent', { status: 'pending' });
    expect(pending(after) - pending(before)).toBe(3);
    expect(matching(after, 'ssg_outbox_unsent', { status: 'failed' })).toHaveLength(1);
    expect(value(after, 'ssg_outbox_oldest_unsent_age_seconds')).toBeGreaterThanOrEqual(0);
  });

  describe('in a worker process (no HTTP API) on METRICS_PORT', () => {
    let worker: ChildProcess | undefined;
    let workerPort: number;
    const scrapeWorker = async () => {
      const response = await plainGet(`http://127.0.0.1:${workerPort}/metrics`);
      expect(response.status).toBe(200);
      return response.text;
    };

    beforeAll(async () => {
      workerPort = await freePort();
      worker = await spawnWorker({ METRICS_PORT: String(workerPort) });
    }, 90_000);
    afterAll(async () => {
      if (worker) {
        await kill(worker);
      }
    });

    it('times the export it builds, by format and outcome', async () => {
      const { roundId, finance } = await demoRoundForOwnFinance(t);
      const built = { format: 'csv', outcome: 'done' };
      const count = (text: string) => value(text, 'ssg_export_build_duration_seconds_count', built);
      const before = await scrapeWorker();
      expect(matching(before, 'ssg_queue_jobs').length).toBe(Object.values(QUEUES).length * 4);

      const asked = await t
        .http()
        .post(`/api/v1/rounds/${roundId}/exports`)
        .set(finance)
        .send({ format: 'csv' })
        .expect(202);
      await eventually(async () => {
        const read = await t.http().get(`/api/v1/exports/${asked.body.id}`).set(finance);
        expect(read.body.status).toBe('done');
      }, 60_000);
      expect(count(await scrapeWorker()) - count(before)).toBe(1);
      // The API process built nothing.
      expect(value(await scrape(), 'ssg_export_build_duration_seconds_count', built)).toBe(0);
    }, 90_000);

    it('times the reminder scan it runs and counts what it queued per kind', async () => {
      const scans = (text: string) =>
        value(text, 'ssg_reminder_scan_duration_seconds_count', { outcome: 'done' });
      const before = await scrapeWorker();
      await t.app.get<Queue>(getQueueToken(QUEUES.reminders)).add('scan', {});
      const after = await eventually(async () => {
        const text = await scrapeWorker();
        expect(scans(text) - scans(before)).toBe(1);
        return text;
      }, 60_000);
      for (const kind of t.app.get(ReminderRegistry).kinds()) {
        expect(matching(after, 'ssg_reminders_queued_total', { kind: kind.name })).toHaveLength(1);
      }
    }, 90_000);

    it('sends what was pending: the backlog falls back', async () => {
      // Every email this suite caused (the batch, the export's link, the scan's reminders) is
      // sent, and the gauge reads the database: what is left pending is older mail only.
      const pendingRows = () =>
        t.app
          .get(DataSource)
          .query<
            { template: string; attempts: number; last_error: string | null; ours: boolean }[]
          >(
            `SELECT template, attempts, last_error, created_at >= $1::timestamptz AS ours
           FROM email_outbox WHERE status = 'pending'`,
            [suiteStarted],
          );
      const left = await eventually(async () => {
        const rows = await pendingRows();
        expect(rows.filter((row) => row.ours)).toEqual([]);
        expect(value(await scrape(), 'ssg_outbox_unsent', { status: 'pending' })).toBe(rows.length);
        return rows;
      }, 60_000);
      if (left.length > 0) {
        // Seen once in CI: say what it was, for whoever looks next.
        console.warn(
          `Older mail still pending after this suite's was sent: ${JSON.stringify(left)}`,
        );
      } else {
        expect(value(await scrape(), 'ssg_outbox_oldest_unsent_age_seconds')).toBe(0);
      }
    }, 90_000);
  });
});
