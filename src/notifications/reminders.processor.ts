import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DailyJobScheduler } from '../queues/daily-job-scheduler';
import { JobOf, QueueConsumer, ResultOf } from '../queues/queue-consumer';
import { QUEUES, ReminderJobName, ReminderJobs } from '../queues/queues';
import { ReminderScanService } from './reminder-scan.service';

export const DAILY_SCAN_SCHEDULER = 'daily-reminder-scan';

// The reminders queue's consumer: the daily scan (or one run by hand as at a given moment).
@Injectable()
export class RemindersProcessor extends QueueConsumer<ReminderJobs> {
  constructor(private readonly scanner: ReminderScanService) {
    super(QUEUES.reminders);
  }

  protected handle(job: JobOf<ReminderJobs>): Promise<ResultOf<ReminderJobs>> {
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
