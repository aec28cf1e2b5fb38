import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { REQUEST_COMMAND_TIMEOUT_MS } from '../queues/queues';
import { quietRedisErrors } from '../queues/redis-errors';
import { APP_CONFIG, AccountSettings, AppConfig } from '../config/app-config';
import { countInWindows, emailKey, WindowCount } from '../common/attempt-counters';
import { tooManyRequests } from '../common/common.errors';
import { userError } from './users.errors';

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
    this.redis = quietRedisErrors(
      new Redis(config.redisUrl, {
        keyPrefix: `${config.redisPrefix}:password-reset:`,
        maxRetriesPerRequest: 2,
        // A Redis that stops answering refuses the request (503) instead of holding it.
        commandTimeout: REQUEST_COMMAND_TIMEOUT_MS,
        lazyConnect: true,
      }),
      'password reset counters',
    );
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis.status !== 'wait') {
      await this.redis.quit();
    }
  }

  // Counts this request; refuses with 429 and Retry-After once either count passes its limit.
  async admit({ email, address }: ResetSource): Promise<void> {
    let counts: WindowCount[];
    try {
      counts = await countInWindows(
        this.redis,
        [`email:${emailKey(email)}`, `address:${address}`],
        this.limits.resetWindowSeconds,
      );
    } catch {
      throw userError('password-reset-unavailable');
    }
    const [byEmail, byAddress] = counts;
    if (byEmail.count > this.limits.resetPerEmailLimit) {
      throw tooManyRequests(
        `Too many password resets were asked for this email: try again in ${byEmail.secondsLeft} seconds. Any links already sent are in that inbox (or its spam folder).`,
        byEmail.secondsLeft,
        {
          name: 'password-reset-email',
          quota: this.limits.resetPerEmailLimit,
          windowSeconds: this.limits.resetWindowSeconds,
        },
      );
    }
    if (byAddress.count > this.limits.resetPerAddressLimit) {
      throw tooManyRequests(
        `Too many password resets were asked for from your address: try again in ${byAddress.secondsLeft} seconds.`,
        byAddress.secondsLeft,
        {
          name: 'password-reset-address',
          quota: this.limits.resetPerAddressLimit,
          windowSeconds: this.limits.resetWindowSeconds,
        },
      );
    }
  }
}
