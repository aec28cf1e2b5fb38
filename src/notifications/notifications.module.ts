import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { EmailOutbox } from './email-outbox.entity';
import { EmailOutboxController } from './email-outbox.controller';
import { EmailTemplates } from './email-templates';
import { OutboxService } from './outbox.service';
import { ReminderRegistry } from './reminder-registry';

// What every process needs: queuing email (api) and the template catalogue and reminder kinds
// (checked at start in every role, so a broken template never reaches a running system).
@Module({
  imports: [TypeOrmModule.forFeature([EmailOutbox]), AuditModule],
  controllers: [EmailOutboxController],
  providers: [
    {
      provide: EmailTemplates,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => EmailTemplates.load(config.mail.templatesDir),
    },
    OutboxService,
    ReminderRegistry,
  ],
  exports: [EmailTemplates, OutboxService, ReminderRegistry],
})
export class NotificationsModule {}
