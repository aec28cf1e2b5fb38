import type { SessionLimits } from '../../config/app-config';

// Why a session was ended by someone (a session past its time limits or its user's token
// version is over without being ended: see sessionState).
export const SESSION_END_REASONS = [
  'logout',
  'ended-by-user',
  'ended-by-admin',
  'refresh-token-reused',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

export interface SessionFacts {
  tokenVersion: number;
  createdAt: Date;
  lastUsedAt: Date;
  endedAt: Date | null;
}

// live: usable. ended: someone ended it. revoked: the user's token version moved on (a password,
// role, organisation or status change). idle: unused past the idle timeout. expired: past the
// absolute lifetime.
export type SessionState = 'live' | 'ended' | 'revoked' | 'idle' | 'expired';

// The earliest sign-in and the earliest last use a session live at `now` can have: the one
// statement of the time limits, read by sessionState and by the queries that list live sessions.
export function liveSince(
  now: Date,
  limits: SessionLimits,
): { createdAfter: Date; usedAfter: Date } {
  return {
    createdAfter: new Date(now.getTime() - limits.absoluteSeconds * 1000),
    usedAfter: new Date(now.getTime() - limits.idleSeconds * 1000),
  };
}

export function sessionState(
  session: SessionFacts,
  userTokenVersion: number,
  now: Date,
  limits: SessionLimits,
): SessionState {
  if (session.endedAt !== null) {
    return 'ended';
  }
  if (session.tokenVersion !== userTokenVersion) {
    return 'revoked';
  }
  const { createdAfter, usedAfter } = liveSince(now, limits);
  if (session.createdAt <= createdAfter) {
    return 'expired';
  }
  if (session.lastUsedAt <= usedAfter) {
    return 'idle';
  }
  return 'live';
}

// Whole seconds a refresh token used at `usedAt` stays usable: to the idle timeout, or to the
// end of the session's lifetime if that comes first.
export function refreshExpiresIn(
  session: Pick<SessionFacts, 'createdAt'>,
  usedAt: Date,
  limits: SessionLimits,
): number {
  const idleEnd = usedAt.getTime() + limits.idleSeconds * 1000;
  const lifetimeEnd = session.createdAt.getTime() + limits.absoluteSeconds * 1000;
  return Math.max(0, Math.floor((Math.min(idleEnd, lifetimeEnd) - usedAt.getTime()) / 1000));
}

export const DEVICE_LABEL_MAX_LENGTH = 200;

// What a person recognises their device by in their list of sessions: the User-Agent header,
// without control characters, runs of spaces or anything past DEVICE_LABEL_MAX_LENGTH.
export function deviceLabel(userAgent: string | undefined): string | null {
  const label = (userAgent ?? '')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (label === '') {
    return null;
  }
  // By code point, so a character outside the BMP is never cut in half.
  const characters = Array.from(label);
  return characters.length > DEVICE_LABEL_MAX_LENGTH
    ? `${characters.slice(0, DEVICE_LABEL_MAX_LENGTH - 1).join('')}…`
    : label;
}
