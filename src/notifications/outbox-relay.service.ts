import { InjectQueue } from '@nestjs/bullmq';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { EmailJobName, EmailJobs, Originated, QUEUES } from '../queues/queues';
import { AuditActor, AuditService } from '../audit/audit.service';
import { EmailRelayRunDto } from './notification-commands.dto';
import { EmailDeliveryStore, type RelayedRow } from './email-delivery-store';

const BATCH = 500;

// The request and trace that wrote the row, for the email job's log lines and span.
function originOf(requestId: string | null, traceparent: string | null): Originated {
  if (!requestId && !traceparent) {
    return {};
  }
  return {
    origin: {
      ...(requestId ? { requestId } : {}),
      ...(traceparent ? { traceparent } : {}),
    },
  };
}

// Moves outbox rows onto the email queue, the row id as job id. Rows are the truth: a job lost
// with Redis is re-created by a sweep, and re-adding a job that still exists is a no-op in BullMQ.
// SKIP LOCKED lets several processes share the work: the worker's relay loop
// (outbox-relay-loop.service.ts) runs it on a timer, and an admin can run it now from any API.
@Injectable()
export class OutboxRelayService {
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly store: EmailDeliveryStore,
    @InjectQueue(QUEUES.email)
    private readonly queue: Queue<EmailJobs[EmailJobName]['data'], unknown, EmailJobName>,
    private readonly audit: AuditService,
  ) {}

  // A batch in progress finishes; no further batch starts (shutdown).
  stop(): void {
    this.stopped = true;
  }

  // An admin's "relay now": every unfinished email goes (back) on the queue at once, audited.
  async relayNow(actor: AuditActor): Promise<EmailRelayRunDto> {
    const relayed = (await this.sweepAll()) + (await this.relayNew());
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, actor, {
        command: 'email.relay-now',
        objectType: 'email_relay',
        objectId: randomUUID(),
        changes: { relayed: { before: null, after: relayed } },
      }),
    );
    return { relayed };
  }

  // New rows (never relayed, or put back by an admin retry), oldest first.
  async relayNew(): Promise<number> {
    return this.relay((manager) => this.store.takeNew(manager, BATCH));
  }

  // Unfinished rows relayed a while ago: their job may be gone (Redis lost its data, a job
  // failed on stalls). Adding them again is harmless when the job is still there.
  async sweep(): Promise<number> {
    const { sweepAfterSeconds } = this.config.mail;
    return this.relay((manager) => this.store.takeStale(manager, sweepAfterSeconds, BATCH));
  }

  // Every unfinished row relayed before now, whatever its age: for when Redis comes back and
  // may have lost their jobs. "Now" is the database's clock, the one relayed_at was written by,
  // read once so that rows relayed by this sweep's own batches are not taken twice.
  async sweepAll(): Promise<number> {
    const now = await this.store.now(this.dataSource.manager);
    return this.relay((manager) => this.store.takeRelayedBefore(manager, now, BATCH));
  }

  // Batches of the rows `take` locks, each put on the queue and marked relayed in one
  // transaction, until a batch is not full.
  private async relay(take: (manager: EntityManager) => Promise<RelayedRow[]>): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.dataSource.transaction(async (manager: EntityManager) => {
        const rows = await take(manager);
        if (rows.length === 0) {
          return 0;
        }
        await this.queue.addBulk(
          rows.map(({ id, request_id, traceparent }) => ({
            name: 'send',
            data: { outboxId: id, ...originOf(request_id, traceparent) },
            opts: this.jobOptions(id),
          })),
        );
        await this.store.markRelayed(
          manager,
          rows.map(({ id }) => id),
        );
        return rows.length;
      });
      total += count;
      if (count < BATCH || this.stopped) {
        return total;
      }
    }
  }

  private jobOptions(outboxId: string): JobsOptions {
    const { maxAttempts, backoffMs } = this.config.mail;
    return {
      jobId: outboxId,
      attempts: maxAttempts,
      backoff: { type: 'exponential', delay: backoffMs },
      // The row keeps the outcome; a finished job is only clutter in Redis.
      removeOnComplete: true,
      removeOnFail: true,
    };
  }
}
