import {
  normalizeRecoveryCode,
  recoveryCodeFromBytes,
  recoveryCodeHash,
  secondFactorRefusal,
  secondFactorStanding,
} from './second-factor.rules';

describe('second factor standing', () => {
  it('counts a token with a code or from SSO as proven, whatever the role', () => {
    expect(secondFactorStanding('admin', true, ['pwd', 'otp'])).toBe('proven');
    expect(secondFactorStanding('finance', false, ['sso'])).toBe('proven');
    expect(secondFactorStanding('applicant', true, ['pwd', 'otp'])).toBe('proven');
  });

  it('sends staff without a factor to enrol, and lets applicants without one carry on', () => {
    for (const role of ['assessor', 'moderator', 'approver', 'finance', 'admin'] as const) {
      expect(secondFactorStanding(role, false, ['pwd'])).toBe('enrolment-required');
    }
    expect(secondFactorStanding('applicant', false, ['pwd'])).toBe('not-needed');
  });

  it('wants a code from anyone with a factor whose token was issued on a password alone', () => {
    expect(secondFactorStanding('applicant', true, ['pwd'])).toBe('code-required');
    expect(secondFactorStanding('admin', true, ['pwd'])).toBe('code-required');
  });

  it('refuses enrolment-required with 403 and code-required with 401, and lets the rest in', () => {
    expect(secondFactorRefusal('proven')).toBeNull();
    expect(secondFactorRefusal('not-needed')).toBeNull();
    expect(secondFactorRefusal('enrolment-required')).toMatchObject({
      status: 403,
      code: 'second-factor-enrolment-required',
    });
    expect(secondFactorRefusal('code-required')).toMatchObject({
      status: 401,
      code: 'second-factor-required',
    });
  });
});

describe('recovery codes', () => {
  it('makes two groups of five from the low five bits of each byte', () => {
    const bytes = Uint8Array.from([0, 1, 2, 31, 32, 33, 255, 10, 17, 18]);
    expect(recoveryCodeFromBytes(bytes)).toBe('012Z0-1ZAHJ');
  });

  it('refuses too few bytes', () => {
    expect(() => recoveryCodeFromBytes(new Uint8Array(9))).toThrow(/10 random bytes/);
  });

  it('reads a code whatever its case, dash, spaces and look-alike letters', () => {
    expect(normalizeRecoveryCode('o1abc-defgh')).toBe('01ABCDEFGH');
    expect(normalizeRecoveryCode('OIL2 3')).toBe('01123');
  });

  it('hashes per user: one code gives different hashes for two users, the same for its forms', () => {
    const a = recoveryCodeHash('user-a', 'ABCDE-FGH0J');
    expect(recoveryCodeHash('user-a', 'abcdefghoj')).toBe(a);
    expect(recoveryCodeHash('user-b', 'ABCDE-FGH0J')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});
