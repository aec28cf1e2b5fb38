import { randomUUID } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import { testConfig } from './support/app';
import { completedJob } from './support/jobs';
import { eventually } from './support/smtp';

// How tests read a finished job's return value (test/support/jobs.ts), against the run's Redis
// with a queue of this suite's own and a worker whose job finishes when the test says so.
describe('reading a completed job', () => {
  const config = testConfig();
  const connection = { url: config.redisUrl };
  const prefix = `${config.redisPrefix}:job-reads`;
  const name = `counts-${randomUUID()}`;
  let queue: Queue;
  let worker: Worker;
  let finish: () => void = () => undefined;

  beforeAll(async () => {
    queue = new Queue(name, { connection, prefix });
    worker = new Worker(
      name,
      () =>
        new Promise<Record<string, number>>((resolve) => {
          finish = () => resolve({ due: 2, overdue: 0 });
        }),
      { connection, prefix },
    );
    await worker.waitUntilReady();
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
  });

  const activeJob = async (): Promise<string> => {
    const added = await queue.add('scan', {});
    await eventually(async () => expect(await added.getState()).toBe('active'));
    return added.id as string;
  };

  it('a job read while active and asked its state once completed shows no return value', async () => {
    const id = await activeJob();
    const readFirst = await Job.fromId(queue, id);
    finish();
    await eventually(async () => expect(await readFirst?.getState()).toBe('completed'));
    // The several-processes suite read the scan jobs this way and, under load, found them
    // completed with an empty return value.
    expect(readFirst?.returnvalue).toBeNull();
  });

  it('completedJob, asked while the job runs, returns it with its return value', async () => {
    const id = await activeJob();
    const reading = completedJob(queue, id, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    finish();
    const job = await reading;
    expect(job.returnvalue).toEqual({ due: 2, overdue: 0 });
  });
});
