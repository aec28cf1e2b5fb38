import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Role } from '../common/access';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { EmailData } from '../notifications/email-outbox.entity';
import { EmailRenderSteps } from '../notifications/email-render-steps';
import type { EmailMessage } from '../notifications/outbox.service';
import { ReminderRegistry } from '../notifications/reminder-registry';
import type { AccountLink } from './account-link.entity';
import type { AccountLinkPurpose } from './account-link.rules';
import { accountLinkKey, accountLinkToken, accountLinkUrl } from './account-link-tokens';
import type { User } from './user.entity';

const ROLE_DESCRIPTIONS: Record<Role, string> = {
  applicant:
    'an applicant: you can draft and submit bids and delivery returns for your organisation',
  assessor: 'an assessor: you can score the bids assigned to you',
  moderator: 'a moderator: you can assign assessors, moderate scores and rank bids',
  approver: 'an approver: you can record award decisions',
  finance: 'a member of the finance team: you can review returns, record payments and export spend',
  admin: 'a programme administrator: you can manage rounds, organisations and users',
};

// Emails that carry a link hold its id only; the worker adds the link itself (see
// AccountLinkRendering). One email per link: re-sending makes a new link, hence a new email.
export function invitationEmail(
  user: User,
  organisationName: string | null,
  link: AccountLink,
): EmailMessage {
  return {
    template: 'account-invitation',
    to: user.email,
    dedupeKey: `account-link:${link.id}`,
    about: { type: 'user', id: user.id },
    data: {
      name: user.name,
      email: user.email,
      roleDescription: ROLE_DESCRIPTIONS[user.role],
      organisationName,
      linkId: link.id,
      expiresAt: link.expiresAt.toISOString(),
    },
  };
}

export function passwordResetEmail(user: User, link: AccountLink): EmailMessage {
  return {
    template: 'password-reset',
    to: user.email,
    dedupeKey: `account-link:${link.id}`,
    about: { type: 'user', id: user.id },
    data: {
      name: user.name,
      email: user.email,
      linkId: link.id,
      expiresAt: link.expiresAt.toISOString(),
    },
  };
}

// After a change or reset; keyed by the token version the change moved the user to.
export function passwordChangedEmail(user: User, reset: boolean, signInUrl: string): EmailMessage {
  return {
    template: 'password-changed',
    to: user.email,
    dedupeKey: `user:${user.id}:password-changed:v${user.tokenVersion}`,
    about: { type: 'user', id: user.id },
    data: {
      name: user.name,
      email: user.email,
      reset,
      changedAt: (user.passwordSetAt ?? new Date()).toISOString(),
      signInUrl,
    },
  };
}

// Which templates carry which kind of link.
const LINK_TEMPLATES: Record<string, AccountLinkPurpose> = {
  'account-invitation': 'invitation',
  'account-setup-reminder': 'invitation',
  'password-reset': 'password-reset',
};

// The link is made when the mail is rendered, from the link id the row holds and the server key.
@Injectable()
export class AccountLinkRendering implements OnModuleInit {
  constructor(
    private readonly steps: EmailRenderSteps,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const key = accountLinkKey(this.config.jwtSecret);
    for (const [template, purpose] of Object.entries(LINK_TEMPLATES)) {
      this.steps.register(template, (data: EmailData) => {
        if (typeof data.linkId !== 'string') {
          throw new TypeError(`the ${template} email needs a linkId`);
        }
        const token = accountLinkToken(key, data.linkId);
        return { ...data, link: accountLinkUrl(this.config.portal, purpose, token) };
      });
    }
  }
}

// Invited users who have not accepted yet, some days after their invitation was sent and while it
// still works: once per invitation (a re-sent invitation may be reminded about again).
@Injectable()
export class AccountSetupReminder implements OnModuleInit {
  constructor(
    private readonly registry: ReminderRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'account-setup',
      template: 'account-setup-reminder',
      select: `
        SELECT 'account-link:' || l.id || ':reminder' AS dedupe_key,
               ARRAY[u.email] AS recipients,
               jsonb_build_object('name', u.name, 'email', u.email, 'invitedAt', l.created_at,
                                  'expiresAt', l.expires_at, 'linkId', l.id) AS data,
               'user' AS object_type,
               u.id::text AS object_id
        FROM account_links l
        JOIN users u ON u.id = l.user_id
        WHERE l.purpose = 'invitation' AND l.used_at IS NULL AND l.voided_at IS NULL
          AND l.expires_at > $1::timestamptz
          AND l.created_at <= $1::timestamptz - make_interval(days => $2::int)
          AND u.active AND u.password_hash IS NULL`,
      params: [this.config.reminders.accountSetupDays],
    });
  }
}
