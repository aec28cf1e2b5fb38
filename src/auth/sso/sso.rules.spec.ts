import { redirectFor, ssoRefusal, wantsJson } from './sso.rules';

describe('ssoRefusal', () => {
  const verified = { email: 'a.officer@homeoffice.example', emailVerified: true };
  const staff = { role: 'assessor' as const, active: true };

  it('lets an active staff account in on a verified email', () => {
    expect(ssoRefusal(verified, staff)).toBeUndefined();
    expect(ssoRefusal(verified, { role: 'admin', active: true })).toBeUndefined();
  });

  it('refuses an email the provider did not verify, or did not give', () => {
    expect(ssoRefusal({ ...verified, emailVerified: false }, staff)).toBe('sso-email-unverified');
    expect(ssoRefusal({ email: undefined, emailVerified: true }, staff)).toBe(
      'sso-email-unverified',
    );
  });

  it('gives no account, an applicant and a deactivated account the same refusal', () => {
    expect(ssoRefusal(verified, null)).toBe('sso-no-account');
    expect(ssoRefusal(verified, { role: 'applicant', active: true })).toBe('sso-no-account');
    expect(ssoRefusal(verified, { role: 'finance', active: false })).toBe('sso-no-account');
  });
});

describe('wantsJson', () => {
  it('is true for an API client asking for JSON, false for a browser or no preference', () => {
    expect(wantsJson('application/json')).toBe(true);
    expect(wantsJson('Application/JSON; charset=utf-8')).toBe(true);
    expect(wantsJson('text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8')).toBe(
      false,
    );
    expect(wantsJson('*/*')).toBe(false);
    expect(wantsJson(undefined)).toBe(false);
  });
});

describe('redirectFor', () => {
  const settings = {
    redirectUrl: 'https://grants.example.gov.uk/api/v1/auth/sso/callback',
    portalRedirectUrls: ['https://grants.example.gov.uk/sign-in/sso/callback'],
  };

  it("is the API's own callback unless a configured portal page is asked for", () => {
    expect(redirectFor(settings, undefined)).toBe(settings.redirectUrl);
    expect(redirectFor(settings, '')).toBe(settings.redirectUrl);
    expect(redirectFor(settings, settings.redirectUrl)).toBe(settings.redirectUrl);
    expect(redirectFor(settings, settings.portalRedirectUrls[0])).toBe(
      settings.portalRedirectUrls[0],
    );
  });

  it('refuses any other address, however close', () => {
    for (const wanted of [
      'https://evil.example/sign-in/sso/callback',
      'https://grants.example.gov.uk/sign-in/sso/callback/',
      'https://grants.example.gov.uk/sign-in/sso/callback?next=https://evil.example',
      'http://grants.example.gov.uk/sign-in/sso/callback',
      'https://grants.example.gov.uk.evil.example/sign-in/sso/callback',
    ]) {
      expect(redirectFor(settings, wanted)).toBeUndefined();
    }
    expect(
      redirectFor({ ...settings, portalRedirectUrls: [] }, settings.portalRedirectUrls[0]),
    ).toBeUndefined();
  });
});
