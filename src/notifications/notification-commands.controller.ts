import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { NeedsRedis } from '../queues/needs-redis.guard';
import { EmailRelayRunDto, ReminderScanRunDto } from './notification-commands.dto';
import { OutboxRelayService } from './outbox-relay.service';
import { ReminderScanService } from './reminder-scan.service';

// What the worker does on its timers, run now by an admin: after an outage (Redis came back
// empty), or to check a fix, instead of waiting for the daily time or the sweep's age. Nothing
// is sent twice: reminders have their dedupe keys, emails their outbox rows.
@ApiTags('emails')
@Controller()
export class NotificationCommandsController {
  constructor(
    private readonly scanner: ReminderScanService,
    private readonly relay: OutboxRelayService,
  ) {}

  @Post('reminders/scan')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    operationId: 'runReminderScan',
    summary: 'Run the reminder scan now: due reminders go to the outbox, each once (audited)',
  })
  @ApiOkResponse({ type: ReminderScanRunDto })
  scan(@CurrentUser() admin: AuthenticatedUser): Promise<ReminderScanRunDto> {
    return this.scanner.runNow(auditActor(admin));
  }

  @Post('emails/relay')
  @HttpCode(200)
  @Roles('admin')
  @NeedsRedis()
  @ApiOperation({
    operationId: 'relayEmails',
    summary:
      'Put every unsent email on the queue now, whatever its age (after Redis lost its jobs); audited',
  })
  @ApiOkResponse({ type: EmailRelayRunDto })
  relayNow(@CurrentUser() admin: AuthenticatedUser): Promise<EmailRelayRunDto> {
    return this.relay.relayNow(auditActor(admin));
  }
}
