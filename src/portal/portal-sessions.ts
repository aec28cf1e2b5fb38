import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Session } from '@safer-streets-grants/client';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { REQUEST_COMMAND_TIMEOUT_MS } from '../queues/queues';
import { quietRedisErrors } from '../queues/redis-errors';

// Who is signed in, as the pages show them.
export interface PortalUser {
  name: string;
  email: string;
  role: string;
  // An applicant's organisation type ('pcc' shows the endorsement pages).
  organisationType?: string;
  // An applicant's organisation (pages that are only the bidder's own, like a bid's receipt).
  organisationId?: string;
}

// What the portal keeps for one browser, in Redis under a hash of the cookie's random id; the
// browser holds only that id (HttpOnly), never the API's tokens.
export interface PortalSession {
  // The API's tokens once signed in.
  tokens?: Session;
  user?: PortalUser;
  // A password accepted and a second-factor code awaited: the API's challenge and its end.
  challenge?: { value: string; expiresAt: number };
  // Where to go once signed in (a portal path).
  returnTo?: string;
  // A single sign-on begun in this browser: its state, which the provider's callback must bring.
  ssoState?: string;
  // A second factor being enrolled: what the app needs, kept until a code confirms it, so a
  // mistyped code does not cost the person the secret they have already scanned.
  enrolment?: { otpauthUri: string; secret: string; recoveryCodes: string[] };
}

// A session id is 32 random bytes, base64url; anything else never reaches Redis.
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
// How long a refresh may hold the session's lock; a second request waits for it this long.
const REFRESH_LOCK_MS = 10_000;
const REFRESH_WAIT_STEP_MS = 50;

// The portal's sessions. One browser may send several requests at once (two tabs), and each
// refresh token works once at the API (a second use ends the session), so a refresh is taken
// under a lock in Redis and the others wait for its result: every API instance shares it.
@Injectable()
export class PortalSessions implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly lifetimeSeconds: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = quietRedisErrors(
      new Redis(config.redisUrl, {
        keyPrefix: `${config.redisPrefix}:portal:`,
        maxRetriesPerRequest: 2,
        commandTimeout: REQUEST_COMMAND_TIMEOUT_MS,
        lazyConnect: true,
      }),
      'portal sessions',
    );
    // The API ends a session at its absolute limit whatever the portal does; nothing is kept
    // longer than that.
    this.lifetimeSeconds = config.sessions.absoluteSeconds;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis.status === 'wait') {
      this.redis.disconnect();
    } else {
      await this.redis.quit().catch(() => this.redis.disconnect());
    }
  }

  // A new id (on every sign-in step, so an id seen before signing in is never a signed-in one).
  async begin(session: PortalSession): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.save(id, session);
    return id;
  }

  async read(id: string | undefined): Promise<PortalSession | undefined> {
    if (!id || !SESSION_ID.test(id)) {
      return undefined;
    }
    const value = await this.redis.get(key(id));
    return value === null ? undefined : (JSON.parse(value) as PortalSession);
  }

  async save(id: string, session: PortalSession): Promise<void> {
    await this.redis.set(key(id), JSON.stringify(session), 'EX', this.lifetimeSeconds);
  }

  async end(id: string | undefined): Promise<void> {
    if (id && SESSION_ID.test(id)) {
      await this.redis.del(key(id));
    }
  }

  // The tokens of session `id` (as `current`, just read), refreshed first when the access token
  // is about to run out. `refresh` exchanges the refresh token at the API (null when it
  // refuses); only one request at a time does, the others wait and take what it stored.
  async freshTokens(
    id: string,
    current: PortalSession,
    refresh: (tokens: Session) => Promise<Session | null>,
  ): Promise<Session | undefined> {
    if (!current.tokens || !runsOutSoon(current.tokens.accessToken)) {
      return current.tokens;
    }
    const lock = `refresh:${hashed(id)}`;
    const deadline = Date.now() + REFRESH_LOCK_MS;
    while ((await this.redis.set(lock, '1', 'PX', REFRESH_LOCK_MS, 'NX')) === null) {
      if (Date.now() > deadline) {
        return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, REFRESH_WAIT_STEP_MS));
    }
    try {
      // Read again under the lock: another request may have refreshed meanwhile.
      const latest = await this.read(id);
      if (!latest?.tokens || !runsOutSoon(latest.tokens.accessToken)) {
        return latest?.tokens;
      }
      const renewed = await refresh(latest.tokens);
      if (!renewed) {
        await this.end(id);
        return undefined;
      }
      await this.save(id, { ...latest, tokens: renewed });
      return renewed;
    } finally {
      await this.redis.del(lock);
    }
  }
}

function key(id: string): string {
  return `session:${hashed(id)}`;
}

// Redis holds a hash of the id, so a copy of Redis does not give anyone a working cookie.
function hashed(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

// The access token runs out within a minute (its `exp`, read without checking the signature:
// only the API trusts it, the portal just times the refresh).
const REFRESH_MARGIN_SECONDS = 60;
export function runsOutSoon(accessToken: string, now = Date.now()): boolean {
  const { exp } = claimsOf(accessToken);
  return typeof exp !== 'number' || exp * 1000 - now < REFRESH_MARGIN_SECONDS * 1000;
}

// The API session an access token belongs to (its `sid`, read as `exp` is): a refresh or a
// second factor keeps it, a new sign-in makes another.
export function apiSessionOf(accessToken: string): string | undefined {
  const { sid } = claimsOf(accessToken);
  return typeof sid === 'string' ? sid : undefined;
}

function claimsOf(accessToken: string): { exp?: unknown; sid?: unknown } {
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    return typeof payload === 'object' && payload !== null ? payload : {};
  } catch {
    return {};
  }
}
