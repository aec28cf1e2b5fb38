import { createHash, randomBytes } from 'node:crypto';

// A refresh token is 256 random bits, base64url: nothing in it to read or forge, and too many
// possibilities to guess one, current or spent. Only its SHA-256 is stored (a fast hash is
// enough for a secret this random: there is no dictionary to try).
const REFRESH_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedRefreshToken {
  token: string;
  hash: string;
}

export function newRefreshToken(): IssuedRefreshToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

// Null for a string that cannot be one of our tokens: it is refused without a query.
export function refreshTokenHash(token: string): string | null {
  return REFRESH_TOKEN_SHAPE.test(token) ? hashRefreshToken(token) : null;
}

function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
