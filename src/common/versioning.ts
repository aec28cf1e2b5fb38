import type { FastifyReply } from 'fastify';
import { DomainError } from './domain-error';

// Optimistic concurrency: reads send the version as an ETag, edits send it back in If-Match.
// Accepts `3`, `"3"` and `W/"3"`: the version from a previous read or its ETag.
export function versionFrom(ifMatch: string | undefined, what: string): number {
  if (ifMatch === undefined) {
    throw new DomainError(
      'if-match-required',
      428,
      `Send If-Match with the ${what} version you last read, so that no one else's edit is overwritten.`,
    );
  }
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch.trim());
  if (!match) {
    throw new DomainError(
      'if-match-invalid',
      400,
      `If-Match must be the ${what} version, such as "3".`,
    );
  }
  return Number(match[1]);
}

export function withEtag<T extends { version: number }>(reply: FastifyReply, body: T): T {
  void reply.header('etag', `"${body.version}"`);
  return body;
}
