import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

// Latency at a fixed offered load, open loop: request n is due at start + n / rate whether or not
// the earlier ones have been answered, and its latency runs from when it was due, not from when
// it went out. A closed-loop client (autocannon's connections, each waiting for its answer before
// the next) sends less when the server slows down and so never sees the queue it would have met
// (coordinated omission). Here a server that cannot keep up shows as a growing latency and an
// answered rate below the offered one, and a driver that falls behind its own schedule (a busy
// event loop) shows as send lag, which is counted in the latency rather than hidden.

export interface OpenLoopRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OpenLoopRun {
  offeredRps: number;
  // Answers over the time from the first due time to the last answer.
  answeredRps: number;
  sent: number;
  p50: number;
  p99: number;
  // The p99 counted from when each request actually went out: beside p99, it shows how much of
  // the tail was the driver's own lateness.
  p99FromSend: number;
  max: number;
  non2xx: number;
  errors: number;
  // How late the driver itself sent (99th percentile, ms behind schedule).
  sendLagP99: number;
  // Every request answered, at 95% of the offered rate or better.
  met: boolean;
}

const TIMEOUT_MS = 30_000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

export async function offerFixedRate(
  base: string,
  rate: number,
  seconds: number,
  nth: (n: number) => OpenLoopRequest,
): Promise<OpenLoopRun> {
  const url = new URL(base);
  // Enough sockets that a slow server's backlog waits at the server, not in the driver.
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const total = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  const fromSend: number[] = [];
  const lags: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let lastAnswer = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const send = (n: number, due: number) =>
    new Promise<void>((resolve) => {
      const spec = nth(n);
      const sentAt = performance.now();
      lags.push(sentAt - due);
      const finish = (ok: boolean, status = 0) => {
        const now = performance.now();
        lastAnswer = Math.max(lastAnswer, now);
        if (!ok) {
          errors += 1;
        } else {
          if (status < 200 || status > 299) {
            non2xx += 1;
          }
          latencies.push(now - due);
          fromSend.push(now - sentAt);
        }
        resolve();
      };
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: spec.method,
          path: spec.path,
          agent,
          headers: spec.body
            ? { ...spec.headers, 'content-length': Buffer.byteLength(spec.body) }
            : spec.headers,
          timeout: TIMEOUT_MS,
        },
        (response) => {
          response.resume();
          response.on('end', () => finish(true, response.statusCode ?? 0));
          response.on('error', () => finish(false));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', () => finish(false));
      request.end(spec.body);
    });
  let n = 0;
  while (n < total) {
    const due = start + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    // Everything due by now goes out at once: a late timer does not thin the load.
    const now = performance.now();
    while (n < total && start + (n * 1000) / rate <= now) {
      pending.push(send(n, start + (n * 1000) / rate));
      n += 1;
    }
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  fromSend.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const answeredRps = latencies.length / ((lastAnswer - start) / 1000);
  return {
    offeredRps: round1(rate),
    answeredRps: round1(answeredRps),
    sent: total,
    p50: round1(percentile(latencies, 0.5)),
    p99: round1(percentile(latencies, 0.99)),
    p99FromSend: round1(percentile(fromSend, 0.99)),
    max: round1(latencies[latencies.length - 1] ?? 0),
    non2xx,
    errors,
    sendLagP99: round1(percentile(lags, 0.99)),
    met: errors === 0 && latencies.length === total && answeredRps >= 0.95 * rate,
  };
}
