import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DailyJobScheduler } from '../queues/daily-job-scheduler';
import { QUEUES, RetentionJobName, RetentionJobs } from '../queues/queues';

export const DAILY_RETENTION_SCHEDULER = 'daily-retention-run';

// The daily retention run, at RETENTION_RUN_TIME (UK time).
@Injectable()
export class RetentionScheduler extends DailyJobScheduler {
  constructor(@Inject(APP_CONFIG) config: AppConfig, @InjectQueue(QUEUES.retention) queue: Queue) {
    super(queue, {
      id: DAILY_RETENTION_SCHEDULER,
      what: 'personal data retention run',
      at: config.retention.runTime,
      name: 'run' satisfies RetentionJobName,
      data: {} satisfies RetentionJobs['run']['data'],
    });
  }
}
