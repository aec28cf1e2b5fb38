import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { BacklogGauges } from './backlog-gauges';

// Why a login was refused; never who tried.
export type LoginFailureReason =
  | 'unknown_email'
  | 'wrong_password'
  | 'not_set_up'
  | 'deactivated'
  | 'throttled'
  | 'second_factor_wrong'
  | 'second_factor_throttled';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LONG_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

// The process's metrics (prom-client's CPU, memory, event loop, GC...) live in one registry made
// once per process: they describe the process, and registering them twice would throw.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

// The application's metrics, in a registry of this app instance's own (tests build many apps in
// one process: each gets fresh metrics and no name is registered twice). Call sites record with
// one line each; figures read from PostgreSQL and Redis are taken at scrape time.
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly httpDuration = new Histogram({
    name: 'ssg_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern (unmatched for unknown routes) and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: SECONDS,
    registers: [this.registry],
  });

  private readonly exportBuild = new Histogram({
    name: 'ssg_export_build_duration_seconds',
    help: 'Spend summary export builds by format and outcome (done, failed)',
    labelNames: ['format', 'outcome'],
    buckets: LONG_SECONDS,
    registers: [this.registry],
  });

  private readonly reminderScan = new Histogram({
    name: 'ssg_reminder_scan_duration_seconds',
    help: 'Reminder scans by outcome (done, failed)',
    labelNames: ['outcome'],
    buckets: LONG_SECONDS,
    registers: [this.registry],
  });

  private readonly remindersQueued = new Counter({
    name: 'ssg_reminders_queued_total',
    help: 'Reminder emails added to the outbox by the reminder scan, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  private readonly loginFailures = new Counter({
    name: 'ssg_login_failures_total',
    help: 'Refused sign-ins by reason (wrong password, throttled, second factor wrong...)',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  constructor(private readonly backlog: BacklogGauges) {
    // Made now, not at the first scrape: the CPU counters count from their creation.
    processMetrics();
    backlog.register(this.registry);
  }

  readonly contentType = this.registry.contentType;

  // The exposition text: the process's metrics and this app's, the backlog read just now.
  async scrape(): Promise<string> {
    await this.backlog.refresh();
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }

  httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  loginFailed(reason: LoginFailureReason): void {
    this.loginFailures.inc({ reason });
  }

  reminderQueued(kind: string, count: number): void {
    this.remindersQueued.inc({ kind }, count);
  }

  timeExportBuild<T>(format: string, work: () => Promise<T>): Promise<T> {
    return timed(work, (outcome, seconds) =>
      this.exportBuild.observe({ format, outcome }, seconds),
    );
  }

  timeReminderScan<T>(work: () => Promise<T>): Promise<T> {
    return timed(work, (outcome, seconds) => this.reminderScan.observe({ outcome }, seconds));
  }
}

async function timed<T>(
  work: () => Promise<T>,
  record: (outcome: 'done' | 'failed', seconds: number) => void,
): Promise<T> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const result = await work();
    record('done', seconds());
    return result;
  } catch (error) {
    record('failed', seconds());
    throw error;
  }
}
