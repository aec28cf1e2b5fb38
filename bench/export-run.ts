import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { QueryRunner } from 'typeorm';
import type { AppConfig } from '../src/config/app-config';
import { QUEUES, queuePrefix, redisConnection } from '../src/queues/queues';
import { WORKER_NODE_FLAGS } from '../src/service-process/worker-node-flags';
import { type Child, startChild, waitForOutput } from './children';
import { type Round, select } from './export-data';

// One export built by the real job: a fresh worker started as production starts it
// (`node --max-semi-space-size=8 dist/src/main.js`, PROCESS_ROLE=worker, NODE_ENV=production)
// takes the `build` job from the `exports` queue. Its time is the job's (BullMQ's processedOn to finishedOn); its memory the worker's peak
// resident set (VmHWM from /proc).

const MB = 1024 * 1024;

// A field of /proc/<pid>/status (VmHWM: peak resident set; VmRSS: now), in MiB.
async function memoryOf(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  if (!kb) {
    throw new Error(`No ${field} for process ${pid}`);
  }
  return (Number(kb) * 1024) / MB;
}

// A worker as production runs it, on the bench's database, Redis prefix and directories (`env`
// is its whole environment): NODE_ENV=production (JSON logs; development mode would add
// pino-pretty's thread, about 18 MB) with a second-factor key of its own (production refuses the
// development one), and the worker's Node flags instead of the bench's own (--expose-gc).
async function startWorker(env: NodeJS.ProcessEnv): Promise<Child> {
  const worker = startChild(
    'worker',
    join(__dirname, '..', 'src', 'main.js'),
    {
      ...env,
      NODE_ENV: 'production',
      SECOND_FACTOR_KEY: randomBytes(32).toString('base64'),
      PROCESS_ROLE: 'worker',
    },
    { execArgv: [...WORKER_NODE_FLAGS] },
  );
  try {
    await waitForOutput(worker, /Worker started/);
  } catch (error) {
    await worker.stop();
    throw error;
  }
  return worker;
}

export interface Built {
  seconds: number;
  peakRssMb: number;
  idleRssMb: number;
  bytes: number;
  file: string;
}

// One export built by a fresh worker: the export row as the API writes it, the job queued as the
// API queues it (one attempt: a failure should show, not be retried), waited for to the end.
export async function buildExport(
  db: QueryRunner,
  config: AppConfig,
  env: NodeJS.ProcessEnv,
  round: Round,
  format: 'csv' | 'xlsx',
  asAt: Date,
): Promise<Built> {
  const [{ id }] = await select<{ id: string }>(
    db,
    `INSERT INTO report_exports (round_id, format, as_at, requested_by)
     SELECT $1, $2, $3, id FROM users WHERE email = 'finance@demo.test' RETURNING id`,
    [round.id, format, asAt],
  );
  const worker = await startWorker(env);
  const connection = redisConnection(config);
  const prefix = queuePrefix(config);
  const queue = new Queue(QUEUES.exports, { connection, prefix });
  const events = new QueueEvents(QUEUES.exports, { connection, prefix });
  try {
    await events.waitUntilReady();
    const pid = worker.process.pid as number;
    const idleRssMb = await memoryOf(pid, 'VmRSS');
    const job = await queue.add('build', { exportId: id }, { jobId: id, attempts: 1 });
    await job.waitUntilFinished(events);
    const peakRssMb = await memoryOf(pid, 'VmHWM');
    const done = await Job.fromId(queue, id);
    if (!done?.processedOn || !done.finishedOn) {
      throw new Error(`Export ${id}: the job has no start or finish time`);
    }
    // The bench's worker keeps files on disk (FILES_DIR): the export is the disk store's file.
    const file = join(config.files.dir, 'exports', `${id}.${format}`);
    return {
      seconds: (done.finishedOn - done.processedOn) / 1000,
      peakRssMb,
      idleRssMb,
      bytes: (await stat(file)).size,
      file,
    };
  } finally {
    await worker.stop();
    await events.close();
    await queue.close();
  }
}
