import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Module } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DailyJobScheduler } from '../queues/daily-job-scheduler';
import { QUEUES, RetentionJobName, RetentionJobs } from '../queues/queues';
import { RetentionModule } from './retention.module';
import { RetentionService } from './retention.service';
import { JobRunner } from '../observability/job-runner';

type RetentionJob = Job<RetentionJobs[RetentionJobName]['data'], unknown, RetentionJobName>;
export const DAILY_RETENTION_SCHEDULER = 'daily-retention-run';

@Processor(QUEUES.retention)
export class RetentionProcessor extends WorkerHost {
  constructor(
    private readonly retention: RetentionService,
    private readonly jobs: JobRunner,
  ) {
    super();
  }

  // `stop` aborts when the process is stopping: the run ends after the batch it is in (each
  // batch is its own transaction) and the job goes back to the queue; the next run does the rest.
  process(
    job: RetentionJob,
    _token?: string,
    stop?: AbortSignal,
  ): Promise<RetentionJobs[RetentionJobName]['result']> {
    return this.jobs.run(QUEUES.retention, job, () => this.handle(job, stop), stop);
  }

  private async handle(
    job: RetentionJob,
    stop?: AbortSignal,
  ): Promise<RetentionJobs[RetentionJobName]['result']> {
    switch (job.name) {
      case 'run': {
        const asOf = job.data.asOf ? new Date(job.data.asOf) : new Date();
        const run = await this.retention.run(asOf, stop);
        return { runId: run.id, counts: run.counts };
      }
    }
  }
}

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

// Loaded only in the worker role.
@Module({
  imports: [RetentionModule],
  providers: [RetentionProcessor, RetentionScheduler],
})
export class RetentionWorkerModule {}
