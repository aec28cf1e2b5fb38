import { createHash } from 'node:crypto';
import { ApiHeader } from '@nestjs/swagger';
import { RequestValidationError } from './validation';

// Idempotency-Key on a request that makes something (a bid, an export): a retry carrying the
// same key answers what the first made, and makes nothing more. The key is kept with what it
// made, beside a hash of the request it came with, so the key reused for a different request is
// refused rather than answered with the wrong object.

export function idempotencyKeyFrom(value: string | undefined): string | undefined {
  if (value !== undefined && !/^[\x21-\x7e]{1,200}$/.test(value)) {
    throw new RequestValidationError([
      {
        field: 'Idempotency-Key',
        message: 'Idempotency-Key must be 1 to 200 visible ASCII characters, such as a UUID',
      },
    ]);
  }
  return value;
}

export const IdempotencyKeyHeader = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Any unique string, such as a UUID; a retry with the same key repeats nothing',
  });

// What identifies the request a key came with.
export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}
