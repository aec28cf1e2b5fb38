import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { NotificationCommandsController } from './notification-commands.controller';
import { NotificationsModule } from './notifications.module';
import { OutboxRelayService } from './outbox-relay.service';
import { ReminderScanService } from './reminder-scan.service';
import { EmailDeliveryStore } from './email-delivery-store';

// The reminder scan and the outbox relay, for the worker's timers and an admin's "now". They
// need the queues and metrics of a whole app, so the CLI's smaller contexts (which import
// NotificationsModule) go without them.
@Module({
  imports: [NotificationsModule, AuditModule],
  controllers: [NotificationCommandsController],
  providers: [OutboxRelayService, ReminderScanService, EmailDeliveryStore],
  exports: [OutboxRelayService, ReminderScanService, EmailDeliveryStore],
})
export class NotificationCommandsModule {}
