import { Job, Queue, Worker } from 'bullmq';
import { consumerConnection } from './queues';
import { logRedisError } from './redis-errors';

// What a shutdown needs from each worker of this process (see stopWorkers).
export class WatchedWorker {
  readonly active = new Map<string, Job>();
  private idle: (() => void)[] = [];

  constructor(readonly worker: Worker) {
    worker.on('error', (error) => logRedisError(`worker ${worker.name}`, error));
    worker.on('active', (job) => this.active.set(job.id ?? '', job));
    const settled = (job?: Job) => {
      this.active.delete(job?.id ?? '');
      if (this.active.size === 0) {
        this.idle.splice(0).forEach((resolve) => resolve());
      }
    };
    worker.on('completed', (job) => settled(job));
    worker.on('failed', (job) => settled(job));
    worker.on('closed', () => watched.delete(this));
  }

  // Resolves once no job is running here (at once when none is).
  whenIdle(): Promise<void> {
    return this.active.size === 0
      ? Promise.resolve()
      : new Promise((resolve) => this.idle.push(resolve));
  }

  // Puts the jobs still running back in the waiting list (their lock goes with them), so
  // another worker starts them again at once. Where Redis does not answer, the lock expires
  // instead and BullMQ's stalled-job check brings them back.
  async releaseActiveJobs(): Promise<string[]> {
    const released: string[] = [];
    for (const job of this.active.values()) {
      try {
        if (job.token) {
          await job.moveToWait(job.token);
          released.push(job.id ?? '');
        }
      } catch (error) {
        logRedisError(`worker ${this.worker.name}`, error);
      }
    }
    return released;
  }
}

const watched = new Set<WatchedWorker>();

// Every worker gets its `error` listener at once (BullMQ prints the stack of an error event
// nobody listens to, once per reconnect attempt while Redis is away) and is known to the
// shutdown. Call it right after `new Worker(...)`.
// (Any job types: the shutdown only moves jobs, never reads them.)
export function watchWorker<T extends object>(worker: T): T {
  watched.add(new WatchedWorker(worker as unknown as Worker));
  return worker;
}

export function watchedWorkers(): WatchedWorker[] {
  return [...watched];
}

// The classes @nestjs/bullmq builds queues and @Processor workers with (see QueuesModule).
export class WatchedQueue extends Queue {
  constructor(...args: ConstructorParameters<typeof Queue>) {
    super(...args);
    this.on('error', (error) => logRedisError(`queue ${this.name}`, error));
  }
}

export class AutoWatchedWorker extends Worker {
  constructor(...args: ConstructorParameters<typeof Worker>) {
    const opts = args[2] as { connection?: object } | undefined;
    if (opts?.connection) {
      opts.connection = consumerConnection(opts.connection);
    }
    super(...args);
    watchWorker(this);
  }
}
