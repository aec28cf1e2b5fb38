import { DelayedError, Job, Queue } from 'bullmq';
import { loadConfig } from '../src/config/load-config';
import { WatchedWorker } from '../src/queues/bullmq-classes';
import { queuePrefix, redisConnection } from '../src/queues/queues';
import { eventually } from './support/smtp';

// What the shutdown learns from a worker about the jobs it runs, on the run's own Redis prefix:
// a queue of the test's own, so nothing else consumes it.
describe('WatchedWorker: what runs here, and handing a job back once it has stopped', () => {
  const config = loadConfig();
  const connection = redisConnection(config);
  const prefix = queuePrefix(config);
  let name: string;
  let queue: Queue;
  const workers: { close: (force?: boolean) => Promise<void> }[] = [];
  const watch = <W extends { close: (force?: boolean) => Promise<void> }>(worker: W): W => {
    workers.push(worker);
    return worker;
  };

  beforeEach(() => {
    name = `watched-${Date.now()}-${Math.round(Math.random() * 1e6)}`;
    queue = new Queue(name, { connection, prefix });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close(true)));
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('counts a job that moved itself to delayed (no completed or failed event) as ended', async () => {
    let ran = 0;
    const worker = watch(
      new WatchedWorker(
        name,
        async (job: Job, token?: string) => {
          ran += 1;
          await job.moveToDelayed(Date.now() + 60_000, token);
          throw new DelayedError();
        },
        { connection, prefix },
      ),
    );
    await queue.add('later', {});
    await eventually(() => expect(ran).toBe(1), 10_000);
    await eventually(() => expect(worker.runningIds()).toEqual([]), 5_000);
    await expect(Promise.race([worker.whenIdle().then(() => 'idle'), sleep(500)])).resolves.toBe(
      'idle',
    );
  });

  it('hands a job asked to stop back to the waiting list only once its processor has stopped, counting no attempt', async () => {
    const events: string[] = [];
    const worker = watch(
      new WatchedWorker(
        name,
        async (_job: Job, _token?: string, stop?: AbortSignal) => {
          events.push('started');
          await new Promise<void>((_resolve, reject) => {
            stop?.addEventListener('abort', () => {
              // Still running for a while after the request: the hand-back must wait for it.
              setTimeout(() => {
                events.push('stopped');
                reject(stop.reason as Error);
              }, 300);
            });
          });
        },
        { connection, prefix },
      ),
    );
    const job = await queue.add('long', {});
    await eventually(() => expect(worker.runningIds()).toEqual([job.id]), 10_000);
    await worker.pause(true);
    worker.stopRunning();
    // Still running here: not yet back in the waiting list.
    await sleep(100);
    expect(await queue.getJobState(job.id ?? '')).toBe('active');
    await worker.whenIdle();
    expect(events).toEqual(['started', 'stopped']);
    await eventually(
      async () => expect(await queue.getJobState(job.id ?? '')).toBe('waiting'),
      5_000,
    );
    const back = await Job.fromId(queue, job.id ?? '');
    expect(back?.attemptsMade).toBe(0);
    expect(back?.failedReason).toBeFalsy();
  });
});

function sleep(ms: number): Promise<string> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms));
}
