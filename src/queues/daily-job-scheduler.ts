import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';

const SCHEDULER_CHECK_MS = 5 * 60_000;

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
// check now and then that it is still there.
export abstract class DailyJobScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;

  protected constructor(
    // Untyped names: the scheduler's id shares the type of job names in BullMQ's typings.
    private readonly queue: Queue,
    private readonly job: DailyJob,
  ) {
    this.logger = new Logger(new.target.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule();
    this.logger.log(`The ${this.job.what} is scheduled daily at ${this.job.at} UK time`);
    this.timer = setInterval(() => {
      this.ensureScheduled().catch((error: unknown) =>
        this.logger.warn(`Could not check the ${this.job.what} scheduler: ${String(error)}`),
      );
    }, SCHEDULER_CHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
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
