import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DailyJobScheduler } from '../queues/daily-job-scheduler';
import { JobOf, QueueConsumer, ResultOf } from '../queues/queue-consumer';
import { QUEUES, RetentionJobName, RetentionJobs } from '../queues/queues';
import { RetentionModule } from './retention.module';
import { RetentionService } from './retention.service';

export const DAILY_RETENTION_SCHEDULER = 'daily-retention-run';

// The retention queue's consumer: the daily anonymising run.
@Injectable()
export class RetentionProcessor extends QueueConsumer<RetentionJobs> {
  constructor(private readonly retention: RetentionService) {
    super(QUEUES.retention);
  }

  // `stop` aborts when the process is stopping: the run ends after the batch it is in (each
  // batch is its own transaction) and the job goes back to the queue; the next run does the rest.
  protected async handle(
    job: JobOf<RetentionJobs>,
    stop: AbortSignal,
  ): Promise<ResultOf<RetentionJobs>> {
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
