import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

// Who is trying, as a Redis key: the email hashed, so the store holds nobody's address and keys
// stay short whatever was typed; the same for any case or surrounding spaces.
export function emailKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
}

export interface WindowCount {
  count: number;
  // Seconds until the window ends and the count starts again (at least 1).
  secondsLeft: number;
}

// One more attempt against each key, counted over a fixed window that opens with its first
// attempt, in one round trip: every attempt counts, allowed or not.
export async function countInWindows(
  redis: Redis,
  keys: readonly string[],
  windowSeconds: number,
): Promise<WindowCount[]> {
  const batch = redis.multi();
  for (const key of keys) {
    batch.incr(key).expire(key, windowSeconds, 'NX').ttl(key);
  }
  const results = await batch.exec();
  const number = (i: number) => Number(results?.[i]?.[1] ?? 0);
  return keys.map((_key, i) => ({
    count: number(3 * i),
    secondsLeft: Math.max(1, number(3 * i + 2)),
  }));
}
