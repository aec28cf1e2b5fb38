import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiResponseHeaders, ETAG_HEADER } from './response-headers';
import { commonError } from './common.errors';

// Optimistic concurrency: reads send the version as a strong ETag ("3"), edits send it back in
// If-Match. Accepts `"3"` and, from a client that kept only the version, `3`. A weak tag is
// refused: If-Match compares strongly (RFC 9110 §13.1.1), and a weak tag never matches so.
export function versionFrom(ifMatch: string | undefined, what: string): number {
  if (ifMatch === undefined) {
    throw commonError('if-match-required', {
      message: `Send If-Match with the ${what} version you last read, so that no one else's edit is overwritten.`,
    });
  }
  return parsedVersion(ifMatch, what);
}

// For a command where If-Match is optional: the version it names, or undefined without one.
export function optionalVersionFrom(ifMatch: string | undefined, what: string): number | undefined {
  return ifMatch === undefined ? undefined : parsedVersion(ifMatch, what);
}

function parsedVersion(ifMatch: string, what: string): number {
  const value = ifMatch.trim();
  if (value.startsWith('W/')) {
    throw commonError('if-match-weak', {
      message: `If-Match needs the strong ETag of the ${what}, such as "3", not a weak one (W/"3"): If-Match compares strongly (RFC 9110 §13.1.1). Send the ETag exactly as the last read gave it.`,
    });
  }
  const match = /^"?(\d+)"?$/.exec(value);
  if (!match) {
    throw commonError('if-match-invalid', {
      message: `If-Match must be the ${what} version, such as "3".`,
    });
  }
  return Number(match[1]);
}

export function withEtag<T extends { version: number }>(reply: FastifyReply, body: T): T {
  void reply.header('etag', etagOf(body.version));
  return body;
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

// Documents the ETag header that withEtag sends on this status (200 unless a create's 201).
export function SendsEtag(status = 200): MethodDecorator {
  return ApiResponseHeaders(status, ETAG_HEADER);
}

// A read of a versioned object: its ETag, and 304 for an If-None-Match naming it (see
// response-policy.ts, which answers it for every route that sends an ETag).
export function ReadsWithEtag(): MethodDecorator {
  return applyDecorators(
    SendsEtag(),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'The ETag last read, e.g. "3": answered 304 with no body while it is current',
    }),
    ApiResponse({ status: 304, description: 'Not modified since the ETag in If-None-Match' }),
  );
}
