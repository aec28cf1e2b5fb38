import { createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { pool } from './api-baseline-db';
import { Refusal } from './api-baseline-refusal';

// The bearer token checked as the API checks it, and the user reloaded per request.

const secret = Buffer.from(process.env.JWT_SECRET ?? '', 'utf8');

const SQL = {
  user: `SELECT "u"."id", "u"."email", "u"."name", "u"."role", "u"."organisation_id", "u"."active",
           "u"."last_login_at", "u"."created_at", "u"."updated_at", "u"."version",
           "u"."token_version"
         FROM "users" "u" WHERE (("u"."id" = $1) AND ("u"."active" = $2)) LIMIT 1`,
};

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

export interface User {
  id: string;
  email: string;
  role: string;
  organisation_id: string | null;
  token_version: number;
}

export async function authenticate(request: IncomingMessage): Promise<User> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) {
    throw new Refusal(401, 'unauthenticated', 'Send a bearer token.');
  }
  const claims = verifyToken(match[1]);
  const { rows } = await pool.query<User>(SQL.user, [claims.sub, true]);
  if (!rows[0]) {
    throw new Refusal(
      401,
      'account-inactive',
      'This account no longer exists or has been deactivated.',
    );
  }
  if (rows[0].token_version !== claims.ver) {
    throw new Refusal(401, 'token-revoked', 'This session was ended; log in again.');
  }
  if (rows[0].role !== 'applicant') {
    throw new Refusal(403, 'forbidden', `Your role (${rows[0].role}) may not do this.`);
  }
  return rows[0];
}
