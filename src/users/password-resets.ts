import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { OutboxService } from '../notifications/outbox.service';
import { AccountJobName, AccountJobs, QUEUES } from '../queues/queues';
import { passwordResetEmail } from './account-emails';
import { addMinutes, linkRefusal, userStatus } from './account-link.rules';
import { AccountLinkStore } from './account-link-store';
import { PasswordHasher } from './password-hasher';
import { Passwords } from './passwords';
import { ResetRequestLimiter, ResetSource } from './reset-request-limiter';
import { UserStore } from './user-store';
import { withOrigin } from '../observability/job-origin';
import { userError } from './users.errors';

export function resetTokenInvalid(): DomainError {
  return userError('reset-token-invalid');
}

// Password resets. Asking answers the same, as fast, whatever the email: the request is counted
// and handed to the worker, which alone looks the email up and, for an active account, emails a
// single-use link. Following the link sets a new password (Passwords.replace).
@Injectable()
export class PasswordResets {
  private readonly logger = new Logger(PasswordResets.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserStore,
    private readonly links: AccountLinkStore,
    private readonly limiter: ResetRequestLimiter,
    private readonly passwords: Passwords,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly hasher: PasswordHasher,
    @InjectQueue(QUEUES.accounts) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async request(source: ResetSource): Promise<void> {
    await this.limiter.admit(source);
    const job: AccountJobs['password-reset']['data'] = withOrigin({
      email: source.email.toLowerCase(),
    });
    try {
      await this.queue.add('password-reset' satisfies AccountJobName, job, {
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: 100,
      });
    } catch (error) {
      this.logger.error(`A password reset could not be queued: ${String(error)}`);
      throw userError('password-reset-unavailable', {
        message:
          'The password reset could not be started because the job queue is not answering; try again shortly.',
      });
    }
  }

  // In the worker: the link and its email for an active account; nothing at all otherwise.
  async send(email: string): Promise<AccountJobs['password-reset']['result']> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.users.lockByEmail(manager, email);
      if (!user || userStatus(user) !== 'active') {
        return 'no-account';
      }
      const now = new Date();
      const link = await this.links.create(
        manager,
        user.id,
        'password-reset',
        addMinutes(now, this.config.accounts.resetMinutes),
      );
      await this.outbox.queue(manager, passwordResetEmail(user, link));
      // Who asked is not known: anyone may type an email into the form.
      await this.audit.record(
        manager,
        { id: null, label: 'password reset form' },
        {
          command: 'user.password-reset-request',
          objectType: 'user',
          objectId: user.id,
          changes: { resetLinkExpiresAt: { before: null, after: link.expiresAt.toISOString() } },
        },
      );
      return 'sent';
    });
  }

  // `forgetFailedLogins` clears the login limiter's failures for the email and answers how many
  // there were: run once the link is known good, before the reset commits, so a limiter that
  // cannot be reached leaves the link unused.
  async complete(
    token: string,
    password: string,
    forgetFailedLogins: (email: string) => Promise<number>,
  ): Promise<void> {
    const passwordHash = await this.hasher.hash(password);
    await this.dataSource.transaction(async (manager) => {
      const link = await this.links.lockByToken(manager, token, 'password-reset');
      if (!link) {
        throw resetTokenInvalid();
      }
      const user = await this.users.lock(manager, link.userId);
      const now = new Date();
      if (linkRefusal(link, user, now)) {
        throw resetTokenInvalid();
      }
      await this.links.markUsed(manager, link, now);
      const failedLogins = await forgetFailedLogins(user.email);
      await this.passwords.replace(manager, user, passwordHash, true, {
        ...(failedLogins > 0 ? { failedLogins: { before: failedLogins, after: 0 } } : {}),
      });
    });
  }
}
