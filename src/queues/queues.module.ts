import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WatchedQueue } from './bullmq-classes';
import { NeedsRedisGuard } from './needs-redis.guard';
import { producerConnection, QUEUES, queuePrefix, redisConnection } from './queues';
import { RedisAvailability } from './redis-availability';

// Queues get their `error` listener as they are made. @nestjs/bullmq gives the queues only:
// every consumer builds its own worker (src/queues/queue-consumer.ts).
BullModule.queueClass = WatchedQueue;

// Producers (api) and consumers (worker) share the connection settings and the key prefix.
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: redisConnection(config),
        prefix: queuePrefix(config),
      }),
    }),
    // The queues jobs are added to fail fast (producerConnection); workers keep waiting.
    ...Object.values(QUEUES).map((name) =>
      BullModule.registerQueueAsync({
        name,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig) => ({ connection: producerConnection(config) }),
      }),
    ),
  ],
  providers: [RedisAvailability, { provide: APP_GUARD, useClass: NeedsRedisGuard }],
  exports: [BullModule, RedisAvailability],
})
export class QueuesModule {}
