import { Job, Processor, Queue, WaitingError, Worker, WorkerOptions } from 'bullmq';
import { logRedisError } from './redis-errors';

// A job this process is running: the signal its processor may watch (aborted when the shutdown
// asks it to stop) and the token that proves the job's lock is ours.
interface RunningJob {
  job: Job;
  token: string;
  stop: AbortController;
}

const watched = new Set<WatchedWorker>();

// Every worker of the process is one of these, built by its queue's consumer
// (src/queues/queue-consumer.ts), so that:
// - it has its `error` listener at once (BullMQ prints the stack of an error event nobody
//   listens to, once per reconnect attempt while Redis is away);
// - the shutdown knows what it is running: a job counts from the moment its processor is called
//   until that call settles, whatever ends it (a result, an error, DelayedError, a lost lock);
// - a job can be asked to stop (its processor's third argument, an AbortSignal): a processor
//   that stops because of it is put back in the waiting list only once it has stopped, so
//   another worker starts it again from the beginning and it never runs twice at once.
export class WatchedWorker<D = unknown, R = unknown, N extends string = string> extends Worker<
  D,
  R,
  N
> {
  private readonly jobsHere = new Map<string, RunningJob>();
  private idle: (() => void)[] = [];
  private whileRunning = false;

  constructor(name: string, processor: Processor<D, R, N>, opts: WorkerOptions) {
    super(name, processor, opts);
    this.on('error', (error) => logRedisError(`worker ${name}`, error));
    this.on('closed', () => watched.delete(this as unknown as WatchedWorker));
    watched.add(this as unknown as WatchedWorker);
  }

  // Marks a queue whose jobs may be put back while still running here, because a second run
  // waits for the first by itself (the email queue: a send holds its outbox row's lock).
  handsBackWhileRunning(): this {
    this.whileRunning = true;
    return this;
  }

  protected override async callProcessJob(
    job: Job<D, R, N>,
    token: string,
    _signal?: AbortSignal,
  ): Promise<R> {
    const id = job.id ?? '';
    const entry: RunningJob = { job: job as Job, token, stop: new AbortController() };
    this.jobsHere.set(id, entry);
    try {
      return await super.callProcessJob(job, token, entry.stop.signal);
    } catch (error) {
      if (!entry.stop.signal.aborted) {
        throw error;
      }
      // Stopped because the shutdown asked: back to waiting now that nothing runs it here (with
      // Redis away, its lock lapses instead). Not a failure: no attempt is counted.
      await job
        .moveToWait(token)
        .catch((moving: unknown) => logRedisError(`worker ${this.name}`, moving));
      throw new WaitingError();
    } finally {
      this.jobsHere.delete(id);
      if (this.jobsHere.size === 0) {
        this.idle.splice(0).forEach((resolve) => resolve());
      }
    }
  }

  // A paused or closing worker takes no job. BullMQ checks that before it waits for one, not
  // after: a wait begun before the shutdown's pause returns when a job is handed back, and the
  // job went to this worker again, active until its lock lapsed and the stalled-job check gave
  // it out (a minute for a mail).
  protected override async moveToActive(token: string, name?: string): Promise<Job<D, R, N>> {
    if (this.isPaused() || this.closing) {
      return undefined as unknown as Job<D, R, N>;
    }
    return super.moveToActive(token, name);
  }

  runningIds(): string[] {
    return [...this.jobsHere.keys()];
  }

  // Resolves once no job is running here (at once when none is).
  whenIdle(): Promise<void> {
    return this.jobsHere.size === 0
      ? Promise.resolve()
      : new Promise((resolve) => this.idle.push(resolve));
  }

  // Asks every running job's processor to stop; each is handed back as it stops.
  stopRunning(): void {
    for (const { stop } of this.jobsHere.values()) {
      stop.abort(new Error('The process is stopping'));
    }
  }

  // The jobs still running here, put back in the waiting list at once where that is safe
  // (handsBackWhileRunning); the others keep their lock, which lapses once this process has
  // gone, and BullMQ's stalled-job check hands them out again. Where Redis does not answer,
  // every lock lapses that way.
  async handBackStillRunning(): Promise<{ handedBack: string[]; left: string[] }> {
    const handedBack: string[] = [];
    const left: string[] = [];
    for (const [id, { job, token }] of this.jobsHere) {
      if (!this.whileRunning) {
        left.push(id);
        continue;
      }
      try {
        await job.moveToWait(token);
        handedBack.push(id);
      } catch (error) {
        left.push(id);
        logRedisError(`worker ${this.name}`, error);
      }
    }
    return { handedBack, left };
  }
}

export function watchedWorkers(): WatchedWorker[] {
  return [...watched];
}

// The class @nestjs/bullmq builds queues with (see QueuesModule).
export class WatchedQueue extends Queue {
  constructor(...args: ConstructorParameters<typeof Queue>) {
    super(...args);
    this.on('error', (error) => logRedisError(`queue ${this.name}`, error));
  }
}
