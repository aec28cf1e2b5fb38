import type { Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { watchedWorkers } from '../queues/bullmq-classes';

// SIGTERM stops the process within 10 s whatever state it is in; these budgets add up to less.
export const BACKSTOP_MS = 9_000;
const HTTP_DRAIN_MS = 3_000;
const JOBS_FINISH_MS = 3_000;
const RELEASE_MS = 1_000;

// Resolves with the promise, or with false once ms pass: a step that hangs does not hold the rest.
async function bounded<T>(promise: Promise<T>, ms: number): Promise<T | false> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

interface Running {
  app: INestApplicationContext;
  http?: NestFastifyApplication;
  probes?: Server;
}

// The process's own stop, in place of Nest's enableShutdownHooks (which waits as long as the
// slowest job and closes the database before in-flight requests have finished):
// 1. stop accepting connections and let in-flight requests finish (at most HTTP_DRAIN_MS);
// 2. stop taking jobs; let running ones finish for JOBS_FINISH_MS, then put the rest back in
//    the waiting list for another worker (or, with Redis away, let their lock lapse: BullMQ's
//    stalled check hands them out again);
// 3. close the rest through Nest (outbox relay, schedulers, database pool, Redis connections);
// 4. exit 0. A backstop timer exits (1) at BACKSTOP_MS whatever still hangs.
export class GracefulShutdown {
  private readonly logger = new Logger('Shutdown');
  private running?: Running;
  private stopping = false;

  listen(): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void this.stop(signal));
    }
  }

  started(running: Running): void {
    this.running = running;
  }

  async stop(reason: string): Promise<void> {
    if (this.stopping) {
      return;
    }
    this.stopping = true;
    const stopStarted = Date.now();
    let step = 'starting';
    const backstop = setTimeout(() => {
      this.logger.error(`Did not stop within ${BACKSTOP_MS / 1000} s (${step}); exiting now`);
      process.exit(1);
    }, BACKSTOP_MS);
    if (!this.running) {
      // Still starting: nothing has been served or taken yet.
      this.logger.log(`${reason} while starting: exiting`);
      process.exit(0);
    }
    const { app, http, probes } = this.running;
    this.logger.log(`${reason}: stopping`);
    if (http) {
      step = 'finishing in-flight requests';
      if ((await bounded(http.getHttpAdapter().getInstance().close(), HTTP_DRAIN_MS)) === false) {
        this.logger.warn(`Requests still running after ${HTTP_DRAIN_MS / 1000} s are cut off`);
      }
    }
    step = 'stopping the workers';
    await this.stopWorkers();
    step = 'closing connections';
    await bounded(app.close(), Math.max(0, BACKSTOP_MS - 1_000 - (Date.now() - stopStarted)));
    await new Promise<void>((resolve) => (probes ? probes.close(() => resolve()) : resolve()));
    probes?.closeAllConnections();
    clearTimeout(backstop);
    this.logger.log('Stopped');
    process.exit(0);
  }

  private async stopWorkers(): Promise<void> {
    const workers = watchedWorkers();
    await Promise.all(workers.map(({ worker }) => bounded(worker.pause(true), RELEASE_MS)));
    const finished = await bounded(
      Promise.all(workers.map((watched) => watched.whenIdle())),
      JOBS_FINISH_MS,
    );
    if (finished === false) {
      const released = await bounded(
        Promise.all(workers.map((watched) => watched.releaseActiveJobs())),
        RELEASE_MS,
      );
      const ids = released === false ? [] : released.flat();
      this.logger.warn(
        `Jobs still running after ${JOBS_FINISH_MS / 1000} s were handed back to the queue` +
          (ids.length > 0 ? `: ${ids.join(', ')}` : ' (their locks lapse if Redis is away)'),
      );
    }
    await bounded(Promise.all(workers.map(({ worker }) => worker.close(true))), RELEASE_MS);
  }
}
