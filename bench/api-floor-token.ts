import { createHmac, timingSafeEqual } from 'node:crypto';
import { Refusal } from './api-floor-refusal';

// The floor's bearer token check: the signature and claims checked as the API checks them.

const secret = Buffer.from(process.env.JWT_SECRET ?? '', 'utf8');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// HS256 JWT as @nestjs/jwt signs them: signature and expiry checked, the subject returned.
export function verifyToken(token: string): { sub: string; ver: number } {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) {
    throw new Refusal(401, 'token-invalid', 'The bearer token is not valid; log in again.');
  }
  const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (
    head.alg !== 'HS256' ||
    given.length !== expected.length ||
    !timingSafeEqual(given, expected)
  ) {
    throw new Refusal(401, 'token-invalid', 'The bearer token is not valid; log in again.');
  }
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    sub?: unknown;
    ver?: unknown;
    exp?: unknown;
  };
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) {
    throw new Refusal(401, 'token-expired', 'Your session has expired; log in again.');
  }
  if (
    typeof claims.exp !== 'number' ||
    typeof claims.sub !== 'string' ||
    !UUID.test(claims.sub) ||
    typeof claims.ver !== 'number'
  ) {
    throw new Refusal(401, 'token-invalid', 'The bearer token is not valid; log in again.');
  }
  return { sub: claims.sub, ver: claims.ver };
}
