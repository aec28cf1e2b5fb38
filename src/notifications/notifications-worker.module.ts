import { Module } from '@nestjs/common';
import { EmailDeliveryService } from './email-delivery.service';
import { EmailProcessor } from './email.processor';
import { MailTransport } from './mail-transport';
import { NotificationsModule } from './notifications.module';
import { NotificationCommandsModule } from './notification-commands.module';
import { OutboxRelayLoopService } from './outbox-relay-loop.service';
import { ReminderScheduler } from './reminder.scheduler';
import { RemindersProcessor } from './reminders.processor';

// The sending side, loaded only in the worker role: relay loop, email consumer, reminder scheduler.
@Module({
  imports: [NotificationsModule, NotificationCommandsModule],
  providers: [
    MailTransport,
    EmailDeliveryService,
    EmailProcessor,
    OutboxRelayLoopService,
    RemindersProcessor,
    ReminderScheduler,
  ],
})
export class NotificationsWorkerModule {}
