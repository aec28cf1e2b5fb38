import { AppConfig, PROCESS_ROLES, ProcessRole } from './app-config';

const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
const DEV_DEMO_PASSWORD = 'Demo-Password-2026';
const NODE_ENVS = ['development', 'test', 'production'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

// Reads and checks the environment once; every other module gets the typed result.
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development', problems);
  const production = nodeEnv === 'production';

  const secret = (name: string, devDefault: string, minLength: number): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      if (production) {
        problems.push(`${name} must be set in production (no default is used for secrets)`);
      }
      return devDefault;
    }
    if (value.length < minLength) {
      problems.push(`${name} must be at least ${minLength} characters long`);
    }
    if (production && value === devDefault) {
      problems.push(`${name} must not be the development default in production`);
    }
    return value;
  };

  const config: AppConfig = {
    nodeEnv,
    production,
    port: integer(env, 'PORT', 3000, 1, 65535, problems),
    host: env.HOST || '0.0.0.0',
    processRole: oneOf<ProcessRole>(env, 'PROCESS_ROLE', PROCESS_ROLES, 'all', problems),
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
      'letters, digits, _ . - (up to 60)',
      problems,
    ),
    smtpUrl: env.SMTP_URL ? url(env, 'SMTP_URL', '', ['smtp:', 'smtps:'], problems) : undefined,
    jwtSecret: secret('JWT_SECRET', DEV_JWT_SECRET, 32),
    jwtTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 3600, 60, 86400, problems),
    demoPassword: secret('DEMO_PASSWORD', DEV_DEMO_PASSWORD, 12),
    trustProxy: boolean(env, 'TRUST_PROXY', false, problems),
    login: {
      perEmailLimit: integer(env, 'LOGIN_LIMIT_PER_EMAIL', 5, 1, 10000, problems),
      perAddressLimit: integer(env, 'LOGIN_LIMIT_PER_ADDRESS', 20, 1, 100000, problems),
      windowSeconds: integer(env, 'LOGIN_LIMIT_WINDOW_SECONDS', 60, 1, 86400, problems),
    },
  };
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return config;
}

function oneOf<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
  problems: string[],
): T {
  const value = env[name];
  if (value === undefined || value === '') {
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }
  return value as T;
}

function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const value = env[name];
  if (value === undefined || value === '') {
    return fallback;
  }
  const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
    return fallback;
  }
  return parsed;
}

function boolean(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const value = env[name];
  if (value === undefined || value === '') {
    return fallback;
  }
  if (value !== 'true' && value !== 'false') {
    problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }
  return value === 'true';
}

function url(
  env: Env,
  name: string,
  fallback: string,
  protocols: string[],
  problems: string[],
): string {
  const value = env[name];
  if (value === undefined || value === '') {
    return fallback;
  }
  try {
    const parsed = new URL(value);
    if (!protocols.includes(parsed.protocol)) {
      problems.push(
        `${name} must be a URL starting ${protocols.map((p) => `${p}//`).join(' or ')}`,
      );
    }
  } catch {
    problems.push(`${name} is not a valid URL`);
  }
  return value;
}

function pattern(
  env: Env,
  name: string,
  fallback: string,
  re: RegExp,
  rule: string,
  problems: string[],
): string {
  const value = env[name];
  if (value === undefined || value === '') {
    return fallback;
  }
  if (!re.test(value)) {
    problems.push(`${name} may contain only ${rule}`);
  }
  return value;
}
