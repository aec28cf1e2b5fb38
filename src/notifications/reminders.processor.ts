import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { QUEUES, ReminderJobName, ReminderJobs } from '../queues/queues';
import { ReminderScanService } from './reminder-scan.service';

type ReminderJob = Job<ReminderJobs[ReminderJobName]['data'], unknown, ReminderJobName>;
export const DAILY_SCAN_SCHEDULER = 'daily-reminder-scan';
const SCHEDULER_CHECK_MS = 5 * 60_000;

@Processor(QUEUES.reminders)
export class RemindersProcessor extends WorkerHost {
  constructor(private readonly scanner: ReminderScanService) {
    super();
  }

  process(job: ReminderJob): Promise<ReminderJobs[ReminderJobName]['result']> {
    switch (job.name) {
      case 'scan':
        return this.scanner.scan(job.data.asOf ? new Date(job.data.asOf) : new Date());
    }
  }
}

// One scheduler per deployment (per Redis prefix): upserting the same id again only updates it,
// so every worker may do it at start. Redis can lose it (flushed, replaced), so workers also check
// now and then that it is still there.
@Injectable()
export class ReminderScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReminderScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Untyped names: the scheduler's id shares the type of job names in BullMQ's typings.
    @InjectQueue(QUEUES.reminders) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule();
    this.logger.log(`Reminder scan scheduled daily at ${this.config.reminders.scanTime} UK time`);
    this.timer = setInterval(() => {
      this.ensureScheduled().catch((error: unknown) =>
        this.logger.warn(`Could not check the reminder scheduler: ${String(error)}`),
      );
    }, SCHEDULER_CHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  // True when the scheduler was missing and has been put back.
  async ensureScheduled(): Promise<boolean> {
    if (await this.queue.getJobScheduler(DAILY_SCAN_SCHEDULER)) {
      return false;
    }
    await this.schedule();
    this.logger.warn('The daily reminder scheduler was missing from Redis; it has been recreated');
    return true;
  }

  private async schedule(): Promise<void> {
    const [hours, minutes] = this.config.reminders.scanTime.split(':').map(Number);
    await this.queue.upsertJobScheduler(
      DAILY_SCAN_SCHEDULER,
      { pattern: `${minutes} ${hours} * * *`, tz: 'Europe/London' },
      {
        name: 'scan' satisfies ReminderJobName,
        data: {} satisfies ReminderJobs['scan']['data'],
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
