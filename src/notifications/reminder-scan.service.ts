import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditActor, AuditService } from '../audit/audit.service';
import { DataSource } from 'typeorm';
import { ReminderKind, ReminderRegistry } from './reminder-registry';
import { OutboxStore } from './outbox-store';
import { MetricsService } from '../observability/metrics.service';
import { ReminderScanRunDto } from './notification-commands.dto';

// The daily scan: each kind adds its due emails to the outbox in one set-based statement.
// Existing dedupe keys are skipped, so a scan run twice queues nothing twice.
@Injectable()
export class ReminderScanService {
  private readonly logger = new Logger(ReminderScanService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: OutboxStore,
    private readonly registry: ReminderRegistry,
    private readonly metrics: MetricsService,
    private readonly audit: AuditService,
  ) {}

  // An admin's "scan now" (after an outage, say): the same scan as the daily job, audited.
  async runNow(actor: AuditActor): Promise<ReminderScanRunDto> {
    const asOf = new Date();
    const queued = await this.scan(asOf);
    const total = Object.values(queued).reduce((sum, n) => sum + n, 0);
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, actor, {
        command: 'reminders.scan-now',
        objectType: 'reminder_scan',
        objectId: randomUUID(),
        changes: {
          asOf: { before: null, after: asOf.toISOString() },
          queued: { before: null, after: queued },
        },
      }),
    );
    return { asOf: asOf.toISOString(), queued, total };
  }

  // Emails queued per kind. A kind that fails does not stop the others; the scan then fails so
  // the job is retried (what was queued stays queued once).
  scan(asOf: Date): Promise<Record<string, number>> {
    return this.metrics.timeReminderScan(() => this.scanAll(asOf));
  }

  private async scanAll(asOf: Date): Promise<Record<string, number>> {
    const queued: Record<string, number> = {};
    const failures: string[] = [];
    for (const kind of this.registry.kinds()) {
      try {
        queued[kind.name] = await this.queueDue(kind, asOf);
        this.metrics.reminderQueued(kind.name, queued[kind.name]);
      } catch (error) {
        failures.push(`${kind.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.logger.log(`Reminder scan as at ${asOf.toISOString()}: ${JSON.stringify(queued)}`);
    if (failures.length > 0) {
      throw new Error(`Reminder kinds failed: ${failures.join('; ')}`);
    }
    return queued;
  }

  private queueDue(kind: ReminderKind, asOf: Date): Promise<number> {
    return this.store.queueDue(this.dataSource.manager, {
      select: kind.select,
      params: [asOf, ...(kind.params ?? [])],
      template: kind.template,
    });
  }
}
