import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import { infectedNotice } from './document-emails';
import { FileStore } from '../files/file-store';
import { DocumentStore } from './document-store';
import type { ScanStatus } from './document.lifecycle';
import { VirusScanner } from './virus-scanner';

const SCANNER = { id: null, label: 'virus scanner (clamd)' };

// The worker's side: one document's bytes streamed from the store through clamd. An infected
// document's bytes are deleted; it stays listed (to its uploader) as infected, and its uploader
// is emailed.
@Injectable()
export class DocumentScanService {
  private readonly logger = new Logger(DocumentScanService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DocumentStore,
    private readonly files: FileStore,
    private readonly scanner: VirusScanner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Throws while clamd cannot be reached, so the job is tried again later.
  // `stop` (the process is stopping) gives up before the bytes go to clamd.
  async scan(
    documentId: string,
    now = () => new Date(),
    stop?: AbortSignal,
  ): Promise<ScanStatus | 'gone'> {
    const row = await this.store.findById(this.dataSource.manager, documentId);
    if (!row) {
      return 'gone';
    }
    if (row.scanStatus !== 'pending') {
      // A retry after the bytes of an infected file could not be deleted deletes them now.
      if (row.scanStatus === 'infected') {
        await this.files.remove(row.storageKey);
      }
      return row.scanStatus;
    }
    const body = await this.files.read(row.storageKey);
    if (!body) {
      return 'gone';
    }
    stop?.throwIfAborted();
    const verdict = await this.scanner.scan(body);
    const scanStatus = verdict.infected ? 'infected' : 'clean';
    const signature = verdict.infected ? verdict.signature : null;
    const recorded = await this.dataSource.transaction(async (manager) => {
      const done = await this.store.recordScan(manager, row.id, {
        scanStatus,
        signature,
        scannedAt: now(),
      });
      if (done && signature) {
        await this.reportInfected(manager, row.id, signature);
      }
      if (done) {
        await this.audit.record(manager, SCANNER, {
          command: verdict.infected ? 'document.infected' : 'document.scanned',
          objectType: 'supporting_document',
          objectId: row.id,
          changes: {
            scanStatus: { before: 'pending', after: scanStatus },
            ...(signature ? { signature: { before: null, after: signature } } : {}),
          },
        });
      }
      return done;
    });
    if (!recorded) {
      return 'gone';
    }
    if (verdict.infected) {
      this.logger.warn(`Document ${row.id} is infected (${signature}); its bytes are deleted`);
      await this.files.remove(row.storageKey);
    }
    return scanStatus;
  }

  // "Refused and reported": the uploader is told by email, queued with the verdict.
  private async reportInfected(
    manager: EntityManager,
    documentId: string,
    signature: string,
  ): Promise<void> {
    const context = await this.store.uploadContext(manager, documentId);
    if (context?.uploaderActive) {
      await this.outbox.queue(
        manager,
        infectedNotice(documentId, context, signature, this.config.portal),
      );
    }
  }
}
