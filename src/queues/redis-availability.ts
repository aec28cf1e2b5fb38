import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { serviceAddress } from '../service-process/service-address';
import { logRedisError } from './redis-errors';

// Whether Redis answers, as this process's own watching connection sees it: fed by the
// connection's events, so a request or a probe learns that Redis is away at once instead of
// waiting on a command. Emits 'up' each time the connection becomes ready ({ first } says
// whether it had never been up), and 'down' once per outage.
@Injectable()
export class RedisAvailability extends EventEmitter implements OnModuleDestroy {
  private readonly logger = new Logger('Redis');
  private readonly client: Redis;
  private readonly address: string;
  private up = false;
  private everUp = false;
  private lastError = 'not connected yet';
  // Set as the process stops: its own connection closing is no outage to warn about.
  private closing = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.address = serviceAddress(config.redisUrl);
    this.client = new Redis(config.redisUrl, {
      // A quick, steady retry: the tracker should notice the return within a second.
      retryStrategy: (times) => Math.min(times * 100, 1_000),
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2_000,
    });
    this.client.on('ready', () => this.markUp());
    this.client.on('error', (error: Error) => {
      this.lastError = error.message || (error as { code?: string }).code || String(error);
      logRedisError('availability', error);
    });
    this.client.on('close', () => this.markDown());
    this.client.on('end', () => this.markDown());
  }

  isUp(): boolean {
    return this.up;
  }

  // The one line a start that gave up on Redis prints.
  startupFailure(): string {
    return `Cannot reach Redis at ${this.address} (REDIS_URL): ${this.lastError}`;
  }

  // Why Redis is taken for away, for a probe or the start-up's one line.
  problem(): string {
    return this.up ? '' : `Redis at ${this.address} (REDIS_URL) is unavailable: ${this.lastError}`;
  }

  // The refusal of a request that needs Redis while it is away: nothing has been written.
  assertUp(): void {
    if (!this.up) {
      throw new DomainError(
        'redis-unavailable',
        503,
        'This needs the job and counter store (Redis), which is not answering just now; nothing was changed. Try again in a few seconds.',
      );
    }
  }

  // Resolves true once Redis is up, false when ms pass first.
  whenUp(ms: number): Promise<boolean> {
    if (this.up) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.off('up', onUp);
        resolve(false);
      }, ms);
      const onUp = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.once('up', onUp);
    });
  }

  // A round trip on the watching connection, bounded: for the readiness probe.
  async ping(timeoutMs: number): Promise<void> {
    this.assertUp();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.ping(),
        new Promise((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error(`Redis did not answer in ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  onModuleDestroy(): void {
    this.closing = true;
    this.removeAllListeners('up');
    this.client.disconnect();
  }

  private markUp(): void {
    if (this.up) {
      return;
    }
    const first = !this.everUp;
    this.up = true;
    this.everUp = true;
    if (!first) {
      this.logger.log(`Redis at ${this.address} answers again`);
    }
    this.emit('up', { first });
  }

  private markDown(): void {
    if (!this.up) {
      return;
    }
    this.up = false;
    if (this.closing) {
      return;
    }
    this.logger.warn(
      `Redis at ${this.address} (REDIS_URL) went away; routes that need it answer 503 until it is back`,
    );
    this.emit('down');
  }
}
