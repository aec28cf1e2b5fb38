import Redis from 'ioredis';
import type { AppConfig } from '../src/config/app-config';
import { loadConfig } from '../src/config/load-config';
import { DEMO_PASSWORD, expectProblem, login, startApp, testConfig, TestApp } from './support/app';
import { createAccount } from './support/accounts';
import { uniqueSuffix, validStaffUser } from './support/factories';
import { startPrivateRedis } from './support/processes';
import { eventually } from './support/smtp';

// The proxy setting as an operator writes it; the tests' requests come from 127.0.0.1.
function trustProxy(setting: string): AppConfig['trustProxy'] {
  return loadConfig({ ...process.env, TRUST_PROXY: setting }).trustProxy;
}

// Counters of their own, so other suites' logins from 127.0.0.1 do not count here.
function ownPrefix(): string {
  return `${testConfig().redisPrefix}:login-limits-${uniqueSuffix()}`;
}

function attempt(t: TestApp, forwardedFor: string | null, email: string, password: string) {
  const request = t.http().post('/api/v1/auth/login');
  return (forwardedFor ? request.set('x-forwarded-for', forwardedFor) : request).send({
    email,
    password,
  });
}

describe('failed logins (counted in Redis, shared across instances)', () => {
  const redisPrefix = ownPrefix();
  const limits = { perEmailLimit: 3, perAddressLimit: 8, windowSeconds: 60, maxWaitSeconds: 900 };
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  let admin: string;
  beforeAll(async () => {
    // Behind one trusted proxy at 127.0.0.1, so X-Forwarded-For gives each test its addresses.
    const proxied = { login: limits, redisPrefix, trustProxy: trustProxy('127.0.0.1') };
    a = await startApp(proxied);
    b = await startApp(proxied);
    redis = new Redis(a.config.redisUrl);
    admin = await login(a, 'admin@demo.test');
  });
  afterAll(async () => {
    redis.disconnect();
    await a.close();
    await b.close();
  });

  function newUser(): Promise<{ email: string; password: string }> {
    return createAccount(a, { authorization: `Bearer ${admin}` }, validStaffUser());
  }

  // As if the time to wait had passed.
  async function endWaits(): Promise<void> {
    const keys = await redis.keys(`${redisPrefix}:login:wait:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
  }

  it("does not let a stranger's wrong passwords lock the real user out of their own address", async () => {
    const user = await newUser();
    const stranger = '203.0.113.10';
    for (let i = 1; i <= limits.perEmailLimit; i++) {
      await attempt(i % 2 ? a : b, stranger, user.email, `wrong-guess-${i}`).expect(401);
    }
    // The stranger waits, whichever instance they ask...
    for (const t of [a, b]) {
      const refused = await attempt(t, stranger, user.email, 'wrong-guess-again').expect(429);
      expectProblem(refused.body, 429, 'too-many-requests');
      expect(refused.headers['retry-after']).toBe(String(limits.windowSeconds));
    }
    // ...and so does a right password from the stranger's address, unchecked.
    await attempt(a, stranger, user.email, user.password).expect(429);
    // The real user, from their own address, does not.
    await attempt(b, '198.51.100.20', user.email, user.password).expect(200);
  });

  it('makes repeated failures from one address wait twice as long each time', async () => {
    const email = `target-${uniqueSuffix().toLowerCase()}@demo.test`;
    const address = '203.0.113.30';
    for (let i = 1; i <= limits.perEmailLimit; i++) {
      await attempt(a, address, email, `guess-${i}`).expect(401);
    }
    const waits: string[] = [];
    for (let round = 0; round < 3; round++) {
      const refused = await attempt(b, address, email, 'guess').expect(429);
      waits.push(refused.headers['retry-after']);
      await endWaits();
      await attempt(a, address, email, `guess-after-wait-${round}`).expect(401);
    }
    expect(waits).toEqual(['60', '120', '240']);
  });

  it("clears the email's count on a successful login", async () => {
    const user = await newUser();
    const address = '203.0.113.40';
    const failures = limits.perEmailLimit - 1;
    for (let i = 0; i < failures; i++) {
      await attempt(a, address, user.email, `typo-${i}`).expect(401);
    }
    await attempt(b, address, user.email, user.password).expect(200);
    // As many failures again, and one more, before any wait.
    for (let i = 0; i <= failures; i++) {
      await attempt(a, address, user.email, `typo-again-${i}`).expect(401);
    }
    await attempt(a, address, user.email, user.password).expect(429);
  });

  it('slows down an address that tries many emails', async () => {
    const address = '203.0.113.50';
    const email = () => `spray-${uniqueSuffix().toLowerCase()}@demo.test`;
    for (let i = 0; i < limits.perAddressLimit; i++) {
      await attempt(i % 2 ? a : b, address, email(), 'Summer2026!').expect(401);
    }
    const refused = await attempt(a, address, email(), 'Summer2026!').expect(429);
    expectProblem(refused.body, 429, 'too-many-requests');
    expect(refused.body.detail).toMatch(/from your address/);
    await attempt(a, '203.0.113.51', email(), 'Summer2026!').expect(401);
  });
});

describe('the client address behind proxies (TRUST_PROXY)', () => {
  // Two failures per address, then a wait: the observable here of which address was counted.
  const limits = { perEmailLimit: 100, perAddressLimit: 2, windowSeconds: 60, maxWaitSeconds: 60 };
  const email = () => `proxy-${uniqueSuffix().toLowerCase()}@demo.test`;

  it('refuses TRUST_PROXY=true and says what to write instead', () => {
    expect(() => loadConfig({ ...process.env, TRUST_PROXY: 'true' })).toThrow(
      /TRUST_PROXY=true would take the client address from any X-Forwarded-For.*TRUST_PROXY=1.*TRUST_PROXY=10\.0\.0\.0\/8,127\.0\.0\.1/,
    );
    expect(() => loadConfig({ ...process.env, TRUST_PROXY: '10.0.0.0/33' })).toThrow(
      /"10\.0\.0\.0\/33" is neither/,
    );
  });

  it('with a hop count of 1, takes the address the proxy saw, not one the client wrote', async () => {
    const t = await startApp({
      login: limits,
      redisPrefix: ownPrefix(),
      trustProxy: trustProxy('1'),
    });
    try {
      // The client spoofs a different first address each time; the proxy appends the real one.
      await attempt(t, '1.2.3.4, 5.6.7.8', email(), 'wrong-password').expect(401);
      await attempt(t, '9.9.9.9, 5.6.7.8', email(), 'wrong-password').expect(401);
      await attempt(t, '1.2.3.5, 5.6.7.8', email(), 'wrong-password').expect(429);
      // Another real client behind the same proxy is not slowed down.
      await attempt(t, '1.2.3.4, 5.6.7.9', email(), 'wrong-password').expect(401);
    } finally {
      await t.close();
    }
  });

  it('ignores X-Forwarded-For from a peer not in the proxy list', async () => {
    const t = await startApp({
      login: limits,
      redisPrefix: ownPrefix(),
      trustProxy: trustProxy('10.0.0.0/8, 192.0.2.1'),
    });
    try {
      await attempt(t, '203.0.113.70', email(), 'wrong-password').expect(401);
      await attempt(t, '203.0.113.71', email(), 'wrong-password').expect(401);
      // All three come from 127.0.0.1, whatever the header says.
      await attempt(t, '203.0.113.72', email(), 'wrong-password').expect(429);
      await attempt(t, null, email(), 'wrong-password').expect(429);
    } finally {
      await t.close();
    }
  });
});

describe('failed-login counters out of reach', () => {
  it('pauses logins with 503 while Redis does not answer, rather than count nothing', async () => {
    const redis = await startPrivateRedis();
    const t = await startApp({ redisUrl: redis.url, redisPrefix: ownPrefix(), processRole: 'api' });
    try {
      await attempt(t, null, 'admin@demo.test', 'wrong-password').expect(401);
      await redis.stop();
      const paused = await attempt(t, null, 'admin@demo.test', 'wrong-password').expect(503);
      // Refused at once by the route's @NeedsRedis() (the limiter's own 503 stays behind it for a
      // Redis that breaks mid-request).
      expectProblem(paused.body, 503, 'redis-unavailable');
      expect(paused.headers['retry-after']).toBeDefined();
      await redis.restart();
      // The process notices Redis is back within a second or so (its watching connection).
      await eventually(() => t.http().get('/health/ready').expect(200), 30_000);
      await login(t, 'admin@demo.test', DEMO_PASSWORD, { fresh: true });
    } finally {
      await t.close();
      await redis.stop();
    }
  }, 90_000);
});
