import type { AppConfig } from '../config/app-config';

// Every queue and job the workers know, with its payload and result, in one place.
export const QUEUES = {
  system: 'system',
  email: 'email',
  reminders: 'reminders',
  exports: 'exports',
  accounts: 'accounts',
  documents: 'documents',
  offers: 'offers',
  retention: 'retention',
} as const;

// Where a job came from: the request (and its trace) that caused it, restored around the job so
// its log lines and spans name them (src/observability/job-runner.ts). Absent for jobs a
// scheduler started.
export interface JobOrigin {
  requestId?: string;
  // W3C trace context of the span that queued the job, when tracing is on.
  traceparent?: string;
}
export interface Originated {
  origin?: JobOrigin;
}

export interface SystemJobs {
  // Round trip through Redis and a worker: proves the worker role is consuming.
  ping: { data: { requestedAt: string }; result: { answeredAt: string; pid: number } };
}
export type SystemJobName = keyof SystemJobs;
export const SYSTEM_JOB_NAMES: readonly SystemJobName[] = ['ping'];

export interface EmailJobs {
  // The job id is the outbox row id; the row holds everything else.
  send: { data: { outboxId: string } & Originated; result: 'sent' | 'skipped' };
}
export type EmailJobName = keyof EmailJobs;

export interface ReminderJobs {
  // asOf is for a scan run by hand; the daily scheduler leaves it out (now).
  scan: { data: { asOf?: string }; result: Record<string, number> };
}
export type ReminderJobName = keyof ReminderJobs;

export interface ExportJobs {
  // The job id is the export's id; the export row holds the round, format and "as at" moment.
  build: { data: { exportId: string } & Originated; result: 'done' };
  // Works out and keeps the spend facts of the round's awards changed since they were last kept
  // (SpendCacheService); queued after each export of the round.
  keep: { data: { roundId: string }; result: { kept: number } };
  // Deletes the files of exports built more than EXPORT_RETENTION_DAYS before asOf (default
  // now), and keeps every round's spend facts up to date; daily from a job scheduler.
  sweep: {
    data: { asOf?: string };
    result: { expired: number; leftoversRemoved: number; spendFactsKept: number };
  };
}
export type ExportJobName = keyof ExportJobs;

export interface AccountJobs {
  // A password reset was asked for: the worker looks the email up and, for an account that
  // exists, emails a link. The API does the same for every email, so answers reveal nothing.
  'password-reset': { data: { email: string } & Originated; result: 'sent' | 'no-account' };
}
export type AccountJobName = keyof AccountJobs;

export interface DocumentJobs {
  // The job id is the document's id: its bytes are streamed from the FileStore through clamd.
  scan: {
    data: { documentId: string } & Originated;
    result: 'pending' | 'clean' | 'infected' | 'gone';
  };
}
export type DocumentJobName = keyof DocumentJobs;

export interface OfferJobs {
  // Withdraws every offer past its deadline as at asOf (default now); daily from a job scheduler.
  lapse: { data: { asOf?: string }; result: { lapsed: number } };
}
export type OfferJobName = keyof OfferJobs;

export interface RetentionJobs {
  // Anonymises what is past its retention period as at asOf (default now); daily.
  run: { data: { asOf?: string }; result: { runId: string; counts: Record<string, number> } };
}
export type RetentionJobName = keyof RetentionJobs;

// How long a Redis command a request waits on may take before it is given up: a Redis that
// stops answering without closing its connections (a hung host, a long DEBUG SLEEP) would
// otherwise hold the request for ever.
export const REQUEST_COMMAND_TIMEOUT_MS = 2_000;

// Reconnecting within a second of Redis's return, like the availability tracker, so what is
// re-queued then finds its queue connected again.
export const quickReconnect = (times: number) => Math.min(times * 100, 1_000);

// Consumers (workers) wait as long as it takes: BullMQ's blocking reads and lock renewals need it.
export function redisConnection(config: AppConfig) {
  return { url: config.redisUrl, maxRetriesPerRequest: null };
}

// Producers (the queues jobs are added to) give up instead: an add fails after one reconnect or
// REQUEST_COMMAND_TIMEOUT_MS, and the caller answers 503. No version check at connect, so no
// command can time out before the queue is usable.
export function producerConnection(config: AppConfig) {
  return {
    url: config.redisUrl,
    maxRetriesPerRequest: 1,
    commandTimeout: REQUEST_COMMAND_TIMEOUT_MS,
    retryStrategy: quickReconnect,
    skipVersionCheck: true,
  };
}

export function queuePrefix(config: AppConfig): string {
  return `${config.redisPrefix}:bull`;
}
