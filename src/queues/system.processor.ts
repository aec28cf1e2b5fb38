import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QUEUES, SystemJobName, SystemJobs } from './queues';
import { JobRunner } from '../observability/job-runner';

type SystemJob = Job<SystemJobs[SystemJobName]['data'], unknown, SystemJobName>;

@Processor(QUEUES.system)
export class SystemProcessor extends WorkerHost {
  constructor(private readonly jobs: JobRunner) {
    super();
  }

  process(job: SystemJob): Promise<SystemJobs[SystemJobName]['result']> {
    return this.jobs.run(QUEUES.system, job, () => this.handle(job));
  }

  private handle(job: SystemJob): Promise<SystemJobs[SystemJobName]['result']> {
    switch (job.name) {
      case 'ping':
        return Promise.resolve({ answeredAt: new Date().toISOString(), pid: process.pid });
    }
  }
}
