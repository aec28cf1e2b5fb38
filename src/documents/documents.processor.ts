import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Job, Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { WatchedWorker } from '../queues/bullmq-classes';
import { RedisAvailability, ReturnWatch } from '../queues/redis-availability';
import { scanJob } from './document-upload.service';
import { DocumentStore } from './document-store';
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
    private readonly store: DocumentStore,
    private readonly dataSource: DataSource,
    private readonly redis: RedisAvailability,
    @InjectQueue(QUEUES.documents) private readonly queue: Queue,
    private readonly jobs: JobRunner,
  ) {}

  private returnWatch?: ReturnWatch;

  // Redis came back, maybe empty: every document still waiting for its scan is queued again.
  async requeuePending(): Promise<number> {
    const ids = await this.store.findPendingIds(this.dataSource.manager);
    for (const id of ids) {
      await this.queue.add('scan', { documentId: id }, scanJob(id));
    }
    return ids.length;
  }

  onModuleInit(): void {
    this.returnWatch = this.redis.onReturn('document scan(s)', () => this.requeuePending());
    this.worker = new WatchedWorker(
      QUEUES.documents,
      (job: DocumentJob, _token?: string, stop?: AbortSignal) => this.process(job, stop),
      {
        connection: redisConnection(this.config),
        prefix: queuePrefix(this.config),
        concurrency: 2,
      },
    );
    this.worker.on('failed', (job, error) =>
      this.logger.warn(`Scan of document ${job?.data.documentId}: ${error.message}`),
    );
  }

  // `stop` aborts when the process is stopping: a scan not yet sent to clamd gives up and the job
  // goes back to the queue; one already at clamd finishes (or keeps its lock until it lapses).
  process(job: DocumentJob, stop?: AbortSignal): Promise<DocumentJobs[DocumentJobName]['result']> {
    return this.jobs.run(QUEUES.documents, job, () => this.handle(job, stop), stop);
  }

  private async handle(
    job: DocumentJob,
    stop?: AbortSignal,
  ): Promise<DocumentJobs[DocumentJobName]['result']> {
    switch (job.name) {
      case 'scan':
        return this.scans.scan(job.data.documentId, undefined, stop);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.returnWatch?.stop();
    await this.worker?.close();
  }
}
