import type { SsoConfig } from '../auth/sso/sso-config';
import type { DocumentsConfig } from '../documents/documents-config';
import type { FilesConfig } from '../files/files-config';
import type { MetricsConfig } from '../observability/metrics-config';
import type { ObservabilityConfig } from '../observability/observability-config';
import type { PortalLinks } from '../notifications/portal-links';
import type { RetentionConfig } from '../retention/retention-config';

export const PROCESS_ROLES = ['api', 'worker', 'all'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

// Fastify's trustProxy: false (the peer is the client), a hop count, or the proxies' addresses
// and CIDR ranges. Never `true`, which believes any X-Forwarded-For a client writes.
export type TrustProxy = false | number | string[];

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
  // The pages emails link to (PORTAL_BASE_URL), or the API's own resources without a portal.
  portal: PortalLinks;
  // Where the grant offer letter template lives (templates/letters).
  lettersDir: string;
  // Where the spend report template lives (templates/reports).
  reportsDir: string;
  // Where the portal's page templates and its own static files live (templates/portal).
  portalTemplatesDir: string;
  // Where supporting documents and exports are stored (see FileStore).
  files: FilesConfig;
  // Supporting documents' limits and the virus scanner (clamd).
  documents: DocumentsConfig;
  // Exports one user may have queued or building at once; days a built export's file is kept;
  // how long a worker's hold on an export lasts unrenewed, so a dead worker's export is taken
  // up by another after at most about twice this.
  exportLimits: { openPerUser: number; retentionDays: number; lockMs: number };
  // Days before the round's assessment deadline that unsubmitted assessments are reminded.
  reminders: { scanTime: string; accountSetupDays: number; assessmentDueDays: number };
  // The most days after a round's closesAt that a moderator may extend one organisation's
  // deadline to (DEADLINE_EXTENSION_MAX_DAYS).
  deadlineExtensionMaxDays: number;
  // A new round's bidding window may open at most this many days in the past (historic rounds
  // excepted): ROUND_OPENS_MAX_PAST_DAYS.
  rounds: { opensMaxPastDays: number };
  jwtSecret: string;
  // No JWT_SECRET was set: jwtSecret is random, made at this start, so tokens end on a restart.
  jwtSecretGenerated: boolean;
  // Lifetime of an access token; a refresh token (see sessions) gets the next one.
  jwtTtlSeconds: number;
  sessions: SessionLimits;
  // How long a request's account check is remembered (SignedInCache); 0 checks every request.
  signedInCacheSeconds: number;
  demoPassword: string;
  // AES-256-GCM key (32 bytes) that second-factor secrets are encrypted with at rest.
  secondFactorKey: Buffer;
  trustProxy: TrustProxy;
  // Browser origins allowed to call the API (CORS); empty allows none.
  corsOrigins: string[];
  login: LoginLimits;
  passwordHashing: PasswordHashing;
  accounts: AccountSettings;
  http: HttpTimeouts;
  // Start-up and probes of the service process (src/service-process).
  service: ServiceSettings;
  // How long each kind of personal data is kept (UK GDPR storage limitation), in days.
  retention: RetentionConfig;
  // Staff sign-in through the department's OpenID Connect provider; absent: SSO is off.
  sso?: SsoConfig;
  // Prometheus metrics: a port of their own and/or the API's port behind a token; or none.
  metrics: MetricsConfig;
  // Log level and format, and where traces go (LOG_LEVEL, OTEL_EXPORTER_OTLP_ENDPOINT).
  observability: ObservabilityConfig;
}

// The single-use links emailed to users, and how often a password reset may be asked for.
export interface AccountSettings {
  // An invitation's link works this many days after it was sent.
  invitationDays: number;
  // A password reset link works this many minutes after it was asked for.
  resetMinutes: number;
  // Reset requests counted per email and per address over one window (known and unknown
  // emails alike); past a limit the answer is 429 until the window ends.
  resetPerEmailLimit: number;
  resetPerAddressLimit: number;
  resetWindowSeconds: number;
}

// How long the HTTP server waits for a client, so a slow sender cannot hold connections open.
export interface ServiceSettings {
  // How long a starting process waits for PostgreSQL and Redis before it gives up and exits.
  startupTimeoutSeconds: number;
  // The worker role's probe server (/health, /health/ready); 0 picks a free port.
  healthPort: number;
}

export interface HttpTimeouts {
  // The whole request, headers and body, must arrive within this, or the answer is 408.
  requestTimeoutMs: number;
  // The headers must arrive within this (at most requestTimeoutMs).
  headersTimeoutMs: number;
  // A connection on which nothing moves either way for this long is closed.
  connectionTimeoutMs: number;
  // An idle kept-alive connection is closed after this (above a load balancer's idle timeout).
  keepAliveTimeoutMs: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

// How long a signed-in session lasts. Defaults follow NIST SP 800-63B at AAL2 (what a password
// and a second factor give): a new sign-in after 30 minutes without use, and after 12 hours
// whatever the use, so no session outlives a working day.
export interface SessionLimits {
  // A session whose refresh token has not been used for this long is over.
  idleSeconds: number;
  // A session is over this long after its sign-in, however often it was refreshed.
  absoluteSeconds: number;
}

// Failed logins only are counted (in Redis), per email and address together and per address.
// Past a limit each further failure doubles the wait, from windowSeconds up to maxWaitSeconds.
export interface LoginLimits {
  // Failures for one email from one address before the waits begin.
  perEmailLimit: number;
  // Failures from one address, whatever the emails (against password spraying).
  perAddressLimit: number;
  // The first wait.
  windowSeconds: number;
  maxWaitSeconds: number;
}

// The cost of each password hash (argon2id). The lowest allowed is OWASP's minimum for argon2id
// (19 MiB, 2 passes, 1 lane); the tests use it, as they hash and verify hundreds of passwords.
export interface PasswordHashing {
  memoryKib: number;
  passes: number;
  lanes: number;
}

export interface MailConfig {
  // No SMTP URL: messages are written as .eml files under `dir` instead of being sent.
  smtpUrl: string | undefined;
  from: string;
  dir: string;
  templatesDir: string;
  // Where the API is reached from outside; email links use it without a portal (see portal).
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
