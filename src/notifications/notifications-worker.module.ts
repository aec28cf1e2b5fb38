import { Module } from '@nestjs/common';
import { EmailDeliveryService } from './email-delivery.service';
import { EmailProcessor } from './email.processor';
import { MailTransport } from './mail-transport';
import { NotificationsModule } from './notifications.module';
import { OutboxRelay } from './outbox-relay.service';
import { ReminderScanService } from './reminder-scan.service';
import { ReminderScheduler, RemindersProcessor } from './reminders.processor';

// The sending side, loaded only in the worker role: relay, email consumer, reminder scheduler.
@Module({
  imports: [NotificationsModule],
  providers: [
    MailTransport,
    EmailDeliveryService,
    EmailProcessor,
    OutboxRelay,
    ReminderScanService,
    RemindersProcessor,
    ReminderScheduler,
  ],
})
export class NotificationsWorkerModule {}
