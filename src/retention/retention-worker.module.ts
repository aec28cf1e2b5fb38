import { Module } from '@nestjs/common';
import { RetentionModule } from './retention.module';
import { RetentionProcessor } from './retention.processor';
import { RetentionScheduler } from './retention.scheduler';

// Loaded only in the worker role.
@Module({
  imports: [RetentionModule],
  providers: [RetentionProcessor, RetentionScheduler],
})
export class RetentionWorkerModule {}
