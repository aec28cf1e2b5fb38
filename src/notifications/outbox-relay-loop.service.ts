import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisAvailability, ReturnWatch } from '../queues/redis-availability';
import { OutboxRelayService } from './outbox-relay.service';

// The worker's relay: new rows every MAIL_RELAY_INTERVAL_MS, and rows relayed longer ago than
// OUTBOX_SWEEP_AFTER_SECONDS again. While Redis is away it waits; when Redis returns (maybe
// empty, after a restart) every unfinished row goes back on the queue at once instead of after
// the sweep's age.
@Injectable()
export class OutboxRelayLoopService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayLoopService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private returnWatch?: ReturnWatch;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly relay: OutboxRelayService,
    private readonly redis: RedisAvailability,
  ) {}

  onApplicationBootstrap(): void {
    this.returnWatch = this.redis.onReturn(
      'unfinished email(s)',
      async () => (await this.relay.sweepAll()) + (await this.relay.relayNew()),
    );
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.relay.stop();
    clearTimeout(this.timer);
    await Promise.all([this.running, this.returnWatch?.stop()]);
  }

  private schedule(delay: number): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule(this.config.mail.relayIntervalMs));
    }, delay);
  }

  private async tick(): Promise<void> {
    if (!this.redis.isUp()) {
      return;
    }
    try {
      await this.relay.relayNew();
      const swept = await this.relay.sweep();
      if (swept > 0) {
        this.logger.log(`Sweep put ${swept} unfinished email(s) back on the queue`);
      }
    } catch (error) {
      // Database or Redis away: the rows wait, and the next tick tries again.
      this.logger.warn(`Outbox relay: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
