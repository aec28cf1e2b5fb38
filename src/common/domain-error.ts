import { FieldError } from './problem';
import type { RateLimitPolicy } from './rate-limit';

// A refusal the caller can act on: a stable code, an HTTP status and a sentence for a person.
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly errors?: FieldError[],
    // Extension members of the problem (RFC 9457 §3.2): numbers or lists a client may act on.
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
  }
}

// A refusal that ends by itself after a while: answered 429 with Retry-After and the RateLimit
// fields of the limit that refused it.
export class RetryLaterError extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
    readonly policy: RateLimitPolicy,
  ) {
    super(code, 429, message);
  }
}
