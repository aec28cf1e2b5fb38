import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { REQUEST_COMMAND_TIMEOUT_MS } from '../../queues/queues';
import { quietRedisErrors } from '../../queues/redis-errors';
import { APP_CONFIG, AppConfig, LoginLimits } from '../../config/app-config';
import { tooManyRequests } from '../../common/common.errors';
import { MetricsService } from '../../observability/metrics.service';
import { failureMemorySeconds, waitAfterFailures } from '../login-limit.rules';
import { CHALLENGE_TTL_SECONDS, WRONG_CODES_PER_CHALLENGE } from './second-factor.rules';
import { authError } from '../auth.errors';
import { secondFactorError } from './second-factor.errors';

// Wrong second-factor codes, counted in Redis so the limits hold across API instances: per
// challenge (a few, then the password again) and per user (the login limits' waits, doubling,
// with LOGIN_LIMIT_PER_EMAIL failures allowed first). A used challenge is spent.
@Injectable()
export class SecondFactorLimiter implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly limits: LoginLimits;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.limits = config.login;
    this.redis = quietRedisErrors(
      new Redis(config.redisUrl, {
        keyPrefix: `${config.redisPrefix}:second-factor:`,
        maxRetriesPerRequest: 2,
        // A Redis that stops answering refuses the request (503) instead of holding it.
        commandTimeout: REQUEST_COMMAND_TIMEOUT_MS,
      }),
      'second-factor counters',
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit();
  }

  // Refuses a spent challenge (401) and a user made to wait (429); checks no code.
  async checkAllowed(userId: string, challengeId: string): Promise<void> {
    const [wait, failures, spent] = await this.counted(() =>
      Promise.all([
        this.redis.pttl(`wait:user:${userId}`),
        this.redis.get(`failures:challenge:${challengeId}`),
        this.redis.exists(`spent:challenge:${challengeId}`),
      ]),
    );
    if (spent === 1 || Number(failures ?? 0) >= WRONG_CODES_PER_CHALLENGE) {
      throw secondFactorError('second-factor-challenge-spent');
    }
    if (wait > 0) {
      this.metrics.loginFailed('second_factor_throttled');
      const seconds = Math.ceil(wait / 1000);
      throw tooManyRequests(
        `Too many wrong codes for this account: try again in ${seconds} seconds.`,
        seconds,
        {
          name: 'second-factor-user',
          quota: this.limits.perEmailLimit,
          windowSeconds: failureMemorySeconds(this.limits),
        },
      );
    }
  }

  // The user's failures in a row, this one included.
  async recordFailure(userId: string, challengeId: string): Promise<number> {
    const memory = failureMemorySeconds(this.limits);
    const results = await this.counted(() =>
      this.redis
        .multi()
        .incr(`failures:user:${userId}`)
        .expire(`failures:user:${userId}`, memory)
        .incr(`failures:challenge:${challengeId}`)
        .expire(`failures:challenge:${challengeId}`, CHALLENGE_TTL_SECONDS)
        .exec(),
    );
    const failures = Number(results?.[0]?.[1] ?? 0);
    const wait = waitAfterFailures(failures, this.limits.perEmailLimit, this.limits);
    if (wait > 0) {
      await this.counted(() => this.redis.set(`wait:user:${userId}`, '1', 'EX', wait));
    }
    return failures;
  }

  async recordSuccess(userId: string, challengeId: string): Promise<void> {
    await this.counted(() =>
      this.redis
        .multi()
        .del(`failures:user:${userId}`, `wait:user:${userId}`)
        .set(`spent:challenge:${challengeId}`, '1', 'EX', CHALLENGE_TTL_SECONDS)
        .exec(),
    );
  }

  // Without its counters no code is checked: guesses would go uncounted.
  private async counted<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch {
      throw authError('login-limits-unavailable');
    }
  }
}
