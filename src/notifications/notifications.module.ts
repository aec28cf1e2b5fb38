import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { EmailOutbox } from './email-outbox.entity';
import { EmailOutboxController } from './email-outbox.controller';
import { EmailRenderSteps } from './email-render-steps';
import { EmailTemplates } from './email-templates';
import { MyNotificationsController } from './my-notifications.controller';
import { MyNotificationsService } from './my-notifications.service';
import { OutboxService } from './outbox.service';
import { OutboxStore } from './outbox-store';
import { ReminderRegistry } from './reminder-registry';

// What every process needs: queuing email (api) and the template catalogue, reminder kinds and
// render steps (registered and checked at start in every role, so a broken template never
// reaches a running system).
@Module({
  imports: [TypeOrmModule.forFeature([EmailOutbox]), AuditModule],
  controllers: [EmailOutboxController, MyNotificationsController],
  providers: [
    {
      provide: EmailTemplates,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => EmailTemplates.load(config.mail.templatesDir),
    },
    OutboxService,
    OutboxStore,
    MyNotificationsService,
    ReminderRegistry,
    EmailRenderSteps,
  ],
  exports: [EmailTemplates, OutboxService, OutboxStore, ReminderRegistry, EmailRenderSteps],
})
export class NotificationsModule {}
