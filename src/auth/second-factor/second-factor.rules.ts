import { createHash } from 'node:crypto';
import { Role, STAFF_ROLES } from '../../common/access';
import { DomainError } from '../../common/domain-error';
import type { AuthenticationMethod } from '../auth.service';
import { secondFactorError } from './second-factor.errors';

export const TOTP_ISSUER = 'Safer Streets grants';
// The code of the step before or after now is accepted too: a clock a little off, or a code
// typed as the 30 seconds turn. Never a step at or before the last one used (no replays).
export const TOTP_TOLERANCE_SECONDS = 30;
// How long the password step's challenge waits for a code.
export const CHALLENGE_TTL_SECONDS = 300;
// Wrong codes one challenge takes before the password must be given again.
export const WRONG_CODES_PER_CHALLENGE = 5;
export const RECOVERY_CODE_COUNT = 10;
export const SECOND_FACTOR_METHODS = ['totp', 'recovery-code'] as const;

// Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper survives.
const RECOVERY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RECOVERY_LENGTH = 10;
export const RECOVERY_CODE_PATTERN = /^[0-9A-Za-z]{5}[- ]?[0-9A-Za-z]{5}$/;

// Where a request's token stands on the second factor.
// proven: the token was issued after a code (or by SSO, whose provider does its own MFA);
// not-needed: an applicant who has not enrolled; enrolment-required: staff who have not enrolled;
// code-required: the user has a factor but the token was issued without it (before enrolling).
export type SecondFactorStanding = 'proven' | 'not-needed' | 'enrolment-required' | 'code-required';

export function secondFactorRequired(role: Role): boolean {
  return STAFF_ROLES.includes(role);
}

export function secondFactorStanding(
  role: Role,
  enrolled: boolean,
  amr: readonly AuthenticationMethod[],
): SecondFactorStanding {
  if (amr.includes('otp') || amr.includes('sso')) {
    return 'proven';
  }
  if (enrolled) {
    return 'code-required';
  }
  return secondFactorRequired(role) ? 'enrolment-required' : 'not-needed';
}

// What a route not marked @BeforeSecondFactor answers a token of this standing; null lets it in.
export function secondFactorRefusal(standing: SecondFactorStanding): DomainError | null {
  switch (standing) {
    case 'proven':
    case 'not-needed':
      return null;
    case 'enrolment-required':
      return secondFactorError('second-factor-enrolment-required');
    case 'code-required':
      return secondFactorError('second-factor-required');
  }
}

// Ten characters of the alphabet from ten random bytes (32 letters: each byte's low five bits,
// no bias), shown as two groups of five.
export function recoveryCodeFromBytes(bytes: Uint8Array): string {
  if (bytes.length < RECOVERY_LENGTH) {
    throw new Error(`A recovery code needs ${RECOVERY_LENGTH} random bytes`);
  }
  const chars = Array.from(bytes.slice(0, RECOVERY_LENGTH), (b) => RECOVERY_ALPHABET[b & 31]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

// Case, the dash and Crockford's look-alikes (O for 0, I and L for 1) do not matter.
export function normalizeRecoveryCode(input: string): string {
  return input.toUpperCase().replace(/[- ]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

// Recovery codes carry 50 random bits, so a fast hash suffices; the user id in it means one
// table of hashes fits one user only.
export function recoveryCodeHash(userId: string, code: string): string {
  return createHash('sha256')
    .update(`${userId}:${normalizeRecoveryCode(code)}`)
    .digest('hex');
}
