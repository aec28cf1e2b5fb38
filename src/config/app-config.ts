export const PROCESS_ROLES = ['api', 'worker', 'all'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export interface AppConfig {
  nodeEnv: 'development' | 'test' | 'production';
  production: boolean;
  port: number;
  host: string;
  processRole: ProcessRole;
  databaseUrl: string;
  redisUrl: string;
  // Every Redis key this deployment writes starts with this, so test runs never collide.
  redisPrefix: string;
  mail: MailConfig;
  // Where the grant offer letter template lives (templates/letters).
  lettersDir: string;
  // Where the spend report template lives (templates/reports), and where exports are stored.
  reportsDir: string;
  exportsDir: string;
  // Exports one user may have queued or building at once; days a built export's file is kept.
  exportLimits: { openPerUser: number; retentionDays: number };
  // Days before the round's assessment deadline that unsubmitted assessments are reminded.
  reminders: { scanTime: string; accountSetupDays: number; assessmentDueDays: number };
  jwtSecret: string;
  jwtTtlSeconds: number;
  demoPassword: string;
  trustProxy: boolean;
  // Browser origins allowed to call the API (CORS); empty allows none.
  corsOrigins: string[];
  login: { perEmailLimit: number; perAddressLimit: number; windowSeconds: number };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export interface MailConfig {
  // No SMTP URL: messages are written as .eml files under `dir` instead of being sent.
  smtpUrl: string | undefined;
  from: string;
  dir: string;
  templatesDir: string;
  // Where links in emails point.
  publicBaseUrl: string;
  maxAttempts: number;
  backoffMs: number;
  concurrency: number;
  // How long a worker may hold a job before another worker takes it as stalled (after a crash).
  lockMs: number;
  relayIntervalMs: number;
  // Unfinished rows relayed longer ago than this are relayed again (their job may be gone).
  sweepAfterSeconds: number;
}
