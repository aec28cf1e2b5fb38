import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { BidsModule } from '../bids/bids.module';
import { ReturnsModule } from '../returns/returns.module';
import { BidDocumentsController, ReturnDocumentsController } from './documents.controller';
import { DocumentOwners } from './document-owners';
import { DocumentStore } from './document-store';
import { DocumentUploadService } from './document-upload.service';
import { DocumentsService } from './documents.service';
import { SupportingDocument } from './supporting-document.entity';

// Supporting documents of bids and returns: upload, list, download, delete. Scanning is the
// worker's (DocumentsWorkerModule).
@Module({
  imports: [TypeOrmModule.forFeature([SupportingDocument]), AuditModule, BidsModule, ReturnsModule],
  controllers: [BidDocumentsController, ReturnDocumentsController],
  providers: [DocumentStore, DocumentOwners, DocumentsService, DocumentUploadService],
  exports: [DocumentStore],
})
export class DocumentsModule {}
