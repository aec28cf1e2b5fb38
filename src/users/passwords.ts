import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { auditActor, AuditService } from '../audit/audit.service';
import type { FieldChanges } from '../audit/audit-event.entity';
import type { AuthenticatedUser } from '../common/access';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import { passwordChangedEmail } from './account-emails';
import { AccountLinkStore } from './account-link-store';
import { PasswordHasher } from './password-hasher';
import type { User } from './user.entity';
import { UserStore } from './user-store';
import { endsSessions } from './user-sessions.rules';
import { pageUrl } from '../notifications/portal-links';
import { userError } from './users.errors';

// The login limiter's counters for one email and address, as the caller found them: a wrong
// current password counts as a failed login, so this route is no way round the limits.
export interface LoginAttempts {
  checkAllowed(): Promise<void>;
  recordFailure(): Promise<void>;
  recordSuccess(): Promise<void>;
}

// A user's own password, changed (knowing the current one) or set again through a reset link.
@Injectable()
export class Passwords {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserStore,
    private readonly links: AccountLinkStore,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async change(
    who: AuthenticatedUser,
    currentPassword: string,
    newPassword: string,
    attempts: LoginAttempts,
  ): Promise<void> {
    await attempts.checkAllowed();
    const storedHash = await this.users.passwordHashOf(this.dataSource.manager, who.id);
    if (!storedHash || !(await this.hasher.verify(storedHash, currentPassword))) {
      await attempts.recordFailure();
      throw userError('current-password-wrong', {
        errors: [
          { field: 'currentPassword', message: 'currentPassword is not your current password' },
        ],
      });
    }
    await attempts.recordSuccess();
    const passwordHash = await this.hasher.hash(newPassword);
    await this.dataSource.transaction(async (manager) => {
      const user = await this.users.lock(manager, who.id);
      await this.replace(manager, user, passwordHash, false);
    });
  }

  // Sets the new password and ends every session of the user; reset links still outstanding stop
  // working, and the user is told by email. In the caller's transaction, the user locked.
  // `alsoChanged`: what else the caller changed with it, for the same audit event.
  async replace(
    manager: EntityManager,
    user: User,
    passwordHash: string,
    reset: boolean,
    alsoChanged: FieldChanges = {},
  ): Promise<User> {
    const now = new Date();
    const before = { ...user };
    Object.assign(user, { passwordHash, passwordSetAt: now });
    if (endsSessions(before, user, true)) {
      user.tokenVersion += 1;
    }
    const saved = await this.users.save(manager, user);
    await this.links.voidOutstanding(manager, user.id, ['password-reset'], now);
    await this.outbox.queue(
      manager,
      passwordChangedEmail(saved, reset, pageUrl(this.config.portal, 'signIn')),
    );
    await this.audit.record(manager, auditActor(user), {
      command: reset ? 'user.password-reset' : 'user.password-change',
      objectType: 'user',
      objectId: user.id,
      changes: {
        passwordSetAt: {
          before: before.passwordSetAt?.toISOString() ?? null,
          after: now.toISOString(),
        },
        ...alsoChanged,
      },
    });
    return saved;
  }
}
