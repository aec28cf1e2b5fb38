import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditActor, auditActor, AuditService } from '../../audit/audit.service';
import type { AuthenticatedUser } from '../../common/access';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { OutboxService } from '../../notifications/outbox.service';
import type { UserDto } from '../../users/user.dto';
import type { User } from '../../users/user.entity';
import { toUserDto } from '../../users/users.service';
import { UserStore } from '../../users/user-store';
import { secondFactorResetEmail } from './second-factor-emails';
import type { SecondFactor } from './second-factor.entity';
import type { SecondFactorEnrolmentDto } from './second-factor.dto';
import {
  RECOVERY_CODE_COUNT,
  recoveryCodeFromBytes,
  recoveryCodeHash,
} from './second-factor.rules';
import { SecondFactorStore } from './second-factor.store';
import { openSecret, sealSecret } from './secret-box';
import { acceptedStep, newTotpSecret, totpUri } from './totp';
import { pageUrl } from '../../notifications/portal-links';
import { secondFactorError } from './second-factor.errors';

const ALREADY_ENROLLED =
  'This account already has a second factor. To move it to another device, ask an administrator to reset it.';

// Enrolling a second factor (start, confirm), an admin's reset, and the demo's known secret.
@Injectable()
export class SecondFactorEnrolmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SecondFactorStore,
    private readonly users: UserStore,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // A new secret and recovery codes, replacing any unconfirmed ones; shown this once.
  async start(user: AuthenticatedUser): Promise<SecondFactorEnrolmentDto> {
    const secret = newTotpSecret();
    const recoveryCodes = newRecoveryCodes();
    await this.dataSource.transaction(async (manager) => {
      const row = await this.users.lock(manager, user.id);
      if (row.secondFactorEnrolledAt) {
        throw secondFactorError('second-factor-already-enrolled', { message: ALREADY_ENROLLED });
      }
      const pending = await this.store.find(manager, user.id);
      await this.store.savePending(
        manager,
        user.id,
        sealSecret(this.config.secondFactorKey, user.id, secret),
        recoveryCodes.map((code) => recoveryCodeHash(user.id, code)),
      );
      await this.audit.record(manager, auditActor(user), {
        command: 'second-factor.enrolment-start',
        objectType: 'user',
        objectId: user.id,
        changes: {
          secondFactor: { before: pending ? 'pending' : 'none', after: 'pending' },
          recoveryCodes: { before: null, after: RECOVERY_CODE_COUNT },
        },
      });
    });
    return { otpauthUri: totpUri(user.email, secret), secret, recoveryCodes };
  }

  // A code from the app proves it holds the secret; the user, now enrolled, for the sign-in.
  async confirm(user: AuthenticatedUser, code: string): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.users.lock(manager, user.id);
      if (row.secondFactorEnrolledAt) {
        throw secondFactorError('second-factor-already-enrolled', { message: ALREADY_ENROLLED });
      }
      const factor = await this.store.find(manager, user.id);
      if (!factor) {
        throw secondFactorError('second-factor-not-started');
      }
      const step = await acceptedStep(this.secretOf(factor), code, factor.lastUsedStep);
      if (step === null || !(await this.store.takeStep(manager, user.id, step))) {
        throw secondFactorError('enrolment-code-wrong', {
          errors: [
            { field: 'code', message: 'code is not the one the authenticator app should show now' },
          ],
        });
      }
      const at = new Date();
      await this.store.markEnrolled(manager, user.id, at);
      await this.audit.record(manager, auditActor(user), {
        command: 'second-factor.enrolment-confirm',
        objectType: 'user',
        objectId: user.id,
        changes: { secondFactorEnrolledAt: { before: null, after: at.toISOString() } },
      });
      return { ...row, secondFactorEnrolledAt: at };
    });
  }

  // The user enrols again at their next sign-in; every session of theirs ends now.
  async reset(admin: AuthenticatedUser, userId: string): Promise<UserDto> {
    if (admin.id === userId) {
      throw secondFactorError('cannot-reset-own-second-factor');
    }
    return this.dataSource.transaction(async (manager) => {
      const user = await this.users.lock(manager, userId);
      const factor = await this.store.find(manager, userId);
      if (!user.secondFactorEnrolledAt && !factor) {
        throw secondFactorError('second-factor-not-enrolled');
      }
      const enrolledAt = user.secondFactorEnrolledAt;
      const codesLeft = await this.store.recoveryCodesLeft(manager, userId);
      const saved = await this.store.remove(manager, user);
      await this.audit.record(manager, auditActor(admin), {
        command: 'second-factor.reset',
        objectType: 'user',
        objectId: userId,
        changes: {
          secondFactorEnrolledAt: { before: enrolledAt?.toISOString() ?? null, after: null },
          recoveryCodesLeft: { before: codesLeft, after: 0 },
        },
      });
      await this.outbox.queue(
        manager,
        secondFactorResetEmail(saved, pageUrl(this.config.portal, 'signIn')),
      );
      return toUserDto(saved);
    });
  }

  // Development only: a demo user enrolled with a secret everyone knows (the README prints it).
  // False when the user has a factor already.
  async enrolKnownSecret(actor: AuditActor, userId: string, secret: string): Promise<boolean> {
    if (this.config.production) {
      throw new Error('Refusing to enrol a published second-factor secret in production.');
    }
    return this.dataSource.transaction(async (manager) => {
      const user = await this.users.lock(manager, userId);
      if (user.secondFactorEnrolledAt) {
        return false;
      }
      // Recovery codes nobody is shown: the demo secret is the way in.
      await this.store.savePending(
        manager,
        userId,
        sealSecret(this.config.secondFactorKey, userId, secret),
        newRecoveryCodes().map((code) => recoveryCodeHash(userId, code)),
      );
      const at = new Date();
      await this.store.markEnrolled(manager, userId, at);
      await this.audit.record(manager, actor, {
        command: 'second-factor.enrolment-confirm',
        objectType: 'user',
        objectId: userId,
        changes: { secondFactorEnrolledAt: { before: null, after: at.toISOString() } },
      });
      return true;
    });
  }

  secretOf(factor: SecondFactor): string {
    return openSecret(this.config.secondFactorKey, factor.userId, factor.secretCiphertext);
  }
}

function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => recoveryCodeFromBytes(randomBytes(10)));
}
