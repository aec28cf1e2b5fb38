import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DailyJobScheduler } from '../queues/daily-job-scheduler';
import { QUEUES, ReminderJobName, ReminderJobs } from '../queues/queues';

export const DAILY_SCAN_SCHEDULER = 'daily-reminder-scan';

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
