import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DailyJobScheduler } from '../queues/daily-job-scheduler';
import { QUEUES, ReminderJobName, ReminderJobs } from '../queues/queues';
import { ReminderScanService } from './reminder-scan.service';
import { JobRunner } from '../observability/job-runner';

type ReminderJob = Job<ReminderJobs[ReminderJobName]['data'], unknown, ReminderJobName>;
export const DAILY_SCAN_SCHEDULER = 'daily-reminder-scan';

@Processor(QUEUES.reminders)
export class RemindersProcessor extends WorkerHost {
  constructor(
    private readonly scanner: ReminderScanService,
    private readonly jobs: JobRunner,
  ) {
    super();
  }

  process(job: ReminderJob): Promise<ReminderJobs[ReminderJobName]['result']> {
    return this.jobs.run(QUEUES.reminders, job, () => this.handle(job));
  }

  private handle(job: ReminderJob): Promise<ReminderJobs[ReminderJobName]['result']> {
    switch (job.name) {
      case 'scan':
        return this.scanner.scan(job.data.asOf ? new Date(job.data.asOf) : new Date());
    }
  }
}

// The daily reminder scan, at REMINDER_SCAN_TIME (UK time).
@Injectable()
export class ReminderScheduler extends DailyJobScheduler {
  constructor(@Inject(APP_CONFIG) config: AppConfig, @InjectQueue(QUEUES.reminders) queue: Queue) {
    super(queue, {
      id: DAILY_SCAN_SCHEDULER,
      what: 'reminder scan',
      at: config.reminders.scanTime,
      name: 'scan' satisfies ReminderJobName,
      data: {} satisfies ReminderJobs['scan']['data'],
    });
  }
}
