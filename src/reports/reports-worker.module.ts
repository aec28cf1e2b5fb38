import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { UsersModule } from '../users/users.module';
import { ExportStore } from './export-store';
import { ExportBuilderService } from './export-builder.service';
import { ExportRetentionService } from './export-retention.service';
import { ExportSweepScheduler } from './export-sweep.scheduler';
import { ExportsProcessor } from './exports.processor';
import { ReportsModule } from './reports.module';

// The building side of exports and their daily retention sweep, loaded only in the worker role.
@Module({
  imports: [ReportsModule, NotificationsModule, UsersModule],
  providers: [
    ExportBuilderService,
    ExportRetentionService,
    ExportStore,
    ExportsProcessor,
    ExportSweepScheduler,
  ],
})
export class ReportsWorkerModule {}
