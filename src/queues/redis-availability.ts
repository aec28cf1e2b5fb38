import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { serviceAddress } from '../service-process/service-address';
import { quickReconnect, REQUEST_COMMAND_TIMEOUT_MS } from './queues';
import { logRedisError } from './redis-errors';
import { commonError } from '../common/common.errors';

// A ping a second; one unanswered for as long as a request's command may take means Redis is
// away even though its connection stays open (a hung host, DEBUG SLEEP, CLIENT PAUSE).
const HEARTBEAT_MS = 1_000;
const HEARTBEAT_TIMEOUT_MS = REQUEST_COMMAND_TIMEOUT_MS;
// A re-queue that fails just after Redis returns (a queue's own connection is a moment behind)
// is tried again this often, this many times in all.
const PUT_BACK_TRIES = 3;
const PUT_BACK_RETRY_MS = 1_000;

const DEFAULT_REFUSAL =
  'This needs the job and counter store (Redis), which is not answering just now; nothing was changed. Try again in a few seconds.';

// The refusal of something that needs Redis while it is away: 503, with Retry-After.
export function redisUnavailable(message = DEFAULT_REFUSAL): DomainError {
  return commonError('redis-unavailable', { message: message });
}

// What onReturn gives back: stop() unsubscribes and waits for a re-queue under way.
export interface ReturnWatch {
  stop(): Promise<void>;
}

// Whether Redis answers, as this process's own watching connection sees it: fed by the
// connection's events and a ping every second, so a request or a probe learns that Redis is
// away at once instead of waiting on a command. Emits 'up' each time Redis answers again
// ({ first } says whether it had never been up), and 'down' once per outage.
@Injectable()
export class RedisAvailability extends EventEmitter implements OnModuleDestroy {
  private readonly logger = new Logger('Redis');
  private readonly client: Redis;
  private readonly address: string;
  private readonly heartbeat: NodeJS.Timeout;
  private pinging = false;
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
      retryStrategy: quickReconnect,
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
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
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
      throw redisUnavailable();
    }
  }

  // Each time Redis answers again after an outage (and, with `firstAnswer`, when it answers
  // for the first time), `putBack` puts on the queue what Redis may have lost (it may be back
  // empty) and answers how many; the count or the failure is logged. `what` names them:
  // "unfinished export(s)".
  onReturn(
    what: string,
    putBack: () => Promise<number>,
    { firstAnswer = false }: { firstAnswer?: boolean } = {},
  ): ReturnWatch {
    let stopped = false;
    let running = Promise.resolve();
    const run = async () => {
      for (let tries = 1; ; tries++) {
        try {
          const count = await putBack();
          if (count > 0) {
            this.logger.log(`Redis is back: ${count} ${what} put back on the queue`);
          }
          return;
        } catch (error) {
          if (stopped || !this.up || tries === PUT_BACK_TRIES) {
            this.logger.warn(`Redis is back, but ${what} could not be put back: ${String(error)}`);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, PUT_BACK_RETRY_MS));
        }
      }
    };
    const onUp = ({ first }: { first: boolean }) => {
      if ((firstAnswer || !first) && !stopped) {
        running = running.then(run);
      }
    };
    this.on('up', onUp);
    return {
      stop: async () => {
        stopped = true;
        this.off('up', onUp);
        await running;
      },
    };
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
    clearInterval(this.heartbeat);
    this.removeAllListeners('up');
    this.client.disconnect();
  }

  // One ping at a time: Redis is away once one goes unanswered too long, and back once it is
  // answered. A closed connection is reported by its own events.
  private beat(): void {
    if (this.pinging || this.client.status !== 'ready') {
      return;
    }
    this.pinging = true;
    const late = setTimeout(() => {
      this.lastError = `no answer to a ping in ${HEARTBEAT_TIMEOUT_MS} ms`;
      this.markDown();
    }, HEARTBEAT_TIMEOUT_MS);
    void this.client
      .ping()
      .then(
        () => this.client.status === 'ready' && this.markUp(),
        () => undefined,
      )
      .finally(() => {
        clearTimeout(late);
        this.pinging = false;
      });
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
