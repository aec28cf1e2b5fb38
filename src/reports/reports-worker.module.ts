import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { UsersModule } from '../users/users.module';
import { ExportBuilder } from './export-builder.service';
import { ExportsProcessor } from './exports.processor';
import { ReportsModule } from './reports.module';

// The building side of exports, loaded only in the worker role.
@Module({
  imports: [ReportsModule, NotificationsModule, UsersModule],
  providers: [ExportBuilder, ExportsProcessor],
})
export class ReportsWorkerModule {}
