import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { driverPool } from '../database/driver-pool';
import { UNFINISHED_EMAIL_STATUSES } from '../notifications/email-lifecycle';
import { EMAIL_STATUSES } from '../notifications/email-outbox.entity';
import { QUEUES } from '../queues/queues';

// A scrape never waits longer than this for PostgreSQL or Redis: what did not answer in time is
// left out of that scrape (and ssg_redis_up reads 0).
const SCRAPE_TIMEOUT_MS = 2000;
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
const UNSENT = EMAIL_STATUSES.filter((status) => status !== 'sent');

// Figures read at scrape time, not counted as things happen: database pool use, each queue's
// job counts, and the outbox's backlog.
@Injectable()
export class BacklogGauges implements OnModuleInit {
  private queues: Queue[] = [];
  private gauges?: ReturnType<typeof makeGauges>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.queues = Object.values(QUEUES).map((name) =>
      this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    );
  }

  register(registry: Registry): void {
    this.gauges = makeGauges(registry);
  }

  async refresh(): Promise<void> {
    if (this.gauges) {
      this.readPool(this.gauges);
      await Promise.all([this.readQueues(this.gauges), this.readOutbox(this.gauges)]);
    }
  }

  private readPool(gauges: ReturnType<typeof makeGauges>): void {
    const pool = driverPool(this.dataSource);
    if (pool) {
      gauges.poolClients.set(pool.totalCount);
      gauges.poolIdle.set(pool.idleCount);
      gauges.poolWaiting.set(pool.waitingCount);
    }
  }

  private async readQueues(gauges: ReturnType<typeof makeGauges>): Promise<void> {
    gauges.queueJobs.reset();
    try {
      const counts = await within(
        Promise.all(this.queues.map((queue) => countJobs(queue))),
        'Redis',
      );
      counts.forEach((count, i) => {
        for (const state of JOB_STATES) {
          gauges.queueJobs.set({ queue: this.queues[i].name, state }, count[state] ?? 0);
        }
      });
      gauges.redisUp.set(1);
    } catch {
      gauges.redisUp.set(0);
    }
  }

  private async readOutbox(gauges: ReturnType<typeof makeGauges>): Promise<void> {
    gauges.outboxUnsent.reset();
    gauges.outboxOldest.reset();
    try {
      const rows = await within(
        this.dataSource.query<{ status: string; rows: number; age: number | null }[]>(
          `SELECT status, count(*)::int AS rows,
                  extract(epoch FROM now() - min(created_at))::float8 AS age
           FROM email_outbox WHERE status = ANY($1) GROUP BY status`,
          [UNSENT],
        ),
        'PostgreSQL',
      );
      let oldest = 0;
      for (const status of UNSENT) {
        const row = rows.find((r) => r.status === status);
        gauges.outboxUnsent.set({ status }, row?.rows ?? 0);
        if (row && UNFINISHED_EMAIL_STATUSES.includes(status)) {
          oldest = Math.max(oldest, row.age ?? 0);
        }
      }
      gauges.outboxOldest.set(oldest);
    } catch {
      // PostgreSQL did not answer: no outbox figures in this scrape.
    }
  }
}

// A queue's counts, or a refusal when its Redis connection is not up (a command would wait in
// ioredis's offline queue until Redis came back).
async function countJobs(queue: Queue): Promise<Record<string, number>> {
  const client = await queue.getBackend().client;
  if (client.status !== 'ready') {
    throw new Error(`Redis connection is ${client.status}`);
  }
  return queue.getJobCounts(...JOB_STATES);
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) =>
      setTimeout(
        () => reject(new Error(`${what} did not answer in ${SCRAPE_TIMEOUT_MS} ms`)),
        SCRAPE_TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}

function makeGauges(registry: Registry) {
  const registers = [registry];
  return {
    poolClients: new Gauge({
      name: 'ssg_db_pool_clients',
      help: 'PostgreSQL connections open in this process (in use and idle)',
      registers,
    }),
    poolIdle: new Gauge({
      name: 'ssg_db_pool_idle_clients',
      help: 'PostgreSQL connections open and idle',
      registers,
    }),
    poolWaiting: new Gauge({
      name: 'ssg_db_pool_waiting_requests',
      help: 'Queries waiting for a free PostgreSQL connection',
      registers,
    }),
    queueJobs: new Gauge({
      name: 'ssg_queue_jobs',
      help: 'Jobs per queue and state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'],
      registers,
    }),
    redisUp: new Gauge({
      name: 'ssg_redis_up',
      help: '1 when the queues answered this scrape, 0 when Redis did not',
      registers,
    }),
    outboxUnsent: new Gauge({
      name: 'ssg_outbox_unsent',
      help: 'Emails in the outbox not yet sent, by status (pending, sending, failed)',
      labelNames: ['status'],
      registers,
    }),
    outboxOldest: new Gauge({
      name: 'ssg_outbox_oldest_unsent_age_seconds',
      help: 'Age of the oldest pending or sending email in the outbox (0 when none)',
      registers,
    }),
  };
}
