import type { PortalPage } from '../notifications/portal-links';

// Account links (invitations and password resets) and what a user's account is, as pure rules.

export const ACCOUNT_LINK_PURPOSES = ['invitation', 'password-reset'] as const;
export type AccountLinkPurpose = (typeof ACCOUNT_LINK_PURPOSES)[number];

// The portal pages the emailed links open (see portal-links.ts); each page posts the token back
// to the API (POST /auth/invitations/accept, POST /auth/password-reset/complete).
export const ACCOUNT_LINK_PAGES = {
  invitation: 'setPassword',
  'password-reset': 'resetPassword',
} as const satisfies Record<AccountLinkPurpose, PortalPage>;

export const USER_STATUSES = ['invited', 'active', 'deactivated'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

// Invited until a password is first set (by accepting the invitation, or by the CLI and the
// demo seed); deactivated whatever the password when an admin has switched the account off.
export function userStatus(user: { active: boolean; passwordSetAt: Date | null }): UserStatus {
  if (!user.active) {
    return 'deactivated';
  }
  return user.passwordSetAt ? 'active' : 'invited';
}

export interface LinkFacts {
  expiresAt: Date;
  usedAt: Date | null;
  voidedAt: Date | null;
}

export type LinkState = 'usable' | 'used' | 'voided' | 'expired';

export function linkState(link: LinkFacts, now: Date): LinkState {
  if (link.usedAt) {
    return 'used';
  }
  if (link.voidedAt) {
    return 'voided';
  }
  return link.expiresAt.getTime() > now.getTime() ? 'usable' : 'expired';
}

export type LinkRefusal = Exclude<LinkState, 'usable'> | 'account-deactivated' | 'already-accepted';

// Why a link cannot be followed for this user right now, or null when it can: a link is for an
// active account, and an invitation only until the first password is set.
export function linkRefusal(
  link: LinkFacts & { purpose: AccountLinkPurpose },
  user: { active: boolean; passwordSetAt: Date | null },
  now: Date,
): LinkRefusal | null {
  const state = linkState(link, now);
  if (state !== 'usable') {
    return state;
  }
  if (!user.active) {
    return 'account-deactivated';
  }
  if (link.purpose === 'invitation' && user.passwordSetAt) {
    return 'already-accepted';
  }
  return null;
}

// Why an admin may not (re-)send an invitation to this user, or null when they may.
export function invitationRefusal(user: {
  active: boolean;
  passwordSetAt: Date | null;
}): { code: 'user-inactive' | 'invitation-already-accepted'; message: string } | null {
  if (!user.active) {
    return {
      code: 'user-inactive',
      message: 'This user is deactivated; reactivate them before sending an invitation.',
    };
  }
  if (user.passwordSetAt) {
    return {
      code: 'invitation-already-accepted',
      message:
        'This user has already set their password; they can reset it themselves from the sign-in page.',
    };
  }
  return null;
}

export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * 86_400_000);
}

export function addMinutes(from: Date, minutes: number): Date {
  return new Date(from.getTime() + minutes * 60_000);
}
