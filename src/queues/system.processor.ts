import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QUEUES, SystemJobName, SystemJobs } from './queues';

@Processor(QUEUES.system)
export class SystemProcessor extends WorkerHost {
  process(
    job: Job<SystemJobs[SystemJobName]['data'], unknown, SystemJobName>,
  ): Promise<SystemJobs[SystemJobName]['result']> {
    switch (job.name) {
      case 'ping':
        return Promise.resolve({ answeredAt: new Date().toISOString(), pid: process.pid });
    }
  }
}
