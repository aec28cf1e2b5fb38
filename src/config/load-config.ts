import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { loadSsoConfig } from '../auth/sso/sso-config';
import { loadDocumentsConfig } from '../documents/documents-config';
import { loadFilesConfig } from '../files/files-config';
import { loadPortalLinks } from '../notifications/portal-links';
import { loadMetricsConfig } from '../observability/metrics-config';
import { loadObservabilityConfig } from '../observability/observability-config';
import { loadRetentionConfig } from '../retention/retention-config';
import { passwordProblem } from '../users/password.rules';
import { AppConfig, HttpTimeouts, PROCESS_ROLES, ProcessRole, TrustProxy } from './app-config';
import { Env, integer, mailbox, oneOf, pattern, url } from './env-readers';
import { projectPath } from './project-root';

const DEV_DEMO_PASSWORD = 'Demo-Password-2026';
// Development and test only: it is in the source, so production refuses it.
export const DEV_SECOND_FACTOR_KEY = 'ZGV2ZWxvcG1lbnQtb25seS1zZWNvbmQtZmFjdG9yLWs=';
// The development JWT secret older versions had in their source: whoever read it could mint tokens.
const PUBLISHED_JWT_SECRETS = ['dev-only-jwt-secret-change-me-0123456789'];
const JWT_SECRET_MIN_LENGTH = 32;
const NODE_ENVS = ['development', 'test', 'production'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

// Reads and checks the environment once; every other module gets the typed result.
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development', problems);
  const production = nodeEnv === 'production';

  const port = integer(env, 'PORT', 3000, 1, 65535, problems);
  const publicBaseUrl = url(
    env,
    'PUBLIC_BASE_URL',
    `http://localhost:${port}`,
    ['http:', 'https:'],
    problems,
  ).replace(/\/+$/, '');
  const processRole = oneOf<ProcessRole>(env, 'PROCESS_ROLE', PROCESS_ROLES, 'all', problems);
  const config: AppConfig = {
    nodeEnv,
    production,
    port,
    host: env.HOST || '0.0.0.0',
    processRole,
    databaseUrl: url(
      env,
      'DATABASE_URL',
      'postgres://postgres@127.0.0.1:5432/safer_streets',
      ['postgres:', 'postgresql:'],
      problems,
    ),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:'], problems),
    redisPrefix: pattern(
      env,
      'REDIS_PREFIX',
      'ssg',
      /^[A-Za-z0-9_.-]{1,60}$/,
      'only letters, digits, _ . - (up to 60)',
      problems,
    ),
    ...jwtSecret(env, production, problems),
    jwtTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 900, 60, 86400, problems),
    sessions: {
      idleSeconds: integer(env, 'SESSION_IDLE_TIMEOUT_SECONDS', 1800, 60, 2_592_000, problems),
      absoluteSeconds: integer(
        env,
        'SESSION_MAX_LIFETIME_SECONDS',
        43_200,
        60,
        31_536_000,
        problems,
      ),
    },
    signedInCacheSeconds: integer(env, 'SIGNED_IN_CACHE_SECONDS', 5, 0, 60, problems),
    demoPassword: demoPassword(env, problems),
    secondFactorKey: secondFactorKey(env, production, problems),
    trustProxy: trustProxy(env, 'TRUST_PROXY', problems),
    corsOrigins: origins(env, 'CORS_ORIGINS', problems),
    login: {
      perEmailLimit: integer(env, 'LOGIN_LIMIT_PER_EMAIL', 5, 1, 10000, problems),
      perAddressLimit: integer(env, 'LOGIN_LIMIT_PER_ADDRESS', 20, 1, 100000, problems),
      windowSeconds: integer(env, 'LOGIN_LIMIT_WINDOW_SECONDS', 60, 1, 86400, problems),
      maxWaitSeconds: integer(env, 'LOGIN_MAX_WAIT_SECONDS', 900, 1, 86400, problems),
    },
    passwordHashing: {
      memoryKib: integer(env, 'PASSWORD_HASH_MEMORY_KIB', 65_536, 19_456, 4_194_304, problems),
      passes: integer(env, 'PASSWORD_HASH_PASSES', 3, 2, 64, problems),
      lanes: integer(env, 'PASSWORD_HASH_LANES', 4, 1, 16, problems),
    },
    accounts: {
      invitationDays: integer(env, 'INVITATION_TTL_DAYS', 7, 1, 90, problems),
      resetMinutes: integer(env, 'PASSWORD_RESET_TTL_MINUTES', 30, 5, 1440, problems),
      resetPerEmailLimit: integer(env, 'PASSWORD_RESET_LIMIT_PER_EMAIL', 3, 1, 1000, problems),
      resetPerAddressLimit: integer(
        env,
        'PASSWORD_RESET_LIMIT_PER_ADDRESS',
        20,
        1,
        100_000,
        problems,
      ),
      resetWindowSeconds: integer(
        env,
        'PASSWORD_RESET_LIMIT_WINDOW_SECONDS',
        3600,
        1,
        86400,
        problems,
      ),
    },
    http: httpTimeouts(env, problems),
    service: {
      startupTimeoutSeconds: integer(env, 'STARTUP_TIMEOUT_SECONDS', 30, 1, 600, problems),
      healthPort: integer(env, 'HEALTH_PORT', port, 0, 65535, problems),
    },
    lettersDir: env.LETTER_TEMPLATES_DIR || projectPath('templates', 'letters'),
    reportsDir: env.REPORT_TEMPLATES_DIR || projectPath('templates', 'reports'),
    portalTemplatesDir: env.PORTAL_TEMPLATES_DIR || projectPath('templates', 'portal'),
    portal: loadPortalLinks(env, publicBaseUrl, problems),
    files: loadFilesConfig(env, { defaultDir: projectPath('var', 'files') }, problems),
    documents: loadDocumentsConfig(env, problems),
    deadlineExtensionMaxDays: integer(env, 'DEADLINE_EXTENSION_MAX_DAYS', 14, 1, 90, problems),
    retention: loadRetentionConfig(env, problems),
    metrics: loadMetricsConfig(
      env,
      { apiPort: processRole === 'worker' ? undefined : port },
      problems,
    ),
    observability: loadObservabilityConfig(env, nodeEnv, problems),
    rounds: {
      opensMaxPastDays: integer(env, 'ROUND_OPENS_MAX_PAST_DAYS', 7, 0, 365, problems),
    },
    exportLimits: {
      openPerUser: integer(env, 'EXPORT_MAX_OPEN_PER_USER', 3, 1, 100, problems),
      retentionDays: integer(env, 'EXPORT_RETENTION_DAYS', 7, 1, 3650, problems),
      lockMs: integer(env, 'EXPORT_LOCK_MS', 30_000, 500, 3_600_000, problems),
    },
    mail: {
      smtpUrl: env.SMTP_URL ? url(env, 'SMTP_URL', '', ['smtp:', 'smtps:'], problems) : undefined,
      from: mailbox(
        env,
        'MAIL_FROM',
        'Safer Streets grants <no-reply@safer-streets.localhost>',
        problems,
      ),
      dir: env.MAIL_DIR || projectPath('var', 'mail'),
      templatesDir: env.EMAIL_TEMPLATES_DIR || projectPath('templates', 'emails'),
      publicBaseUrl,
      maxAttempts: integer(env, 'EMAIL_MAX_ATTEMPTS', 8, 1, 50, problems),
      backoffMs: integer(env, 'EMAIL_BACKOFF_MS', 30_000, 10, 86_400_000, problems),
      concurrency: integer(env, 'EMAIL_CONCURRENCY', 4, 1, 100, problems),
      lockMs: integer(env, 'EMAIL_LOCK_MS', 30_000, 500, 3_600_000, problems),
      relayIntervalMs: integer(env, 'OUTBOX_RELAY_INTERVAL_MS', 1000, 50, 600_000, problems),
      sweepAfterSeconds: integer(env, 'OUTBOX_SWEEP_AFTER_SECONDS', 300, 1, 86_400, problems),
    },
    reminders: {
      scanTime: pattern(
        env,
        'REMINDER_SCAN_TIME',
        '07:00',
        /^([01]\d|2[0-3]):[0-5]\d$/,
        'a 24-hour time HH:MM (Europe/London), e.g. 07:00',
        problems,
      ),
      accountSetupDays: integer(env, 'ACCOUNT_SETUP_REMINDER_DAYS', 3, 1, 365, problems),
      assessmentDueDays: integer(env, 'ASSESSMENT_REMINDER_DAYS', 3, 1, 60, problems),
    },
  };
  // The reminder is about the invitation, so it must fall while the invitation still works.
  if (config.reminders.accountSetupDays >= config.accounts.invitationDays) {
    problems.push(
      `ACCOUNT_SETUP_REMINDER_DAYS (${config.reminders.accountSetupDays}) must be fewer than INVITATION_TTL_DAYS (${config.accounts.invitationDays}): the reminder is sent while the invitation still works`,
    );
  }
  config.sso = loadSsoConfig(
    env,
    { production, publicBaseUrl: config.mail.publicBaseUrl },
    problems,
  );
  sessionProblems(config, problems);
  scannerProblems(config, problems);
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return config;
}

// A clamd on this machine must not be on a port this service itself listens on: the worker
// would send every upload to the API, every scan would fail, and documents would stay pending.
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0']);
function scannerProblems(config: AppConfig, problems: string[]): void {
  const { host, port } = config.documents.clamd;
  if (!LOCAL_HOSTS.has(host.toLowerCase())) {
    return;
  }
  const own = [
    ['PORT', config.port],
    ['HEALTH_PORT', config.service.healthPort],
  ] as const;
  const taken = own.find(([, listening]) => listening === port);
  if (taken) {
    problems.push(
      `CLAMD_PORT (${port}) is the port this service listens on (${taken[0]}): set PORT or CLAMD_PORT so that the virus scanner (clamd) has its own port`,
    );
  }
}

// An access token must not outlive the idle timeout (a client refreshing only when its token
// runs out would find its session over), nor the idle timeout the whole session.
function sessionProblems(config: AppConfig, problems: string[]): void {
  const { idleSeconds, absoluteSeconds } = config.sessions;
  if (config.jwtTtlSeconds > idleSeconds) {
    problems.push(
      `JWT_TTL_SECONDS (${config.jwtTtlSeconds}) must not exceed SESSION_IDLE_TIMEOUT_SECONDS (${idleSeconds})`,
    );
  }
  if (idleSeconds > absoluteSeconds) {
    problems.push(
      `SESSION_IDLE_TIMEOUT_SECONDS (${idleSeconds}) must not exceed SESSION_MAX_LIFETIME_SECONDS (${absoluteSeconds})`,
    );
  }
}

function httpTimeouts(env: Env, problems: string[]): HttpTimeouts {
  const timeouts: HttpTimeouts = {
    requestTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000, problems),
    headersTimeoutMs: integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000, problems),
    connectionTimeoutMs: integer(env, 'HTTP_IDLE_TIMEOUT_MS', 60_000, 100, 3_600_000, problems),
    keepAliveTimeoutMs: integer(
      env,
      'HTTP_KEEP_ALIVE_TIMEOUT_MS',
      72_000,
      100,
      3_600_000,
      problems,
    ),
  };
  if (timeouts.headersTimeoutMs > timeouts.requestTimeoutMs) {
    problems.push(
      `HTTP_HEADERS_TIMEOUT_MS (${timeouts.headersTimeoutMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${timeouts.requestTimeoutMs})`,
    );
  }
  return timeouts;
}

// Origins a browser may call the API from, comma-separated (`https://portal.example.gov.uk`):
// each a scheme and host (and port), nothing more. None by default: no cross-origin calls.
function origins(env: Env, name: string, problems: string[]): string[] {
  const list = (env[name] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
  for (const origin of list) {
    if (!/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin)) {
      problems.push(
        `${name} must list origins such as https://portal.example.gov.uk, comma-separated (got "${origin}")`,
      );
    }
  }
  return list;
}

// Unset outside production: a random secret made at this start (main.ts says so), never one
// written in the source, so nobody can mint tokens for a development server they can reach.
function jwtSecret(
  env: Env,
  production: boolean,
  problems: string[],
): Pick<AppConfig, 'jwtSecret' | 'jwtSecretGenerated'> {
  const value = env.JWT_SECRET;
  if (value === undefined || value === '') {
    if (production) {
      problems.push('JWT_SECRET must be set in production (no default is used for secrets)');
    }
    return { jwtSecret: randomBytes(32).toString('base64url'), jwtSecretGenerated: true };
  }
  if (value.length < JWT_SECRET_MIN_LENGTH) {
    problems.push(`JWT_SECRET must be at least ${JWT_SECRET_MIN_LENGTH} characters long`);
  }
  if (PUBLISHED_JWT_SECRETS.includes(value)) {
    problems.push(
      "JWT_SECRET is a value published in this project's source; generate one, e.g. openssl rand -base64 32",
    );
  }
  return { jwtSecret: value, jwtSecretGenerated: false };
}

// The demo users' password; used only by the demo seed, which production refuses to run.
function demoPassword(env: Env, problems: string[]): string {
  const value = env.DEMO_PASSWORD;
  if (value === undefined || value === '') {
    return DEV_DEMO_PASSWORD;
  }
  const weakness = passwordProblem(value);
  if (weakness) {
    problems.push(`DEMO_PASSWORD: ${weakness}`);
  }
  return value;
}

// 32 random bytes, base64 (openssl rand -base64 32). Required in production, where the
// development key (published in the source) is refused.
function secondFactorKey(env: Env, production: boolean, problems: string[]): Buffer {
  const value = env.SECOND_FACTOR_KEY;
  if (value === undefined || value === '') {
    if (production) {
      problems.push(
        'SECOND_FACTOR_KEY must be set in production: 32 random bytes, base64 (openssl rand -base64 32)',
      );
    }
    return Buffer.from(DEV_SECOND_FACTOR_KEY, 'base64');
  }
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : null;
  if (!key || key.length !== 32) {
    problems.push(
      'SECOND_FACTOR_KEY must be 32 bytes written in base64 (44 characters); make one with openssl rand -base64 32',
    );
  } else if (production && value === DEV_SECOND_FACTOR_KEY) {
    problems.push(
      "SECOND_FACTOR_KEY is the development key published in this project's source; generate one, e.g. openssl rand -base64 32",
    );
  }
  return key?.length === 32 ? key : Buffer.alloc(32);
}

// Which proxies' X-Forwarded-For to believe: how many hops (`1`: the one load balancer in
// front) or their addresses (`10.0.0.0/8,127.0.0.1`). `true` would believe whatever a client
// writes there, so it is refused.
function trustProxy(env: Env, name: string, problems: string[]): TrustProxy {
  const value = (env[name] ?? '').trim();
  if (value === '' || value === 'false' || value === '0') {
    return false;
  }
  if (value === 'true') {
    problems.push(
      `${name}=true would take the client address from any X-Forwarded-For a client sends; write the number of proxies in front of the API (${name}=1) or their addresses (${name}=10.0.0.0/8,127.0.0.1)`,
    );
    return false;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) {
      problems.push(`${name} as a hop count must be from 1 to 10 (got "${value}")`);
    }
    return hops;
  }
  const list = value.split(',').map((entry) => entry.trim());
  for (const entry of list) {
    if (!isAddressOrCidr(entry)) {
      problems.push(
        `${name} must be a hop count (1) or proxy addresses and CIDR ranges, comma-separated (10.0.0.0/8,127.0.0.1); "${entry}" is neither`,
      );
    }
  }
  return list;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) {
    return false;
  }
  if (prefix === undefined) {
    return true;
  }
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}
