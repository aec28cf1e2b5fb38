import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { REQUEST_COMMAND_TIMEOUT_MS } from '../../queues/queues';
import { quietRedisErrors } from '../../queues/redis-errors';
import { countInWindows } from '../../common/attempt-counters';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ssoError, tooManyStarts } from './sso.errors';

// What a sign-in in progress needs back at the callback; kept here, never sent to the browser.
export interface PendingSignIn {
  codeVerifier: string;
  nonce: string;
  // Where the provider was told to send the browser back; absent: the API's own callback.
  redirectUrl?: string;
}

// A sign-in must come back from the provider within this, and comes back once.
export const PENDING_SIGN_IN_SECONDS = 600;
// Sign-ins one address may begin in that time (an office behind one address included).
export const STARTS_PER_ADDRESS = 60;

// What randomState() makes (43 base64url characters), with room for other lengths; anything
// else is not a state we issued and never reaches Redis.
const STATE_FORMAT = /^[A-Za-z0-9_-]{16,128}$/;

// Sign-ins in progress, in Redis under their `state`, so the callback may reach any API instance.
@Injectable()
export class SsoStateStore implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Connects on first use: without SSO configured this connection is never opened.
    this.redis = quietRedisErrors(
      new Redis(config.redisUrl, {
        keyPrefix: `${config.redisPrefix}:sso:`,
        maxRetriesPerRequest: 2,
        // A Redis that stops answering refuses the request (503) instead of holding it.
        commandTimeout: REQUEST_COMMAND_TIMEOUT_MS,
        lazyConnect: true,
      }),
      'SSO state',
    );
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis.status === 'wait') {
      this.redis.disconnect();
    } else {
      await this.redis.quit().catch(() => this.redis.disconnect());
    }
  }

  async begin(state: string, pending: PendingSignIn, address: string): Promise<void> {
    const [starts] = await this.reach(() =>
      countInWindows(this.redis, [`starts:${address}`], PENDING_SIGN_IN_SECONDS),
    );
    if (starts.count > STARTS_PER_ADDRESS) {
      throw tooManyStarts(starts.secondsLeft, {
        name: 'sso-start-address',
        quota: STARTS_PER_ADDRESS,
        windowSeconds: PENDING_SIGN_IN_SECONDS,
      });
    }
    await this.reach(() =>
      this.redis.set(`state:${state}`, JSON.stringify(pending), 'EX', PENDING_SIGN_IN_SECONDS),
    );
  }

  // The pending sign-in, removed in the same step: a state is good for one callback only.
  async take(state: string): Promise<PendingSignIn | undefined> {
    if (!STATE_FORMAT.test(state)) {
      return undefined;
    }
    const value = await this.reach(() => this.redis.getdel(`state:${state}`));
    return value === null ? undefined : (JSON.parse(value) as PendingSignIn);
  }

  private async reach<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch {
      throw ssoError('sso-store-unavailable');
    }
  }
}
