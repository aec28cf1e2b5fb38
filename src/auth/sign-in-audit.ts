import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { auditActor, AuditService } from '../audit/audit.service';
import type { User } from '../users/user.entity';
import type { SignInMethod } from './auth.service';

const SIGNED_IN = 'auth.sign-in';
const SIGN_IN_FAILED = 'auth.sign-in-failed';
// Both commands, for what reads sign-ins back (retention redacts their addresses).
export const SIGN_IN_COMMANDS = [SIGNED_IN, SIGN_IN_FAILED] as const;

type Account = Pick<User, 'id' | 'email' | 'role'>;

// Sign-ins in the audit trail, on the user, by the user: each success with how many attempts
// failed since the one before, each failure for an existing account with the running count.
// Never a password, code or token; the address, which a person looking into an attack needs.
@Injectable()
export class SignInAudit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async succeeded(
    manager: EntityManager,
    user: Account,
    details: { method: SignInMethod; address: string; sessionId: string },
  ): Promise<void> {
    const failures = await this.failuresSinceLastSignIn(manager, user.id);
    await this.audit.record(manager, auditActor(user), {
      command: SIGNED_IN,
      objectType: 'user',
      objectId: user.id,
      changes: {
        method: { before: null, after: details.method },
        sessionId: { before: null, after: details.sessionId },
        address: { before: null, after: details.address },
        failedAttemptsSinceLastSignIn: { before: null, after: failures },
      },
    });
  }

  // A wrong password (or, later, a wrong second-factor code) for an account that exists.
  async failed(user: Account, details: { method: SignInMethod; address: string }): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const failures = await this.failuresSinceLastSignIn(manager, user.id);
      await this.audit.record(manager, auditActor(user), {
        command: SIGN_IN_FAILED,
        objectType: 'user',
        objectId: user.id,
        changes: {
          method: { before: null, after: details.method },
          address: { before: null, after: details.address },
          failedAttemptsSinceLastSignIn: { before: failures, after: failures + 1 },
        },
      });
    });
  }

  private failuresSinceLastSignIn(manager: EntityManager, userId: string): Promise<number> {
    return this.audit.countSinceLast(
      manager,
      { objectType: 'user', objectId: userId },
      SIGN_IN_FAILED,
      SIGNED_IN,
    );
  }
}
