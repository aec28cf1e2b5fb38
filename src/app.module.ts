import { TasksModule } from './tasks/tasks.module';
import { DynamicModule, Module } from '@nestjs/common';
import { AssessmentModule } from './assessment/assessment.module';
import { AwardsModule } from './awards/awards.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { SsoModule } from './auth/sso/sso.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DocumentsModule } from './documents/documents.module';
import { FilesModule } from './files/files.module';
import { HealthModule } from './health/health.module';
import { NotificationsModule } from './notifications/notifications.module';
import { NotificationCommandsModule } from './notifications/notification-commands.module';
import { MetricsModule } from './observability/metrics.module';
import { LoggingModule } from './observability/logging.module';
import { OrganisationsModule } from './organisations/organisations.module';
import { QueuesModule } from './queues/queues.module';
import { WorkerModule } from './queues/worker.module';
import { ReportsModule } from './reports/reports.module';
import { RetentionModule } from './retention/retention.module';
import { ReturnsModule } from './returns/returns.module';
import { RoundDeliveryModule } from './rounds/round-delivery.module';
import { RoundsModule } from './rounds/rounds.module';
import { BidsModule } from './bids/bids.module';
import { UsersModule } from './users/users.module';
import { PortalModule } from './portal/portal.module';

// The process role decides what is loaded: the HTTP API, the BullMQ workers, or both.
@Module({})
export class AppModule {
  static forRole(config: AppConfig): DynamicModule {
    const api = config.processRole !== 'worker';
    const worker = config.processRole !== 'api';
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        QueuesModule,
        MetricsModule,
        FilesModule,
        // Domain modules load in both roles: the worker needs their services and reminder kinds.
        AuditModule,
        NotificationsModule,
        OrganisationsModule,
        UsersModule,
        RoundsModule,
        BidsModule,
        AssessmentModule,
        AwardsModule,
        ReturnsModule,
        RoundDeliveryModule,
        ReportsModule,
        RetentionModule,
        DocumentsModule,
        TasksModule,
        HealthModule,
        ...(api ? [AuthModule, SsoModule, NotificationCommandsModule, PortalModule] : []),
        ...(worker ? [WorkerModule] : []),
      ],
    };
  }
}
