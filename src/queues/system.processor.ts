import { Injectable } from '@nestjs/common';
import { QUEUES, SystemJobs } from './queues';
import { JobOf, QueueConsumer, ResultOf } from './queue-consumer';

// The system queue's consumer: a ping answered by whichever worker takes it.
@Injectable()
export class SystemProcessor extends QueueConsumer<SystemJobs> {
  constructor() {
    super(QUEUES.system);
  }

  protected handle(job: JobOf<SystemJobs>): Promise<ResultOf<SystemJobs>> {
    switch (job.name) {
      case 'ping':
        return Promise.resolve({ answeredAt: new Date().toISOString(), pid: process.pid });
    }
  }
}
