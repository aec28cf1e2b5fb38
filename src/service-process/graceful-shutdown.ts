import type { Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { watchedWorkers } from '../queues/bullmq-classes';

// SIGTERM stops the process within 10 s whatever state it is in. Every step is bounded by the
// time left before one deadline, less what the later steps are promised, so a slow step shortens
// the next ones instead of pushing the whole past the backstop.
export const BACKSTOP_MS = 9_000;
// Steps end by this much before the backstop: time for the last lines and the exit.
const MARGIN_MS = 500;
// At most, each: in-flight requests draining; running jobs finishing by themselves; jobs asked
// to stop doing so; each small BullMQ call (pause, hand back, close).
const HTTP_DRAIN_MS = 3_000;
const JOBS_FINISH_MS = 3_000;
const JOBS_STOP_MS = 1_000;
const WORKER_CALL_MS = 500;
// Always kept for closing through Nest (database pool, Redis, outbox relay, schedulers), then the
// probe server.
const APP_CLOSE_MS = 1_500;
const PROBES_CLOSE_MS = 250;

// Resolves with the promise, or with false once ms pass: a step that hangs does not hold the rest.
async function bounded<T>(promise: Promise<T>, ms: number): Promise<T | false> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, ms));
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

// The time left before the deadline once `reserved` is kept back for later steps, at most `cap`.
type Budget = (cap: number, reserved: number) => number;

// The process's own stop, in place of Nest's enableShutdownHooks (which waits as long as the
// slowest job and closes the database before in-flight requests have finished):
// 1. stop accepting connections and let in-flight requests finish (at most HTTP_DRAIN_MS, or
//    all the time the later steps leave in a process without workers);
// 2. stop taking jobs; let running ones finish for JOBS_FINISH_MS; then ask them to stop (a job
//    that stops goes back to the waiting list for another worker once it has stopped, never
//    while it still runs here); the rest keep their lock, which lapses once this process has
//    gone (BullMQ's stalled check hands them out again), except where a second run waits for
//    the first by itself (email), which go back at once;
// 3. close the rest through Nest (outbox relay, schedulers, database pool, Redis connections);
// 4. close the probe server and exit 0. A backstop timer exits (1) at BACKSTOP_MS whatever
//    still hangs.
// A signal during start-up stops whatever workers have begun taking jobs, then exits.
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
    const deadline = Date.now() + BACKSTOP_MS - MARGIN_MS;
    const budget: Budget = (cap, reserved) => Math.min(cap, deadline - reserved - Date.now());
    let step = 'starting';
    const backstop = setTimeout(() => {
      this.logger.error(`Did not stop within ${BACKSTOP_MS / 1000} s (${step}); exiting now`);
      process.exit(1);
    }, BACKSTOP_MS);
    if (!this.running) {
      // Still starting: workers may already have taken jobs; nothing has been served.
      this.logger.log(`${reason} while starting: exiting`);
      step = 'stopping the workers';
      await this.stopWorkers(budget);
      process.exit(0);
    }
    const { app, http, probes } = this.running;
    this.logger.log(`${reason}: stopping`);
    if (http) {
      step = 'finishing in-flight requests';
      // A process with no workers (PROCESS_ROLE=api) has no jobs to stop: its requests may use
      // the time the workers' steps would have had.
      const drain =
        watchedWorkers().length > 0
          ? budget(HTTP_DRAIN_MS, JOBS_STOP_MS + 3 * WORKER_CALL_MS + APP_CLOSE_MS)
          : budget(Infinity, APP_CLOSE_MS + PROBES_CLOSE_MS);
      if ((await this.drain(http, drain)) === false) {
        this.logger.warn(`Requests still running after ${drain} ms are cut off`);
        http.getHttpServer().closeAllConnections();
      }
    }
    step = 'stopping the workers';
    await this.stopWorkers(budget);
    step = 'closing connections';
    await bounded(app.close(), budget(Infinity, PROBES_CLOSE_MS));
    if (probes) {
      step = 'closing the probe server';
      probes.closeAllConnections();
      await bounded(
        new Promise<void>((resolve) => probes.close(() => resolve())),
        budget(Infinity, 0),
      );
    }
    clearTimeout(backstop);
    this.logger.log('Stopped');
    process.exit(0);
  }

  // Stops listening and waits for the requests in flight; a kept-alive connection whose request
  // has been answered is closed as soon as it is idle, instead of holding the close until its
  // keep-alive timeout.
  private async drain(http: NestFastifyApplication, ms: number): Promise<unknown> {
    const server = http.getHttpServer();
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    try {
      return await bounded(http.getHttpAdapter().getInstance().close(), ms);
    } finally {
      clearInterval(idle);
    }
  }

  private async stopWorkers(budget: Budget): Promise<void> {
    const workers = watchedWorkers();
    if (workers.length === 0) {
      return;
    }
    const later = APP_CLOSE_MS + PROBES_CLOSE_MS;
    const idle = () => Promise.all(workers.map((worker) => worker.whenIdle()));
    await bounded(
      Promise.all(workers.map((worker) => worker.pause(true))),
      budget(WORKER_CALL_MS, later),
    );
    const finishing = budget(JOBS_FINISH_MS, JOBS_STOP_MS + 2 * WORKER_CALL_MS + later);
    if ((await bounded(idle(), finishing)) === false) {
      workers.forEach((worker) => worker.stopRunning());
      await bounded(idle(), budget(JOBS_STOP_MS, 2 * WORKER_CALL_MS + later));
      const stillRunning = await bounded(
        Promise.all(workers.map((worker) => worker.handBackStillRunning())),
        budget(WORKER_CALL_MS, WORKER_CALL_MS + later),
      );
      const handedBack = stillRunning === false ? [] : stillRunning.flatMap((r) => r.handedBack);
      const left = stillRunning === false ? [] : stillRunning.flatMap((r) => r.left);
      this.logger.warn(
        `Jobs still running after ${Math.round(finishing / 100) / 10} s were asked to stop and ` +
          'handed back to the queue as they stopped' +
          (handedBack.length > 0
            ? `; handed back while still running: ${handedBack.join(', ')}`
            : '') +
          (left.length > 0 ? `; left to their lock, which lapses: ${left.join(', ')}` : ''),
      );
    }
    await bounded(
      Promise.all(workers.map((worker) => worker.close(true))),
      budget(WORKER_CALL_MS, later),
    );
  }
}
