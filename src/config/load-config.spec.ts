import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DEV_SECOND_FACTOR_KEY, loadConfig } from './load-config';

const PRODUCTION_KEY = Buffer.alloc(32, 7).toString('base64');

// Every string literal in the config source, as a secret an attacker could copy from it.
function literalsInConfigSource(): string[] {
  return readdirSync(__dirname)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .flatMap((file) =>
      [...readFileSync(join(__dirname, file), 'utf8').matchAll(/(['"`])((?:(?!\1).)+)\1/g)].map(
        (match) => match[2],
      ),
    );
}

describe('loadConfig', () => {
  const base = { NODE_ENV: 'development' };

  it('makes a random JWT secret at each start when none is set, never one from the source', () => {
    const first = loadConfig(base);
    const second = loadConfig(base);
    expect(first.jwtSecretGenerated).toBe(true);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.jwtSecret).not.toBe(first.jwtSecret);
    const literals = literalsInConfigSource();
    expect(literals.length).toBeGreaterThan(50);
    expect(literals).not.toContain(first.jwtSecret);
    expect(first.jwtSecret).not.toBe('dev-only-jwt-secret-change-me-0123456789');
  });

  it('uses a configured JWT secret as it is', () => {
    const secret = 'a-configured-secret-of-at-least-32-characters';
    expect(loadConfig({ ...base, JWT_SECRET: secret })).toMatchObject({
      jwtSecret: secret,
      jwtSecretGenerated: false,
    });
  });

  it('refuses the JWT secret older versions published in their source', () => {
    expect(() =>
      loadConfig({ ...base, JWT_SECRET: 'dev-only-jwt-secret-change-me-0123456789' }),
    ).toThrow(/JWT_SECRET is a value published in this project's source/);
  });

  it('starts in production with a JWT secret and no DEMO_PASSWORD', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
      SECOND_FACTOR_KEY: PRODUCTION_KEY,
    });
    expect(config.production).toBe(true);
    expect(config.jwtSecretGenerated).toBe(false);
    expect(config.secondFactorKey).toEqual(Buffer.from(PRODUCTION_KEY, 'base64'));
  });

  it('encrypts second-factor secrets with the development key outside production only', () => {
    expect(loadConfig(base).secondFactorKey).toEqual(Buffer.from(DEV_SECOND_FACTOR_KEY, 'base64'));
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
    };
    expect(() => loadConfig(production)).toThrow(/SECOND_FACTOR_KEY must be set in production/);
    expect(() => loadConfig({ ...production, SECOND_FACTOR_KEY: DEV_SECOND_FACTOR_KEY })).toThrow(
      /SECOND_FACTOR_KEY is the development key published/,
    );
    for (const wrong of ['c2hvcnQ=', 'not base64 at all!', `${PRODUCTION_KEY}AAAA`]) {
      expect(() => loadConfig({ ...base, SECOND_FACTOR_KEY: wrong })).toThrow(
        /SECOND_FACTOR_KEY must be 32 bytes written in base64/,
      );
    }
  });

  it('still refuses production without a JWT secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET must be set in production/,
    );
  });

  it("hashes passwords at argon2id's default cost, and refuses a cost below OWASP's minimum", () => {
    expect(loadConfig(base).passwordHashing).toEqual({ memoryKib: 65_536, passes: 3, lanes: 4 });
    expect(
      loadConfig({
        ...base,
        PASSWORD_HASH_MEMORY_KIB: '19456',
        PASSWORD_HASH_PASSES: '2',
        PASSWORD_HASH_LANES: '1',
      }).passwordHashing,
    ).toEqual({ memoryKib: 19_456, passes: 2, lanes: 1 });
    expect(() =>
      loadConfig({ ...base, PASSWORD_HASH_MEMORY_KIB: '8192', PASSWORD_HASH_PASSES: '1' }),
    ).toThrow(
      /PASSWORD_HASH_MEMORY_KIB must be a whole number from 19456 to 4194304[\s\S]*PASSWORD_HASH_PASSES must be a whole number from 2 to 64/,
    );
  });

  it('reads the account link settings, and refuses a setup reminder that falls after the invitation ends', () => {
    expect(loadConfig(base).accounts).toEqual({
      invitationDays: 7,
      resetMinutes: 30,
      resetPerEmailLimit: 3,
      resetPerAddressLimit: 20,
      resetWindowSeconds: 3600,
    });
    expect(loadConfig(base).reminders.accountSetupDays).toBe(3);
    expect(() =>
      loadConfig({ ...base, INVITATION_TTL_DAYS: '5', ACCOUNT_SETUP_REMINDER_DAYS: '5' }),
    ).toThrow(/ACCOUNT_SETUP_REMINDER_DAYS \(5\) must be fewer than INVITATION_TTL_DAYS \(5\)/);
    expect(() => loadConfig({ ...base, PASSWORD_RESET_TTL_MINUTES: '2' })).toThrow(
      /PASSWORD_RESET_TTL_MINUTES must be a whole number from 5 to 1440/,
    );
  });

  // The worker sends every upload to clamd: on this machine's own port it would send them to
  // itself, every scan would fail, and documents would wait for ever.
  it('refuses a local clamd on the port this service listens on', () => {
    expect(() => loadConfig({ ...base, PORT: '3310' })).toThrow(
      /CLAMD_PORT \(3310\) is the port this service listens on \(PORT\)/,
    );
    expect(() =>
      loadConfig({ ...base, HEALTH_PORT: '3399', CLAMD_HOST: 'localhost', CLAMD_PORT: '3399' }),
    ).toThrow(/CLAMD_PORT \(3399\) is the port this service listens on \(HEALTH_PORT\)/);
    expect(loadConfig({ ...base, PORT: '3310', CLAMD_HOST: 'clamav.internal' }).port).toBe(3310);
    expect(loadConfig({ ...base, PORT: '3310', CLAMD_PORT: '3311' }).port).toBe(3310);
  });

  it('refuses a weak DEMO_PASSWORD', () => {
    expect(() => loadConfig({ ...base, DEMO_PASSWORD: 'aaaaaaaaaaaa' })).toThrow(
      /DEMO_PASSWORD: password must not be one character/,
    );
  });

  it.each([
    [undefined, false],
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['127.0.0.1', ['127.0.0.1']],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
    ['::1,fd00::/8', ['::1', 'fd00::/8']],
  ])('reads TRUST_PROXY=%p as %p', (value, expected) => {
    expect(loadConfig({ ...base, TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each([
    ['true', /TRUST_PROXY=true would take the client address .*\(TRUST_PROXY=1\)/],
    ['yes', /"yes" is neither/],
    ['10.0.0.0/40', /"10.0.0.0\/40" is neither/],
    ['10.0.0.1,', /"" is neither/],
    ['11', /hop count must be from 1 to 10/],
  ])('refuses TRUST_PROXY=%p', (value, message) => {
    expect(() => loadConfig({ ...base, TRUST_PROXY: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, TRUST_PROXY: value })).toThrow(message);
  });
  it('gives 15-minute access tokens in sessions idle after 30 minutes and over after 12 hours', () => {
    const config = loadConfig(base);
    expect(config.jwtTtlSeconds).toBe(900);
    expect(config.sessions).toEqual({ idleSeconds: 1800, absoluteSeconds: 43_200 });
    expect(
      loadConfig({
        ...base,
        SESSION_IDLE_TIMEOUT_SECONDS: '3600',
        SESSION_MAX_LIFETIME_SECONDS: '86400',
      }).sessions,
    ).toEqual({ idleSeconds: 3600, absoluteSeconds: 86_400 });
  });

  it('refuses an access token that outlives the idle timeout, or an idle timeout the lifetime', () => {
    expect(() =>
      loadConfig({ ...base, JWT_TTL_SECONDS: '3600', SESSION_IDLE_TIMEOUT_SECONDS: '1800' }),
    ).toThrow(/JWT_TTL_SECONDS \(3600\) must not exceed SESSION_IDLE_TIMEOUT_SECONDS \(1800\)/);
    expect(() =>
      loadConfig({
        ...base,
        SESSION_IDLE_TIMEOUT_SECONDS: '7200',
        SESSION_MAX_LIFETIME_SECONDS: '3600',
      }),
    ).toThrow(/SESSION_IDLE_TIMEOUT_SECONDS \(7200\) must not exceed SESSION_MAX_LIFETIME_SECONDS/);
  });

  it('stops the start listing a bad LOG_LEVEL and a bad OTLP endpoint together', () => {
    let error: unknown;
    try {
      loadConfig({ ...base, LOG_LEVEL: 'loud', OTEL_EXPORTER_OTLP_ENDPOINT: 'not-a-url' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent/,
        ),
        'OTEL_EXPORTER_OTLP_ENDPOINT is not a valid URL',
      ]),
    );
    expect(() => loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be a URL starting http:\/\/ or https:\/\//,
    );
  });

  it('logs at info by default, pretty only in development, and traces only with an endpoint', () => {
    expect(loadConfig(base).observability).toEqual({
      logLevel: 'info',
      prettyLogs: true,
      otlpEndpoint: undefined,
    });
    expect(
      loadConfig({
        ...base,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      }).observability,
    ).toEqual({ logLevel: 'warn', prettyLogs: false, otlpEndpoint: 'http://127.0.0.1:4318' });
  });
});
