import type Redis from 'ioredis';
import type { LoginLimits } from '../config/app-config';
import { failureMemorySeconds, waitAfterFailures } from './login-limit.rules';

// A count of failures and the wait it begins at its limit, as Redis keys.
export interface FailureCounter {
  failures: string;
  wait: string;
  limit: number;
}

// The one rule of both sign-in steps (password, then second-factor code): a wrong answer is
// answered as wrong, the one that reaches a limit too, and begins the wait; only an attempt made
// while a wait runs is refused (429 with Retry-After), before anything else about it is checked.

// Milliseconds left of each counter's wait; 0 where none runs.
export async function waitsLeft(
  redis: Redis,
  counters: readonly Pick<FailureCounter, 'wait'>[],
): Promise<number[]> {
  const left = await Promise.all(counters.map((counter) => redis.pttl(counter.wait)));
  return left.map((ms) => Math.max(0, ms));
}

// One more failure on each counter, remembered for failureMemorySeconds after the last; a
// counter at or past its limit begins its wait (doubling with each further failure). Answers
// each counter's failures, this one included.
export async function countFailure(
  redis: Redis,
  counters: readonly FailureCounter[],
  limits: LoginLimits,
): Promise<number[]> {
  const memory = failureMemorySeconds(limits);
  const batch = redis.multi();
  for (const counter of counters) {
    batch.incr(counter.failures).expire(counter.failures, memory);
  }
  const results = await batch.exec();
  const failures = counters.map((_counter, i) => Number(results?.[2 * i]?.[1] ?? 0));
  const waits = redis.multi();
  counters.forEach((counter, i) => {
    const seconds = waitAfterFailures(failures[i], counter.limit, limits);
    if (seconds > 0) {
      waits.set(counter.wait, '1', 'EX', seconds);
    }
  });
  await waits.exec();
  return failures;
}
