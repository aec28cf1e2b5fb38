import { Injectable } from '@nestjs/common';
import { JobOf, QueueConsumer, ResultOf } from '../queues/queue-consumer';
import { QUEUES, ReminderJobs } from '../queues/queues';
import { ReminderScanService } from './reminder-scan.service';

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
