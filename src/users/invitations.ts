import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, auditActor, AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { OutboxService } from '../notifications/outbox.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { invitationEmail } from './account-emails';
import type { AccountLink } from './account-link.entity';
import { addDays, invitationRefusal, LinkRefusal, linkRefusal } from './account-link.rules';
import { AccountLinkStore } from './account-link-store';
import type { InvitationDto } from './account.dto';
import { PasswordHasher } from './password-hasher';
import type { UserDto } from './user.dto';
import type { User } from './user.entity';
import { toUserDto } from './user-records';
import { UserStore } from './user-store';
import { endsSessions } from './user-sessions.rules';
import { userError } from './users.errors';

const LINK_REFUSALS: Record<LinkRefusal, string> = {
  used: 'This invitation link has already been used: sign in with the password you chose, or reset it.',
  voided:
    'This invitation link was replaced by a newer invitation: use the link in the latest email.',
  expired: 'This invitation link has expired: ask your administrator to send a new invitation.',
  'account-deactivated': 'This account is deactivated: ask your administrator.',
  'already-accepted':
    'This account already has a password: sign in with it, or reset it from the sign-in page.',
};

export function invitationTokenInvalid(message?: string): DomainError {
  return userError('invitation-token-invalid', {
    message:
      message ??
      'This invitation link is not valid: copy the whole link from the email, or ask your administrator for a new invitation.',
  });
}

// Invitations: a new user is emailed a single-use link to choose their own password; nobody
// else ever sets or sees it.
@Injectable()
export class Invitations {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserStore,
    private readonly links: AccountLinkStore,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly organisations: OrganisationsService,
    private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // In the caller's transaction (the one creating the user, or a re-send): earlier invitations
  // stop working, a new link is made and its email queued.
  async send(
    manager: EntityManager,
    actor: AuditActor,
    user: User,
    command: 'user.invitation-send' | 'user.invitation-resend',
  ): Promise<AccountLink> {
    const now = new Date();
    const voided = await this.links.voidOutstanding(manager, user.id, ['invitation'], now);
    const link = await this.links.create(
      manager,
      user.id,
      'invitation',
      addDays(now, this.config.accounts.invitationDays),
    );
    const organisationName = user.organisationId
      ? await this.organisations.nameOf(user.organisationId, manager)
      : null;
    await this.outbox.queue(manager, invitationEmail(user, organisationName, link));
    await this.audit.record(manager, actor, {
      command,
      objectType: 'user',
      objectId: user.id,
      changes: {
        invitationExpiresAt: { before: null, after: link.expiresAt.toISOString() },
        ...(voided > 0 ? { earlierInvitationsVoided: { before: null, after: voided } } : {}),
      },
    });
    return link;
  }

  async resend(actor: AuditActor, userId: string): Promise<InvitationDto> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.users.lock(manager, userId);
      const refusal = invitationRefusal(user);
      if (refusal) {
        throw userError(refusal.code, { message: refusal.message });
      }
      const link = await this.send(manager, actor, user, 'user.invitation-resend');
      return { userId: user.id, email: user.email, expiresAt: link.expiresAt };
    });
  }

  // The invited user chooses their password; they then sign in as anyone does.
  async accept(token: string, password: string): Promise<UserDto> {
    const passwordHash = await this.hasher.hash(password);
    return this.dataSource.transaction(async (manager) => {
      const link = await this.links.lockByToken(manager, token, 'invitation');
      if (!link) {
        throw invitationTokenInvalid();
      }
      const user = await this.users.lock(manager, link.userId);
      const now = new Date();
      const refusal = linkRefusal(link, user, now);
      if (refusal) {
        throw invitationTokenInvalid(LINK_REFUSALS[refusal]);
      }
      const before = { ...user };
      Object.assign(user, { passwordHash, passwordSetAt: now });
      if (endsSessions(before, user, true)) {
        user.tokenVersion += 1;
      }
      const saved = await this.users.save(manager, user);
      await this.links.markUsed(manager, link, now);
      await this.links.voidOutstanding(manager, user.id, ['invitation'], now, link.id);
      await this.audit.record(manager, auditActor(user), {
        command: 'user.invitation-accept',
        objectType: 'user',
        objectId: user.id,
        changes: { status: { before: 'invited', after: 'active' } },
      });
      return toUserDto(saved);
    });
  }
}
