import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ExportJobName, ExportJobs, QUEUES, queuePrefix, redisConnection } from '../queues/queues';
import { ExportBuilder } from './export-builder.service';
import { ExportRetentionService } from './export-retention.service';
import { JobRunner } from '../observability/job-runner';

type ExportJob = Job<
  ExportJobs[ExportJobName]['data'],
  ExportJobs[ExportJobName]['result'],
  ExportJobName
>;

// The exports queue's consumer: one export at a time per worker (each holds a database
// connection and a snapshot while it streams). Progress goes to the job and the export row;
// after its last attempt a failing export reads `failed` with the reason.
@Injectable()
export class ExportsProcessor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ExportsProcessor.name);
  private worker?: Worker<ExportJob['data'], ExportJob['returnvalue'], ExportJobName>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly builder: ExportBuilder,
    private readonly retention: ExportRetentionService,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.worker = new Worker(QUEUES.exports, (job: ExportJob) => this.process(job), {
      connection: redisConnection(this.config),
      prefix: queuePrefix(this.config),
      concurrency: 1,
    });
    this.worker.on('error', (error) => this.logger.error(`Exports worker: ${error.message}`));
    this.worker.on('failed', (job, error) => {
      if (job?.name === 'build' && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        const { exportId } = job.data as ExportJobs['build']['data'];
        this.builder
          .fail(exportId, error.message)
          .catch((failure: unknown) => this.logger.error(`Export ${exportId}: ${String(failure)}`));
      }
    });
  }

  process(job: ExportJob): Promise<ExportJobs[ExportJobName]['result']> {
    return this.jobs.run(QUEUES.exports, job, () => this.handle(job));
  }

  private async handle(job: ExportJob): Promise<ExportJobs[ExportJobName]['result']> {
    switch (job.name) {
      case 'build':
        await this.builder.build((job.data as ExportJobs['build']['data']).exportId, (percent) =>
          job.updateProgress(percent),
        );
        return 'done';
      case 'sweep': {
        const { asOf } = job.data as ExportJobs['sweep']['data'];
        return this.retention.sweep(asOf ? new Date(asOf) : new Date());
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
