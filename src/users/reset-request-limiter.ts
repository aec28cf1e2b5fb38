import { createHash } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AccountSettings, AppConfig } from '../config/app-config';
import { DomainError, RetryLaterError } from '../common/domain-error';

export interface ResetSource {
  email: string;
  // The client address, as the trusted proxies (TRUST_PROXY) report it.
  address: string;
}

// Password reset requests, counted in Redis over a fixed window per email and per address, so
// nobody floods a person's inbox or sprays the form. Every request counts, for known and unknown
// emails alike: the answer must not depend on whether the account exists.
@Injectable()
export class ResetRequestLimiter implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly limits: AccountSettings;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limits = config.accounts;
    // Connects on first use: the worker role loads this module but never asks.
    this.redis = new Redis(config.redisUrl, {
      keyPrefix: `${config.redisPrefix}:password-reset:`,
      maxRetriesPerRequest: 2,
      lazyConnect: true,
    });
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis.status !== 'wait') {
      await this.redis.quit();
    }
  }

  // Counts this request; refuses with 429 and Retry-After once either count passes its limit.
  async admit({ email, address }: ResetSource): Promise<void> {
    const emailHash = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
    const emailKey = `email:${emailHash.slice(0, 32)}`;
    const addressKey = `address:${address}`;
    const window = this.limits.resetWindowSeconds;
    let results: [Error | null, unknown][] | null;
    try {
      results = await this.redis
        .multi()
        .incr(emailKey)
        .expire(emailKey, window, 'NX')
        .ttl(emailKey)
        .incr(addressKey)
        .expire(addressKey, window, 'NX')
        .ttl(addressKey)
        .exec();
    } catch {
      throw new DomainError(
        'password-reset-unavailable',
        503,
        'Password resets are paused: the store that counts requests (Redis) did not answer. Try again in a few seconds.',
      );
    }
    const number = (i: number) => Number(results?.[i]?.[1] ?? 0);
    const waitFor = (ttl: number) => Math.max(1, ttl);
    if (number(0) > this.limits.resetPerEmailLimit) {
      const seconds = waitFor(number(2));
      throw new RetryLaterError(
        'too-many-requests',
        `Too many password resets were asked for this email: try again in ${seconds} seconds. Any links already sent are in that inbox (or its spam folder).`,
        seconds,
      );
    }
    if (number(3) > this.limits.resetPerAddressLimit) {
      const seconds = waitFor(number(5));
      throw new RetryLaterError(
        'too-many-requests',
        `Too many password resets were asked for from your address: try again in ${seconds} seconds.`,
        seconds,
      );
    }
  }
}
