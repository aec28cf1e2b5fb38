import { invitationRefusal, linkRefusal, linkState, userStatus } from './account-link.rules';

const now = new Date('2026-12-01T12:00:00Z');
const later = new Date('2026-12-01T12:30:00Z');
const open = { expiresAt: later, usedAt: null, voidedAt: null };

describe('account links', () => {
  it('is usable until it expires, and never once used or voided', () => {
    expect(linkState(open, now)).toBe('usable');
    expect(linkState(open, later)).toBe('expired');
    expect(linkState({ ...open, usedAt: now }, now)).toBe('used');
    expect(linkState({ ...open, voidedAt: now }, now)).toBe('voided');
  });

  it('refuses an invitation once the user has a password, and any link for a deactivated user', () => {
    const invited = { active: true, passwordSetAt: null };
    const active = { active: true, passwordSetAt: now };
    const invitation = { ...open, purpose: 'invitation' as const };
    const reset = { ...open, purpose: 'password-reset' as const };
    expect(linkRefusal(invitation, invited, now)).toBeNull();
    expect(linkRefusal(invitation, active, now)).toBe('already-accepted');
    expect(linkRefusal(reset, active, now)).toBeNull();
    expect(linkRefusal(reset, { ...active, active: false }, now)).toBe('account-deactivated');
    expect(linkRefusal(reset, active, later)).toBe('expired');
  });
});

describe('user status', () => {
  it('is invited until a password is set, and deactivated whatever the password', () => {
    expect(userStatus({ active: true, passwordSetAt: null })).toBe('invited');
    expect(userStatus({ active: true, passwordSetAt: now })).toBe('active');
    expect(userStatus({ active: false, passwordSetAt: now })).toBe('deactivated');
    expect(userStatus({ active: false, passwordSetAt: null })).toBe('deactivated');
  });

  it('lets an admin invite only an active user who has not accepted yet', () => {
    expect(invitationRefusal({ active: true, passwordSetAt: null })).toBeNull();
    expect(invitationRefusal({ active: true, passwordSetAt: now })?.code).toBe(
      'invitation-already-accepted',
    );
    expect(invitationRefusal({ active: false, passwordSetAt: null })?.code).toBe('user-inactive');
  });
});
