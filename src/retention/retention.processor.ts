import { Injectable } from '@nestjs/common';
import { JobOf, QueueConsumer, ResultOf } from '../queues/queue-consumer';
import { QUEUES, RetentionJobs } from '../queues/queues';
import { RetentionService } from './retention.service';

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
