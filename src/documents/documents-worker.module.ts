import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { DocumentScanService } from './document-scan.service';
import { DocumentStore } from './document-store';
import { DocumentsProcessor } from './documents.processor';
import { VirusScanner } from './virus-scanner';

// The virus scans of uploaded documents, loaded only in the worker role.
@Module({
  imports: [AuditModule, NotificationsModule],
  providers: [DocumentStore, DocumentScanService, DocumentsProcessor, VirusScanner],
})
export class DocumentsWorkerModule {}
