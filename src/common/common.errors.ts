import { DomainError, RetryLaterError } from './domain-error';
import { errorCatalogue, errorsOf } from './error-catalogue';
import type { RateLimitPolicy } from './rate-limit';

// The codes any route may answer, whatever the feature: validation's, the access guard's, the
// framework's, optimistic concurrency's, rate limits' and those of the stores the API needs.
// Features declare their own codes beside their code (`bids.errors.ts` and the like).
export const COMMON_ERRORS = errorCatalogue({
  'validation-failed': {
    status: 400,
    message: 'The request has invalid fields; see errors.',
  },
  'malformed-json': { status: 400, message: 'The request body is not valid JSON.' },
  'bad-request': { status: 400, message: 'The request could not be read.' },
  'bad-url': {
    status: 400,
    message: 'The path is not a valid URL: its percent-encoding is broken.',
  },
  'if-match-invalid': { status: 400, message: 'If-Match must be the version, such as "3".' },
  unauthenticated: {
    status: 401,
    message: 'Send a bearer token: Authorization: Bearer <token from POST /api/v1/auth/login>.',
  },
  forbidden: { status: 403, message: 'Your role may not do this.' },
  'not-found': { status: 404, message: 'No such object, or not one you may see; check the id.' },
  'route-not-found': {
    status: 404,
    message: 'There is no such route. The API is described at /api/docs.',
  },
  'request-timeout': {
    status: 408,
    message: 'The request did not arrive in time; send it whole, without pauses.',
  },
  'idempotency-key-reused': {
    status: 422,
    message:
      'This Idempotency-Key was already used for a different request; use a new key for a new one.',
  },
  'version-mismatch': {
    status: 412,
    message: 'It has changed since you read it; read it again before saving.',
  },
  'if-match-weak': {
    status: 412,
    message:
      'If-Match needs the strong ETag, such as "3", not a weak one (W/"3"): send the ETag exactly as the last read gave it.',
  },
  'payload-too-large': { status: 413, message: 'The body is bigger than this route accepts.' },
  'uri-too-long': { status: 414, message: 'A part of the path is too long; ids are UUIDs.' },
  'unsupported-media-type': { status: 415, message: 'Send the body as application/json.' },
  'already-exists': { status: 409, message: 'A record with the same values already exists.' },
  'reference-not-found': { status: 422, message: 'A referenced record does not exist.' },
  'constraint-violated': { status: 422, message: 'The change breaks a data rule; see errors.' },
  // Any other 4xx the framework answers (405, 406, ...) carries this code with its own status.
  'request-refused': { status: 400, message: 'The request was refused.' },
  'amount-out-of-range': {
    status: 422,
    message: 'An amount is too large to be handled exactly; check the amounts in pence.',
  },
  'if-match-required': {
    status: 428,
    message:
      "Send If-Match with the version you last read, so that no one else's edit is overwritten.",
  },
  'too-many-requests': {
    status: 429,
    message: 'Too many requests; wait the seconds Retry-After gives and try again.',
  },
  'headers-too-large': { status: 431, message: 'The request headers are too large.' },
  'internal-error': {
    status: 500,
    message: 'Something went wrong on our side and it has been logged.',
  },
  'database-unavailable': {
    status: 503,
    message:
      'The database did not answer, so the request could not be completed; a change is saved whole or not at all. Try again in a few seconds.',
  },
  'redis-unavailable': {
    status: 503,
    message: 'A service the API needs (Redis) is not answering; try again in a few seconds.',
  },
});

export const commonError = errorsOf(COMMON_ERRORS);

// `what` names the object in the sentence: "Bid was not found."
export function notFound(what: string): DomainError {
  return commonError('not-found', { message: `${what} was not found.` });
}

// A rate limit refused the request: answered 429 with Retry-After and the limit's RateLimit fields.
export function tooManyRequests(
  message: string,
  retryAfterSeconds: number,
  policy: RateLimitPolicy,
): RetryLaterError {
  const { code } = COMMON_ERRORS['too-many-requests'];
  return new RetryLaterError(code, message, retryAfterSeconds, policy);
}
