import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { REQUEST_COMMAND_TIMEOUT_MS } from '../queues/queues';
import { quietRedisErrors } from '../queues/redis-errors';
import { APP_CONFIG, AppConfig, LoginLimits } from '../config/app-config';
import { emailKey } from '../common/attempt-counters';
import { tooManyRequests } from '../common/common.errors';
import { MetricsService } from '../observability/metrics.service';
import { failureMemorySeconds } from './login-limit.rules';
import { countFailure, FailureCounter, waitsLeft } from './failure-waits';
import { authError } from './auth.errors';

export interface LoginSource {
  email: string;
  // The client address, as the trusted proxies (TRUST_PROXY) report it.
  address: string;
}

// Failed logins, counted in Redis so the limits hold across API instances. Two counters: one per
// email and address together (a stranger elsewhere cannot lock the real user out of theirs) and
// a looser one per address (spraying many emails). Only failures count; a success clears its pair.
@Injectable()
export class LoginLimiter implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly limits: LoginLimits;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.limits = config.login;
    this.redis = quietRedisErrors(
      new Redis(config.redisUrl, {
        keyPrefix: `${config.redisPrefix}:login:`,
        maxRetriesPerRequest: 2,
        // A Redis that stops answering refuses the request (503) instead of holding it.
        commandTimeout: REQUEST_COMMAND_TIMEOUT_MS,
      }),
      'login counters',
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit();
  }

  // Refuses with 429 and Retry-After while either counter's wait runs; checks no password.
  async checkAllowed(source: LoginSource): Promise<void> {
    const [pair, address] = await this.counted(() =>
      waitsLeft(this.redis, countersOf(source, this.limits)),
    );
    const waitMs = Math.max(pair, address);
    if (waitMs > 0) {
      this.metrics.loginFailed('throttled');
      const seconds = Math.ceil(waitMs / 1000);
      throw tooManyRequests(
        pair > 0
          ? `Too many failed logins for this email from your address: try again in ${seconds} seconds.`
          : `Too many failed logins from your address: try again in ${seconds} seconds.`,
        seconds,
        pair > 0
          ? {
              name: 'login-email-address',
              quota: this.limits.perEmailLimit,
              windowSeconds: failureMemorySeconds(this.limits),
            }
          : {
              name: 'login-address',
              quota: this.limits.perAddressLimit,
              windowSeconds: failureMemorySeconds(this.limits),
            },
      );
    }
  }

  async recordFailure(source: LoginSource): Promise<void> {
    const keys = keysOf(source);
    await this.counted(async () => {
      await countFailure(this.redis, countersOf(source, this.limits), this.limits);
      // Where this email failed from, so that a password reset finds every pair to clear.
      await this.redis
        .multi()
        .sadd(keys.emailAddresses, source.address)
        .expire(keys.emailAddresses, failureMemorySeconds(this.limits))
        .exec();
    });
  }

  async recordSuccess(source: LoginSource): Promise<void> {
    const keys = keysOf(source);
    await this.counted(() => this.redis.del(keys.pairFailures, keys.pairWait));
  }

  // A completed password reset: the email's failures from every address are forgotten, and their
  // waits end (the reset link proved the mailbox is theirs, and guesses at the old password say
  // nothing about the new one). The per-address counters stay: they guard against spraying.
  // Answers how many failures were forgotten.
  async clearEmail(email: string): Promise<number> {
    const setKey = keysOf({ email, address: '' }).emailAddresses;
    const addresses = await this.counted(() => this.redis.smembers(setKey));
    const pairs = addresses.map((address) => keysOf({ email, address }));
    const counts = await this.counted(() =>
      pairs.length > 0
        ? this.redis.mget(pairs.map((keys) => keys.pairFailures))
        : Promise.resolve([]),
    );
    await this.counted(() =>
      this.redis.del(setKey, ...pairs.flatMap((keys) => [keys.pairFailures, keys.pairWait])),
    );
    return counts.reduce((sum, count) => sum + Number(count ?? 0), 0);
  }

  // Without its counters no login is let through: guesses would go uncounted.
  private async counted<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch {
      throw authError('login-limits-unavailable', {
        message:
          'Logins are paused: the store that counts failed logins (Redis) did not answer. Try again in a few seconds.',
      });
    }
  }
}

// The pair's counter, then the address's.
function countersOf(source: LoginSource, limits: LoginLimits): FailureCounter[] {
  const keys = keysOf(source);
  return [
    { failures: keys.pairFailures, wait: keys.pairWait, limit: limits.perEmailLimit },
    { failures: keys.addressFailures, wait: keys.addressWait, limit: limits.perAddressLimit },
  ];
}

function keysOf({ email, address }: LoginSource) {
  const pair = `${emailKey(email)}:${address}`;
  return {
    pairFailures: `failures:pair:${pair}`,
    pairWait: `wait:pair:${pair}`,
    addressFailures: `failures:address:${address}`,
    addressWait: `wait:address:${address}`,
    emailAddresses: `addresses:${emailKey(email)}`,
  };
}
