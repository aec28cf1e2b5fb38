import { endsSessions, SessionFacts } from './user-sessions.rules';

describe('what ends a user’s sessions', () => {
  const user: SessionFacts = { role: 'applicant', organisationId: 'org-1', active: true };

  it('ends them on a new password, role, organisation, deactivation or reactivation', () => {
    expect(endsSessions(user, user, true)).toBe(true);
    expect(endsSessions(user, { ...user, role: 'assessor', organisationId: null }, false)).toBe(
      true,
    );
    expect(endsSessions(user, { ...user, organisationId: 'org-2' }, false)).toBe(true);
    expect(endsSessions(user, { ...user, active: false }, false)).toBe(true);
    expect(endsSessions({ ...user, active: false }, user, false)).toBe(true);
  });

  it('keeps them when nothing that grants access changed', () => {
    expect(endsSessions(user, { ...user }, false)).toBe(false);
  });
});
