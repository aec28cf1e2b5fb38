import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  DocumentJobName,
  DocumentJobs,
  QUEUES,
  queuePrefix,
  redisConnection,
} from '../queues/queues';
import { DocumentScanService } from './document-scan.service';
import { JobRunner } from '../observability/job-runner';

type DocumentJob = Job<
  DocumentJobs[DocumentJobName]['data'],
  DocumentJobs[DocumentJobName]['result'],
  DocumentJobName
>;

// The documents queue's consumer: each job scans one document (the job id is its id).
@Injectable()
export class DocumentsProcessor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DocumentsProcessor.name);
  private worker?: Worker<DocumentJob['data'], DocumentJob['returnvalue'], DocumentJobName>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scans: DocumentScanService,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.worker = new Worker(QUEUES.documents, (job: DocumentJob) => this.process(job), {
      connection: redisConnection(this.config),
      prefix: queuePrefix(this.config),
      concurrency: 2,
    });
    this.worker.on('error', (error) => this.logger.error(`Documents worker: ${error.message}`));
    this.worker.on('failed', (job, error) =>
      this.logger.warn(`Scan of document ${job?.data.documentId}: ${error.message}`),
    );
  }

  process(job: DocumentJob): Promise<DocumentJobs[DocumentJobName]['result']> {
    return this.jobs.run(QUEUES.documents, job, () => this.handle(job));
  }

  private async handle(job: DocumentJob): Promise<DocumentJobs[DocumentJobName]['result']> {
    switch (job.name) {
      case 'scan':
        return this.scans.scan(job.data.documentId);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
