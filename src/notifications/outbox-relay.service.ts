import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { EmailJobName, EmailJobs, Originated, QUEUES } from '../queues/queues';
import { RedisAvailability } from '../queues/redis-availability';

const BATCH = 500;

interface RelayedRow {
  id: string;
  request_id: string | null;
  traceparent: string | null;
}

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

// Moves outbox rows onto the email queue, the row id as job id. Runs in every worker process;
// SKIP LOCKED lets several share the work. Rows are the truth: a job lost with Redis is re-created
// by the sweep, and re-adding a job that still exists is a no-op in BullMQ. While Redis is away
// the relay waits; when it returns (maybe empty, after a restart) every unfinished row goes back
// on the queue at once instead of after the sweep's age.
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.email)
    private readonly queue: Queue<EmailJobs[EmailJobName]['data'], unknown, EmailJobName>,
    private readonly redis: RedisAvailability,
  ) {}

  private readonly onRedisUp = ({ first }: { first: boolean }) => {
    if (first || this.stopped) {
      return;
    }
    const sweep = this.sweepAll()
      .then(async (swept) => swept + (await this.relayNew()))
      .then((count) =>
        this.logger.log(`Redis is back: ${count} unfinished email(s) put back on the queue`),
      )
      .catch((error: unknown) =>
        this.logger.warn(`Outbox relay after Redis returned: ${String(error)}`),
      );
    this.running = Promise.all([this.running, sweep]).then(() => undefined);
  };

  onApplicationBootstrap(): void {
    this.redis.on('up', this.onRedisUp);
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.off('up', this.onRedisUp);
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  // New rows (never relayed, or put back by an admin retry), oldest first.
  async relayNew(): Promise<number> {
    return this.relay(
      `SELECT id, request_id, traceparent FROM email_outbox
       WHERE status = 'pending' AND relayed_at IS NULL
       ORDER BY created_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      [],
    );
  }

  // Unfinished rows relayed a while ago: their job may be gone (Redis lost its data, a job
  // failed on stalls). Adding them again is harmless when the job is still there.
  async sweep(): Promise<number> {
    return this.relay(
      `SELECT id, request_id, traceparent FROM email_outbox
       WHERE status IN ('pending', 'sending') AND relayed_at < now() - make_interval(secs => $1)
       ORDER BY relayed_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      [this.config.mail.sweepAfterSeconds],
    );
  }

  // Every unfinished row relayed before now, whatever its age: for when Redis comes back and
  // may have lost their jobs. (Rows relayed from here on are not taken twice.)
  async sweepAll(): Promise<number> {
    return this.relay(
      `SELECT id FROM email_outbox
       WHERE status IN ('pending', 'sending') AND relayed_at < $1
       ORDER BY relayed_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      [new Date()],
    );
  }

  private async relay(select: string, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.dataSource.transaction(async (manager: EntityManager) => {
        const rows = await manager.query<RelayedRow[]>(select, params);
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
        await manager.query(`UPDATE email_outbox SET relayed_at = now() WHERE id = ANY($1)`, [
          rows.map(({ id }) => id),
        ]);
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

  private schedule(delay: number): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule(this.config.mail.relayIntervalMs));
    }, delay);
  }

  private async tick(): Promise<void> {
    if (!this.redis.isUp()) {
      return;
    }
    try {
      await this.relayNew();
      const swept = await this.sweep();
      if (swept > 0) {
        this.logger.log(`Sweep put ${swept} unfinished email(s) back on the queue`);
      }
    } catch (error) {
      // Database or Redis away: the rows wait, and the next tick tries again.
      this.logger.warn(`Outbox relay: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
