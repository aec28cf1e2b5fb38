import { applyDecorators } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';
import { ApiResponseHeaders, RATE_LIMIT_HEADERS } from './response-headers';

// A limit as the IETF RateLimit fields describe it (draft-ietf-httpapi-ratelimit-headers):
// `quota` requests (for our limiters: failures or requests counted) per `windowSeconds`.
export interface RateLimitPolicy {
  name: string;
  quota: number;
  windowSeconds: number;
}

// The headers of a 429: Retry-After (RFC 9110 §10.2.3) and the draft's RateLimit fields, which
// are structured-field lists: `"name";r=0;t=30` and `"name";q=5;w=1800`.
export function rateLimitHeaders(
  policy: RateLimitPolicy,
  retryAfterSeconds: number,
): Record<string, string> {
  const name = JSON.stringify(policy.name);
  return {
    'retry-after': String(retryAfterSeconds),
    ratelimit: `${name};r=0;t=${retryAfterSeconds}`,
    'ratelimit-policy': `${name};q=${policy.quota};w=${policy.windowSeconds}`,
  };
}

// The 429 of a limited route, with its headers documented.
export function ApiRateLimitedResponse(description: string): MethodDecorator {
  return applyDecorators(
    ApiTooManyRequestsResponse({ type: ProblemDto, description }),
    ApiResponseHeaders(429, RATE_LIMIT_HEADERS),
  );
}
