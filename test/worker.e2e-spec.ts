import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue, QueueEvents } from 'bullmq';
import { AppModule } from '../src/app.module';
import { QUEUES } from '../src/queues/queues';
import { startApp, TestApp, testConfig } from './support/app';

describe('process roles', () => {
  let api: TestApp;
  let worker: INestApplicationContext | undefined;
  let events: QueueEvents;
  beforeAll(async () => {
    api = await startApp({ processRole: 'api' });
    const config = testConfig();
    events = new QueueEvents(QUEUES.system, {
      connection: { url: config.redisUrl },
      prefix: `${config.redisPrefix}:bull`,
    });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events.close();
    await worker?.close();
    await api.close();
  });

  it('an api-only process enqueues but does not consume; a worker-only process, with no HTTP server, does', async () => {
    const queue = api.app.get<Queue>(getQueueToken(QUEUES.system));
    const job = await queue.add('ping', { requestedAt: new Date().toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await job.getState()).toBe('waiting');

    worker = await NestFactory.createApplicationContext(
      AppModule.forRole(testConfig({ processRole: 'worker' })),
      { logger: false },
    );
    const result = (await job.waitUntilFinished(events, 10_000)) as {
      answeredAt: string;
      pid: number;
    };
    expect(result.pid).toBe(process.pid);
    expect(Date.parse(result.answeredAt)).toBeGreaterThan(Date.parse(job.data.requestedAt));
    // An application context, not an HTTP application: it has no server to listen with.
    expect(worker).not.toHaveProperty('getHttpServer');
    expect(worker).not.toHaveProperty('listen');
  });
});
