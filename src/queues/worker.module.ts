import { Module } from '@nestjs/common';
import { AwardsWorkerModule } from '../awards/awards-worker.module';
import { DocumentsWorkerModule } from '../documents/documents-worker.module';
import { NotificationsWorkerModule } from '../notifications/notifications-worker.module';
import { ReportsWorkerModule } from '../reports/reports-worker.module';
import { RetentionWorkerModule } from '../retention/retention-worker.module';
import { UsersWorkerModule } from '../users/users-worker.module';
import { SystemProcessor } from './system.processor';

// Loaded only by processes whose role includes the worker: it holds the BullMQ consumers.
@Module({
  imports: [
    AwardsWorkerModule,
    DocumentsWorkerModule,
    NotificationsWorkerModule,
    ReportsWorkerModule,
    RetentionWorkerModule,
    UsersWorkerModule,
  ],
  providers: [SystemProcessor],
})
export class WorkerModule {}
