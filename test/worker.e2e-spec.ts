import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue, QueueEvents } from 'bullmq';
import { AppModule } from '../src/app.module';
import { watchedWorkers } from '../src/queues/bullmq-classes';
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

  it('an api-only process enqueues but starts no consumer; a worker-only process, with no HTTP server, has one per queue and consumes', async () => {
    const queue = api.app.get<Queue>(getQueueToken(QUEUES.system));
    const job = await queue.add('ping', { requestedAt: new Date().toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await job.getState()).toBe('waiting');
    expect(watchedWorkers()).toEqual([]);

    const config = testConfig({ processRole: 'worker' });
    worker = await NestFactory.createApplicationContext(AppModule.forRole(config), {
      logger: false,
    });
    const result = (await job.waitUntilFinished(events, 10_000)) as {
      answeredAt: string;
      pid: number;
    };
    expect(result.pid).toBe(process.pid);
    expect(Date.parse(result.answeredAt)).toBeGreaterThan(Date.parse(job.data.requestedAt));
    // An application context, not an HTTP application: it has no server to listen with.
    expect(worker).not.toHaveProperty('getHttpServer');
    expect(worker).not.toHaveProperty('listen');

    // One consumer per queue, each with its settings (BullMQ's defaults where none are given).
    const settings = Object.fromEntries(
      watchedWorkers().map(({ name, opts }) => [
        name,
        [opts.concurrency, opts.lockDuration, opts.stalledInterval, opts.maxStalledCount],
      ]),
    );
    const { mail, exportLimits } = config;
    const defaults = [1, 30_000, 30_000, 1];
    expect(settings).toEqual({
      ...Object.fromEntries(Object.values(QUEUES).map((name) => [name, defaults])),
      email: [mail.concurrency, mail.lockMs, mail.lockMs, 2],
      exports: [1, exportLimits.lockMs, exportLimits.lockMs, 1],
      documents: [2, 30_000, 30_000, 1],
    });
  });
});
