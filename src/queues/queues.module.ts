import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { QUEUES } from './queues';

// Producers (api) and consumers (worker) share the connection settings and the key prefix.
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.redisUrl, maxRetriesPerRequest: null },
        prefix: `${config.redisPrefix}:bull`,
      }),
    }),
    BullModule.registerQueue({ name: QUEUES.system }),
  ],
  exports: [BullModule],
})
export class QueuesModule {}
