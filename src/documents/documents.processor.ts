import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobOf, QueueConsumer, ResultOf } from '../queues/queue-consumer';
import { DocumentJobs, QUEUES } from '../queues/queues';
import { scanJob } from './document-upload.service';
import { DocumentScanService } from './document-scan.service';
import { DocumentStore } from './document-store';

// The documents queue's consumer: each job scans one document (the job id is its id).
@Injectable()
export class DocumentsProcessor extends QueueConsumer<DocumentJobs> {
  private readonly logger = new Logger(DocumentsProcessor.name);

  constructor(
    private readonly scans: DocumentScanService,
    private readonly store: DocumentStore,
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.documents) private readonly documentsQueue: Queue,
  ) {
    super(QUEUES.documents, { concurrency: 2 });
  }

  // Redis came back, maybe empty: every document still waiting for its scan is queued again.
  protected override readonly onRedisReturn = {
    what: 'document scan(s)',
    putBack: async () => {
      const ids = await this.store.findPendingIds(this.dataSource.manager);
      for (const id of ids) {
        await this.documentsQueue.add('scan', { documentId: id }, scanJob(id));
      }
      return ids.length;
    },
  };

  // `stop` aborts when the process is stopping: a scan not yet sent to clamd gives up and the job
  // goes back to the queue; one already at clamd finishes (or keeps its lock until it lapses).
  protected handle(job: JobOf<DocumentJobs>, stop: AbortSignal): Promise<ResultOf<DocumentJobs>> {
    switch (job.name) {
      case 'scan':
        return this.scans.scan(job.data.documentId, undefined, stop);
    }
  }

  protected override failed(job: JobOf<DocumentJobs>, error: Error): void {
    this.logger.warn(`Scan of document ${job.data.documentId}: ${error.message}`);
  }
}
