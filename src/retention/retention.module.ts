import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RetentionController } from './retention.controller';
import { RetentionStore } from './retention-store';
import { RetentionService } from './retention.service';

// Personal data retention: the preview and erasure routes, and the service the worker's daily
// job calls.
@Module({
  imports: [AuditModule],
  controllers: [RetentionController],
  providers: [RetentionStore, RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
