import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { REQUEST_COMMAND_TIMEOUT_MS } from '../../queues/queues';
import { quietRedisErrors } from '../../queues/redis-errors';
import { APP_CONFIG, AppConfig, LoginLimits } from '../../config/app-config';
import { tooManyRequests } from '../../common/common.errors';
import { MetricsService } from '../../observability/metrics.service';
import { failureMemorySeconds } from '../login-limit.rules';
import { countFailure, FailureCounter, waitsLeft } from '../failure-waits';
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

  // Refuses a user made to wait (429), then a spent challenge (401); checks no code. The wait
  // comes first: the attempt after the one that reached the limit is told how long to wait.
  async checkAllowed(userId: string, challengeId: string): Promise<void> {
    const [[wait], failures, spent] = await this.counted(() =>
      Promise.all([
        waitsLeft(this.redis, [userCounter(userId, this.limits)]),
        this.redis.get(`failures:challenge:${challengeId}`),
        this.redis.exists(`spent:challenge:${challengeId}`),
      ]),
    );
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
    if (spent === 1 || Number(failures ?? 0) >= WRONG_CODES_PER_CHALLENGE) {
      throw secondFactorError('second-factor-challenge-spent');
    }
  }

  // The user's failures in a row, this one included.
  async recordFailure(userId: string, challengeId: string): Promise<number> {
    return this.counted(async () => {
      const [failures] = await countFailure(
        this.redis,
        [userCounter(userId, this.limits)],
        this.limits,
      );
      await this.redis
        .multi()
        .incr(`failures:challenge:${challengeId}`)
        .expire(`failures:challenge:${challengeId}`, CHALLENGE_TTL_SECONDS)
        .exec();
      return failures;
    });
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

// The user's wrong codes: the login limits' per-email allowance and waits.
function userCounter(userId: string, limits: LoginLimits): FailureCounter {
  return {
    failures: `failures:user:${userId}`,
    wait: `wait:user:${userId}`,
    limit: limits.perEmailLimit,
  };
}
