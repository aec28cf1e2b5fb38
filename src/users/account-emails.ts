import type { Role } from '../common/access';
import type { EmailMessage } from '../notifications/outbox.service';
import type { AccountLink } from './account-link.entity';
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
