import { Inject, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Job, WorkerOptions } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobRunner } from '../observability/job-runner';
import { WatchedWorker } from './bullmq-classes';
import { QUEUES, queuePrefix, redisConnection } from './queues';
import { RedisAvailability, ReturnWatch } from './redis-availability';

// One job of a queue's map (`EmailJobs`, ...): its payload and what it gives back.
interface JobSpec {
  data: unknown;
  result: unknown;
}

// A job of the queue, typed by its name: a `switch (job.name)` narrows its data too.
export type JobOf<Jobs extends { [N in keyof Jobs]: JobSpec }> = {
  [N in keyof Jobs & string]: Job<Jobs[N]['data'], Jobs[N]['result'], N>;
}[keyof Jobs & string];

export type ResultOf<Jobs extends { [N in keyof Jobs]: JobSpec }> = Jobs[keyof Jobs]['result'];

// How a queue's jobs are taken; BullMQ's defaults where left out (one job at a time, 30 s locks).
export interface ConsumerSettings extends Pick<
  WorkerOptions,
  'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'
> {
  // A job still running at shutdown may go back to the queue at once, because a second run
  // waits for the first by itself (see WatchedWorker.handsBackWhileRunning).
  handsBackWhileRunning?: boolean;
}

// What a consumer puts back on its queue when Redis answers again, maybe emptied: the jobs of
// whatever PostgreSQL still holds as unfinished. `what` names them in the log line.
export interface PutBackOnReturn {
  what: string;
  putBack: () => Promise<number>;
}

// Every queue's consumer is one of these, so each reads the same way: the queue and its
// settings given to the constructor, `handle` switching on the job's name. Built here rather
// than by @nestjs/bullmq's @Processor so that settings may come from the configuration.
// - The worker starts when the module starts (only the worker role loads consumers: see
//   WorkerModule) on the consumers' Redis connection, and closes when it stops, after the
//   put-back watch; the graceful shutdown has usually paused and closed it by then.
// - Every job runs through JobRunner (its origin's request id and trace, its log line), with
//   the signal WatchedWorker aborts when the process asks running jobs to stop.
// The process-wide pieces are injected as properties, so a consumer's constructor names only
// the services its jobs need.
export abstract class QueueConsumer<Jobs extends { [N in keyof Jobs]: JobSpec }>
  implements OnModuleInit, OnModuleDestroy
{
  @Inject(APP_CONFIG) private readonly config: AppConfig;
  @Inject(JobRunner) private readonly jobs: JobRunner;
  @Inject(RedisAvailability) private readonly redis: RedisAvailability;
  private worker?: WatchedWorker;
  private returnWatch?: ReturnWatch;

  protected constructor(
    readonly queue: (typeof QUEUES)[keyof typeof QUEUES],
    private readonly settings: ConsumerSettings = {},
  ) {}

  // Does one job. `stop` aborts when the process is stopping: work that gives up because of it
  // goes back to the queue for another worker once it has stopped, and counts no attempt.
  protected abstract handle(job: JobOf<Jobs>, stop: AbortSignal): Promise<ResultOf<Jobs>>;

  // Told of every failed attempt (the last one has attemptsMade equal to its attempts).
  protected failed?(job: JobOf<Jobs>, error: Error): void;

  // Set by a consumer whose jobs PostgreSQL can rebuild (exports, document scans).
  protected readonly onRedisReturn?: PutBackOnReturn;

  onModuleInit(): void {
    if (this.onRedisReturn) {
      const { what, putBack } = this.onRedisReturn;
      this.returnWatch = this.redis.onReturn(what, putBack);
    }
    const { handsBackWhileRunning, ...options } = this.settings;
    const worker = new WatchedWorker(
      this.queue,
      (job: Job, _token?: string, stop?: AbortSignal) => {
        // WatchedWorker always passes its own signal; a bare one stands in should it not.
        const signal = stop ?? new AbortController().signal;
        return this.jobs.run(
          this.queue,
          job,
          () => this.handle(job as JobOf<Jobs>, signal),
          signal,
        );
      },
      { connection: redisConnection(this.config), prefix: queuePrefix(this.config), ...options },
    );
    if (handsBackWhileRunning) {
      worker.handsBackWhileRunning();
    }
    const failed = this.failed?.bind(this);
    if (failed) {
      worker.on('failed', (job, error) => job && failed(job as JobOf<Jobs>, error));
    }
    this.worker = worker;
  }

  async onModuleDestroy(): Promise<void> {
    await this.returnWatch?.stop();
    await this.worker?.close();
  }
}
