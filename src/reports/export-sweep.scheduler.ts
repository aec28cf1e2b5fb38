import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ExportJobName, ExportJobs, QUEUES } from '../queues/queues';

export const DAILY_EXPORT_SWEEP_SCHEDULER = 'daily-export-sweep';
// In the night, UK time, when nobody is waiting for an export.
const SWEEP_PATTERN = '30 3 * * *';
const SCHEDULER_CHECK_MS = 5 * 60_000;

// The daily retention sweep of exports, scheduled as the reminder scan is (ReminderScheduler):
// one scheduler per deployment, upserted by every worker at start and put back when Redis
// has lost it.
@Injectable()
export class ExportSweepScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExportSweepScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(@InjectQueue(QUEUES.exports) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule();
    this.timer = setInterval(() => {
      this.ensureScheduled().catch((error: unknown) =>
        this.logger.warn(`Could not check the export sweep scheduler: ${String(error)}`),
      );
    }, SCHEDULER_CHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async ensureScheduled(): Promise<boolean> {
    if (await this.queue.getJobScheduler(DAILY_EXPORT_SWEEP_SCHEDULER)) {
      return false;
    }
    await this.schedule();
    this.logger.warn(
      'The daily export sweep scheduler was missing from Redis; it has been recreated',
    );
    return true;
  }

  private async schedule(): Promise<void> {
    await this.queue.upsertJobScheduler(
      DAILY_EXPORT_SWEEP_SCHEDULER,
      { pattern: SWEEP_PATTERN, tz: 'Europe/London' },
      {
        name: 'sweep' satisfies ExportJobName,
        data: {} satisfies ExportJobs['sweep']['data'],
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
