import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DailyJobScheduler } from '../queues/daily-job-scheduler';
import { ExportJobName, ExportJobs, QUEUES } from '../queues/queues';

export const DAILY_EXPORT_SWEEP_SCHEDULER = 'daily-export-sweep';

// The daily retention sweep of exports, in the night (UK time) when nobody waits for one.
@Injectable()
export class ExportSweepScheduler extends DailyJobScheduler {
  constructor(@InjectQueue(QUEUES.exports) queue: Queue) {
    super(queue, {
      id: DAILY_EXPORT_SWEEP_SCHEDULER,
      what: 'export retention sweep',
      at: '03:30',
      name: 'sweep' satisfies ExportJobName,
      data: {} satisfies ExportJobs['sweep']['data'],
    });
  }
}
