import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { SessionLimits } from '../../config/app-config';
import type { Role } from '../../common/access';
import { liveSince, SessionEndReason, SessionFacts } from './session.rules';
import { User } from '../../users/user.entity';
import { preparedQuery } from '../../database/prepared-query';
import { SpentRefreshToken, UserSession } from './user-session.entity';

// What a request's token stands for, read in one query by primary keys: the user, and the
// session named by the token if it is that user's.
export interface SignedInRow {
  user: {
    id: string;
    email: string;
    name: string;
    role: Role;
    organisationId: string | null;
    active: boolean;
    tokenVersion: number;
    secondFactorEnrolledAt: Date | null;
  };
  session: SessionFacts | null;
}

// A session with the facts about its user that decide whether it is live.
export interface SessionWithUser {
  session: UserSession;
  userActive: boolean;
  userTokenVersion: number;
}

interface SignedInRaw {
  id: string;
  email: string;
  name: string;
  role: Role;
  organisation_id: string | null;
  active: boolean;
  token_version: number;
  second_factor_enrolled_at: Date | null;
  session_token_version: number | null;
  session_created_at: Date | null;
  session_last_used_at: Date | null;
  session_ended_at: Date | null;
}

// Live sessions as SQL, from the same limits sessionState applies (liveSince): not ended, of
// the user's current token version, signed in and used recently enough. `s` is user_sessions,
// `u` its user.
function whereLive(now: Date, limits: SessionLimits) {
  const { createdAfter, usedAfter } = liveSince(now, limits);
  return {
    sql: `s.ended_at IS NULL AND s.token_version = u.token_version
      AND s.created_at > :createdAfter AND s.last_used_at > :usedAfter`,
    params: { createdAfter, usedAfter },
  };
}

@Injectable()
export class SessionStore {
  constructor(private readonly dataSource: DataSource) {}

  create(
    manager: EntityManager,
    fields: Pick<
      UserSession,
      'userId' | 'method' | 'tokenVersion' | 'refreshTokenHash' | 'deviceLabel' | 'address'
    >,
    now: Date,
  ): Promise<UserSession> {
    return manager.save(manager.create(UserSession, { ...fields, lastUsedAt: now }));
  }

  async findSignedIn(userId: string, sessionId: string): Promise<SignedInRow | null> {
    // Every request with a token sends it: prepared once per pool connection.
    const rows = await preparedQuery<SignedInRaw>(
      this.dataSource.manager,
      `SELECT u.id, u.email, u.name, u.role, u.organisation_id, u.active, u.token_version,
              u.second_factor_enrolled_at,
              s.token_version AS session_token_version, s.created_at AS session_created_at,
              s.last_used_at AS session_last_used_at, s.ended_at AS session_ended_at
         FROM users u
         LEFT JOIN user_sessions s ON s.id = $2 AND s.user_id = u.id
        WHERE u.id = $1`,
      [userId, sessionId],
    );
    const row = rows[0];
    if (!row) {
      return null;
    }
    const session =
      row.session_token_version === null
        ? null
        : {
            tokenVersion: row.session_token_version,
            createdAt: row.session_created_at!,
            lastUsedAt: row.session_last_used_at!,
            endedAt: row.session_ended_at,
          };
    return {
      user: {
        id: row.id,
        email: row.email,
        name: row.name,
        role: row.role,
        organisationId: row.organisation_id,
        active: row.active,
        tokenVersion: row.token_version,
        secondFactorEnrolledAt: row.second_factor_enrolled_at,
      },
      session,
    };
  }

  // Locks the session whose current refresh token has this hash. A concurrent rotation of the
  // same token waits here, then finds the hash gone (it is spent) and gets nothing.
  lockByRefreshHash(manager: EntityManager, hash: string): Promise<SessionWithUser | null> {
    return this.lockedWithUser(manager, 's.refresh_token_hash = :hash', { hash });
  }

  // Locks one session of this user (someone else's session is not found).
  lockOwn(manager: EntityManager, userId: string, id: string): Promise<SessionWithUser | null> {
    return this.lockedWithUser(manager, 's.id = :id AND s.user_id = :userId', { id, userId });
  }

  // The session a spent refresh token belonged to, locked.
  async lockBySpentHash(manager: EntityManager, hash: string): Promise<UserSession | null> {
    const spent = await manager.findOneBy(SpentRefreshToken, { tokenHash: hash });
    if (!spent) {
      return null;
    }
    return manager.findOne(UserSession, {
      where: { id: spent.sessionId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  // The old hash is kept as spent, so that showing it again is recognised as reuse.
  async rotate(
    manager: EntityManager,
    session: UserSession,
    nextHash: string,
    now: Date,
  ): Promise<void> {
    await manager.insert(SpentRefreshToken, {
      tokenHash: session.refreshTokenHash,
      sessionId: session.id,
    });
    await manager.update(
      UserSession,
      { id: session.id },
      { refreshTokenHash: nextHash, lastUsedAt: now },
    );
  }

  async end(
    manager: EntityManager,
    sessionId: string,
    reason: SessionEndReason,
    now: Date,
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(UserSession)
      .set({ endedAt: now, endReason: reason })
      .where('id = :sessionId AND ended_at IS NULL', { sessionId })
      .execute();
  }

  // Ends every live session of the user; the ids of those ended.
  async endAllLive(
    manager: EntityManager,
    userId: string,
    reason: SessionEndReason,
    now: Date,
    limits: SessionLimits,
  ): Promise<string[]> {
    const live = whereLive(now, limits);
    const rows: { id: string }[] = await manager.query(
      ...manager
        .createQueryBuilder()
        .select('s.id', 'id')
        .from(UserSession, 's')
        .innerJoin(User, 'u', 'u.id = s.user_id')
        .where('s.user_id = :userId', { userId })
        .andWhere(live.sql, live.params)
        .setLock('pessimistic_write', undefined, ['s'])
        .getQueryAndParameters(),
    );
    const ids = rows.map((row) => row.id);
    if (ids.length > 0) {
      await manager
        .createQueryBuilder()
        .update(UserSession)
        .set({ endedAt: now, endReason: reason })
        .whereInIds(ids)
        .execute();
    }
    return ids;
  }

  // The user's live sessions, most recently used first.
  async listLive(
    userId: string,
    now: Date,
    limits: SessionLimits,
    page: { limit: number; offset: number },
  ): Promise<[UserSession[], number]> {
    const live = whereLive(now, limits);
    return this.dataSource
      .createQueryBuilder(UserSession, 's')
      .innerJoin(User, 'u', 'u.id = s.user_id')
      .where('s.user_id = :userId', { userId })
      .andWhere(live.sql, live.params)
      .orderBy('s.last_used_at', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .limit(page.limit)
      .offset(page.offset)
      .getManyAndCount();
  }

  private async lockedWithUser(
    manager: EntityManager,
    where: string,
    params: Record<string, string>,
  ): Promise<SessionWithUser | null> {
    const found = await manager
      .createQueryBuilder(UserSession, 's')
      .innerJoin(User, 'u', 'u.id = s.user_id')
      .addSelect('u.active', 'user_active')
      .addSelect('u.token_version', 'user_token_version')
      .where(where, params)
      .setLock('pessimistic_write', undefined, ['s'])
      .getRawAndEntities<{ user_active: boolean; user_token_version: number }>();
    const session = found.entities[0];
    const raw = found.raw[0];
    if (!session || !raw) {
      return null;
    }
    return { session, userActive: raw.user_active, userTokenVersion: raw.user_token_version };
  }
}
