import { Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { RedisAvailability, ReturnWatch } from './redis-availability';

const SCHEDULER_CHECK_MS = 5 * 60_000;
const STARTUP_WAIT_MS = 500;

export interface DailyJob {
  // The scheduler's id, one per deployment (per Redis prefix).
  id: string;
  // What it does, for the log: "reminder scan".
  what: string;
  // HH:MM, UK time.
  at: string;
  name: string;
  data: object;
}

// A job run once a day by one scheduler per deployment: upserting the same id again only updates
// it, so every worker may do it at start. Redis can lose it (flushed, replaced), so workers also
// check now and then that it is still there, and put it back each time Redis returns (an empty
// Redis after a restart has lost it). Nothing here waits for Redis: a process starts while it
// is away.
export abstract class DailyJobScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  // Property injection, so the subclasses' constructors stay as they are.
  @Inject(RedisAvailability) private readonly redis!: RedisAvailability;
  private returnWatch?: ReturnWatch;

  protected constructor(
    // Untyped names: the scheduler's id shares the type of job names in BullMQ's typings.
    private readonly queue: Queue,
    private readonly job: DailyJob,
  ) {
    this.logger = new Logger(new.target.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Scheduled before the start completes when Redis answers within a moment (as it does in
    // a normal start); otherwise as soon as it does.
    if (await this.redis.whenUp(STARTUP_WAIT_MS)) {
      await this.schedule();
      this.logger.log(`The ${this.job.what} is scheduled daily at ${this.job.at} UK time`);
    }
    // Also at Redis's first answer: that is when a worker started while it was away schedules.
    this.returnWatch = this.redis.onReturn(
      `${this.job.what} scheduler(s)`,
      async () => {
        await this.schedule();
        return 1;
      },
      { firstAnswer: true },
    );
    this.timer = setInterval(() => {
      if (!this.redis.isUp()) {
        return;
      }
      this.ensureScheduled().catch((error: unknown) =>
        this.logger.warn(`Could not check the ${this.job.what} scheduler: ${String(error)}`),
      );
    }, SCHEDULER_CHECK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.returnWatch?.stop();
  }

  // True when the scheduler was missing and has been put back.
  async ensureScheduled(): Promise<boolean> {
    if (await this.queue.getJobScheduler(this.job.id)) {
      return false;
    }
    await this.schedule();
    this.logger.warn(
      `The ${this.job.what} scheduler was missing from Redis; it has been recreated`,
    );
    return true;
  }

  private async schedule(): Promise<void> {
    const [hours, minutes] = this.job.at.split(':').map(Number);
    await this.queue.upsertJobScheduler(
      this.job.id,
      { pattern: `${minutes} ${hours} * * *`, tz: 'Europe/London' },
      {
        name: this.job.name,
        data: this.job.data,
        opts: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 60_000 },
          removeOnComplete: 30,
          removeOnFail: 30,
        },
      },
    );
  }
}
