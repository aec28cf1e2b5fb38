import { type ClientRequest, request as httpRequest } from 'node:http';
import { Job, Queue } from 'bullmq';
import { DataSource, type QueryRunner } from 'typeorm';
import { QUEUES } from '../src/queues/queues';
import { startApp, type TestApp } from './support/app';
import {
  freePort,
  kill,
  type PrivateRedis,
  type ServiceProcess,
  spawnService,
  startPrivateRedis,
} from './support/processes';
import { eventually } from './support/smtp';
import { demoRoundForOwnFinance, downloadExport } from './support/reports';

// Short, so that a test which had to wait for a lapsed lock would still be quick; the export
// handed back at shutdown must not need it.
const EXPORT_LOCK_MS = 2_000;
const appName = (n: number) => `ssg-shutdown-worker-${n}`;
const API_APP_NAME = 'ssg-shutdown-api';
// How long after SIGTERM the API process's sign-ins are held in PostgreSQL.
const API_DRAIN_HELD_MS = 3_500;

// SIGTERM, then how long the process took to exit and with what; `after` is the output it had
// written when the signal went.
async function terminate(
  service: ServiceProcess,
): Promise<{ code: number | null; ms: number; after: () => string }> {
  const before = service.output().length;
  const sent = Date.now();
  service.child.kill('SIGTERM');
  const { code } = await service.exited;
  return { code, ms: Date.now() - sent, after: () => service.output().slice(before) };
}

// What a stopping process must not say: its own connections closing are not an outage.
function expectNoOutageLines(after: string): void {
  expect(after).not.toContain('went away');
  expect(after).not.toContain('Unhandled error event');
}

interface SignIn {
  // Resolves once what was sent so far has been handed to the kernel.
  sent: Promise<void>;
  // Sends the rest of the body.
  finish: () => void;
  answered: Promise<{ status: number; text: string }>;
}

// A sign-in with a wrong password on a connection of its own; `upTo` is how much of the body goes
// at once, the rest waiting for finish().
function signIn(url: string, upTo: 'all' | 'half'): SignIn {
  const body = JSON.stringify({ email: 'applicant@demo.test', password: 'Not-The-Password-1' });
  const cut = upTo === 'all' ? body.length : Math.floor(body.length / 2);
  let request!: ClientRequest;
  const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
    request = httpRequest(
      `${url}/api/v1/auth/login`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
  });
  // Awaited by the test later; a hang-up before then must not be an unhandled rejection.
  answered.catch(() => undefined);
  const sent = new Promise<void>((resolve, reject) =>
    request.write(body.slice(0, cut), (error) => (error ? reject(error) : resolve())),
  );
  return { sent, finish: () => request.end(body.slice(cut)), answered };
}

// SIGTERM in the middle of work, against spawned processes running the compiled entrypoint.
describe('shutdown mid-export and mid-request', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let dataSource: DataSource;
  let finance: { authorization: string };
  let roundId: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startApp({ processRole: 'api', redisUrl: redis.url });
    dataSource = t.app.get(DataSource);
    ({ roundId, finance } = await demoRoundForOwnFinance(t));
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  // Holds an ACCESS EXCLUSIVE lock on `table` until the returned release is called: whatever
  // reads it waits in PostgreSQL, where the test can see it waiting.
  async function lockTable(table: string): Promise<() => Promise<void>> {
    let hold: QueryRunner | undefined = dataSource.createQueryRunner();
    await hold.connect();
    await hold.startTransaction();
    await hold.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    return async () => {
      if (hold?.isTransactionActive) {
        await hold.commitTransaction();
      }
      await hold?.release();
      hold = undefined;
    };
  }

  // The spawned processes (by PGAPPNAME) waiting on a lock now.
  // Each once: a worker building an export waits on two connections (its COPY and the
  // count of its lines for the progress), and one worker is one name.
  const waitingOnLocks = async (): Promise<string[]> =>
    (
      await dataSource.query<{ name: string }[]>(
        `SELECT DISTINCT application_name AS name FROM pg_stat_activity
         WHERE wait_event_type = 'Lock' AND application_name LIKE 'ssg-shutdown-%'`,
      )
    ).map((row) => row.name);

  // The export is held mid-build deterministically: the test locks a table the export reads, so
  // the worker that took it waits in PostgreSQL with its export `running`. That worker gets
  // SIGTERM: it must stop within 10 s and hand the export over so that the other takes it up at
  // once (not after the lock lapses), and the two must never be building it at the same moment.
  it('hands a running export to the other worker at SIGTERM, never building it twice at once, and it ends done once', async () => {
    const env = (n: number) => ({
      REDIS_URL: redis.url,
      EXPORT_LOCK_MS: String(EXPORT_LOCK_MS),
      PGAPPNAME: appName(n),
      LOG_LEVEL: 'info',
    });
    const workers = await Promise.all([
      spawnService('worker', env(1)),
      spawnService('worker', env(2)),
    ]);
    let release: (() => Promise<void>) | undefined;
    try {
      release = await lockTable('award_lines');
      const asked = await t
        .http()
        .post(`/api/v1/rounds/${roundId}/exports`)
        .set(finance)
        .send({ format: 'csv' })
        .expect(202);
      const id = asked.body.id as string;
      const [holder] = await eventually(async () => {
        const waiting = await waitingOnLocks();
        expect(waiting).toHaveLength(1);
        return waiting;
      }, 30_000);
      const index = [appName(1), appName(2)].indexOf(holder);
      expect(index).toBeGreaterThanOrEqual(0);
      const other = appName(2 - index);

      // Watch who waits on the lock while the holder stops: never both at once.
      let both = false;
      let watching = true;
      const watch = (async () => {
        while (watching) {
          const waiting = await waitingOnLocks();
          both ||= waiting.length > 1;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      let stopped: Awaited<ReturnType<typeof terminate>>;
      try {
        stopped = await terminate(workers[index]);
        // The other takes it up well before a lapsed lock and a stalled check would bring it back.
        // (Asserted here, not by the watcher: its last look may have started just before.)
        await eventually(async () => expect(await waitingOnLocks()).toEqual([other]), 3_000);
      } finally {
        watching = false;
        await watch;
      }
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(10_000);
      expect(both).toBe(false);
      expectNoOutageLines(stopped.after());
      // Logged as handed back, not as a failed job.
      expect(stopped.after()).toContain('"outcome":"handed back"');
      expect(stopped.after()).not.toContain('"outcome":"failed"');
      await release();

      const done = await eventually(async () => {
        const row = await t.http().get(`/api/v1/exports/${id}`).set(finance).expect(200);
        expect(row.body.status).toBe('done');
        return row.body as { sizeBytes: number };
      }, 60_000);
      const file = await downloadExport(t, finance, id);
      const bytes = file.body as Buffer;
      expect(bytes.length).toBe(done.sizeBytes);
      // A header and the round's lines, written once (not two builds' output run together).
      const lines = bytes.toString('utf8').trim().split('\n');
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.filter((line) => line === lines[0])).toHaveLength(1);
      const queue = new Queue(QUEUES.exports, {
        connection: { url: redis.url },
        prefix: `${t.config.redisPrefix}:bull`,
      });
      try {
        const job = await Job.fromId(queue, id);
        expect(job?.returnvalue).toBe('done');
        // Handed back, not failed and retried, nor taken up by a stalled-job check.
        expect(job?.attemptsMade).toBe(1);
        expect(job?.stalledCounter).toBe(0);
      } finally {
        await queue.close();
      }
      const [row] = await dataSource.query<{ status: string }[]>(
        'SELECT status FROM report_exports WHERE id = $1',
        [id],
      );
      expect(row.status).toBe('done');
    } finally {
      await release?.();
      await Promise.all(workers.map((worker) => kill(worker.child)));
    }
  }, 120_000);

  // Two sign-ins in flight at SIGTERM, each known to have reached the server before the signal:
  // one waits in PostgreSQL on a lock the test holds on `users` (the first table it reads), so
  // its password check, its three Redis round trips and its audit row all come after the signal;
  // the other's body is still arriving. Its headers were handed to the kernel before the first
  // connected, so the server has read them by the time the first waits on the lock (connections
  // are taken in order, and the first's wait follows a Redis round trip). The lock is released,
  // and the body finished, only once new connections are refused and 3.5 s have passed. Both are answered in full (a
  // closed Redis or pool would answer 503 or 500, a cut-off connection not at all), and the
  // process exits within 10 s.
  it('answers in full the requests in flight at SIGTERM, refuses new connections, and exits within 10 s', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const api = await spawnService(
      'api',
      {
        REDIS_URL: redis.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        PGAPPNAME: API_APP_NAME,
      },
      {
        isReady: async () => {
          try {
            return (await fetch(`${url}/health/ready`)).status === 200;
          } catch {
            return false;
          }
        },
      },
    );
    let release: (() => Promise<void>) | undefined;
    try {
      release = await lockTable('users');
      const arriving = signIn(url, 'half');
      await arriving.sent;
      const waiting = signIn(url, 'all');
      waiting.finish();
      await eventually(async () => expect(await waitingOnLocks()).toEqual([API_APP_NAME]), 30_000);

      const sent = Date.now();
      const stopping = terminate(api);
      await eventually(() => expect(fetch(`${url}/health`)).rejects.toThrow(), 5_000);
      // Held past the 3 s a process with workers gives its requests: an API process has no jobs
      // to stop, so its requests may use the time the workers would have had.
      await new Promise((resolve) => setTimeout(resolve, sent + API_DRAIN_HELD_MS - Date.now()));
      await release();
      arriving.finish();
      const answers = await Promise.all([arriving.answered, waiting.answered]).catch(
        async (error: Error) => {
          const { after } = await stopping;
          throw new Error(`${error.message}; the process wrote after SIGTERM:\n${after()}`);
        },
      );
      for (const { status, text } of answers) {
        expect(status).toBe(401);
        expect((JSON.parse(text) as { status: number }).status).toBe(401);
      }
      const stopped = await stopping;
      expect(Date.now() - sent).toBeLessThan(10_000);
      expect(stopped.code).toBe(0);
      expectNoOutageLines(stopped.after());
      expect(stopped.after()).not.toContain('cut off');
    } finally {
      await release?.();
      await kill(api.child);
    }
  }, 120_000);
});
