import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, auditActor, AuditService } from '../../audit/audit.service';
import type { AuthenticatedUser } from '../../common/access';
import { DomainError } from '../../common/domain-error';
import type { Page } from '../../common/pagination';
import { APP_CONFIG, AppConfig, SessionLimits } from '../../config/app-config';
import type { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import type { SignInContext } from '../auth.service';
import { newRefreshToken, refreshTokenHash } from './refresh-token';
import type { SessionDto } from './session.dto';
import { sessionError } from './session.errors';
import { deviceLabel, refreshExpiresIn, SessionEndReason, sessionState } from './session.rules';
import { SessionStore, SignedInRow } from './session-store';
import { SignedInCache } from './signed-in-cache';
import { UserSession } from './user-session.entity';
import { notFound } from '../../common/common.errors';

// A session with its newest refresh token: what signIn and refresh hand out.
export interface IssuedSession {
  session: UserSession;
  refreshToken: string;
  refreshExpiresIn: number;
}

// Reuse is committed before it is refused: the session's end must not roll back with the error.
type Rotation = { issued: IssuedSession } | { refused: DomainError };

// A system actor: reuse is noticed by the API, not done by anyone it can name.
const REUSE_DETECTION: AuditActor = { id: null, label: 'refresh-token reuse detection' };

@Injectable()
export class SessionsService {
  private readonly limits: SessionLimits;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SessionStore,
    private readonly signedIn: SignedInCache,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limits = config.sessions;
  }

  // Within signIn's transaction, so the session and the sign-in's audit event go together.
  async begin(manager: EntityManager, user: User, context: SignInContext): Promise<IssuedSession> {
    const now = new Date();
    const refresh = newRefreshToken();
    const session = await this.store.create(
      manager,
      {
        userId: user.id,
        method: context.method,
        tokenVersion: user.tokenVersion,
        refreshTokenHash: refresh.hash,
        deviceLabel: deviceLabel(context.userAgent),
        address: context.address,
      },
      now,
    );
    return {
      session,
      refreshToken: refresh.token,
      refreshExpiresIn: refreshExpiresIn(session, now, this.limits),
    };
  }

  // Exchanges a refresh token for the next. Of two exchanges of one token, however close, one
  // wins and the other is reuse: the server cannot tell a client that raced itself from a thief
  // racing the client, so clients must not refresh in parallel.
  async rotate(refreshToken: string): Promise<IssuedSession> {
    const hash = refreshTokenHash(refreshToken);
    if (!hash) {
      throw sessionError('refresh-token-invalid');
    }
    const rotation = await this.dataSource.transaction(async (manager): Promise<Rotation> => {
      const now = new Date();
      const current = await this.store.lockByRefreshHash(manager, hash);
      if (!current) {
        return { refused: await this.refuseSpentOrUnknown(manager, hash, now) };
      }
      const { session, userActive, userTokenVersion } = current;
      const state = sessionState(session, userTokenVersion, now, this.limits);
      if (!userActive || state === 'ended' || state === 'revoked') {
        return { refused: sessionError('session-ended') };
      }
      if (state !== 'live') {
        return { refused: sessionError('refresh-token-expired') };
      }
      const next = newRefreshToken();
      await this.store.rotate(manager, session, next.hash, now);
      return {
        issued: {
          session: { ...session, refreshTokenHash: next.hash, lastUsedAt: now },
          refreshToken: next.token,
          refreshExpiresIn: refreshExpiresIn(session, now, this.limits),
        },
      };
    });
    if ('refused' in rotation) {
      throw rotation.refused;
    }
    return rotation.issued;
  }

  findSignedIn(userId: string, sessionId: string): Promise<SignedInRow | null> {
    return this.signedIn.read(userId, sessionId, () => this.store.findSignedIn(userId, sessionId));
  }

  // For every request: the session its token names must be live. The user's own checks (active,
  // the token version in the token) come first, in AuthService.authenticate.
  refuseUnlessLive(found: SignedInRow): void {
    const live =
      found.session &&
      sessionState(found.session, found.user.tokenVersion, new Date(), this.limits) === 'live';
    if (!live) {
      throw sessionError('session-ended');
    }
  }

  async logout(user: AuthenticatedUser): Promise<void> {
    const { sessionId } = user;
    if (sessionId === null) {
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      await this.endOne(manager, user, sessionId, 'logout');
    });
  }

  // One of the user's own live sessions; anyone else's, or one already over, is not found.
  async endOwn(user: AuthenticatedUser, sessionId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const found = await this.store.lockOwn(manager, user.id, sessionId);
      const live =
        found && sessionState(found.session, found.userTokenVersion, new Date(), this.limits);
      if (live !== 'live') {
        throw notFound('Session');
      }
      await this.endOne(manager, user, sessionId, 'ended-by-user');
    });
  }

  async listOwn(
    user: AuthenticatedUser,
    page: { limit: number; offset: number },
  ): Promise<Page<SessionDto>> {
    const [sessions, total] = await this.store.listLive(user.id, new Date(), this.limits, page);
    const items = sessions.map(
      ({ id, deviceLabel, method, address, createdAt, lastUsedAt }): SessionDto => ({
        id,
        deviceLabel,
        method,
        address,
        createdAt,
        lastUsedAt,
        current: id === user.sessionId,
      }),
    );
    return { items, total, ...page };
  }

  // An administrator ends every live session of a user (who must then sign in again).
  async endAllOfUser(actor: AuditActor, userId: string): Promise<number> {
    // An unknown user is not found, rather than having no sessions.
    await this.users.get(userId);
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const ended = await this.store.endAllLive(
        manager,
        userId,
        'ended-by-admin',
        now,
        this.limits,
      );
      await this.audit.record(manager, actor, {
        command: 'user.end-sessions',
        objectType: 'user',
        objectId: userId,
        changes: { liveSessions: { before: ended.length, after: 0 } },
      });
      return ended.length;
    });
  }

  private async endOne(
    manager: EntityManager,
    user: AuthenticatedUser,
    sessionId: string,
    reason: SessionEndReason,
  ): Promise<void> {
    await this.store.end(manager, sessionId, reason, new Date());
    await this.audit.record(manager, auditActor(user), {
      command: reason === 'logout' ? 'session.logout' : 'session.end',
      objectType: 'user',
      objectId: user.id,
      changes: {
        sessionId: { before: sessionId, after: null },
        endReason: { before: null, after: reason },
      },
    });
  }

  // A spent token ends its session (if still going) and says so; anything else changes nothing.
  private async refuseSpentOrUnknown(
    manager: EntityManager,
    hash: string,
    now: Date,
  ): Promise<DomainError> {
    const session = await this.store.lockBySpentHash(manager, hash);
    if (!session) {
      return sessionError('refresh-token-invalid');
    }
    if (session.endedAt === null) {
      await this.store.end(manager, session.id, 'refresh-token-reused', now);
      await this.audit.record(manager, REUSE_DETECTION, {
        command: 'session.end',
        objectType: 'user',
        objectId: session.userId,
        changes: {
          sessionId: { before: session.id, after: null },
          endReason: { before: null, after: 'refresh-token-reused' },
        },
      });
    }
    return sessionError('refresh-token-reused');
  }
}
