import { Logger } from '@nestjs/common';

const logger = new Logger('Redis');

// Errors that only say Redis is away (refused, reset, timed out, closed while waiting, a
// command unanswered). The
// availability tracker reports each outage once; these add nothing per client or per retry.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGES =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection is closed|connect ETIMEDOUT|Reached the max retries|Stream isn't writeable|Socket closed unexpectedly|Command timed out/i;

export function isRedisConnectionError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
    return true;
  }
  return typeof message === 'string' && CONNECTION_MESSAGES.test(message);
}

const REPEAT_AFTER_MS = 60_000;
const lastLogged = new Map<string, number>();

// The one `error` listener every Redis client of ours and of BullMQ's gets (an EventEmitter
// without one throws, and ioredis prints "Unhandled error event" for every retry). Connection
// errors are left to the availability tracker; anything else is logged once a minute at most.
export function logRedisError(source: string, error: unknown): void {
  if (isRedisConnectionError(error)) {
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  const key = `${source}: ${message}`;
  const now = Date.now();
  if ((lastLogged.get(key) ?? 0) + REPEAT_AFTER_MS > now) {
    return;
  }
  lastLogged.set(key, now);
  logger.warn(key);
}

export function quietRedisErrors<
  T extends { on(event: 'error', listener: (e: Error) => void): unknown },
>(client: T, source: string): T {
  client.on('error', (error: Error) => logRedisError(source, error));
  return client;
}
