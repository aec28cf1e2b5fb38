import { ConfigError, loadConfig } from '../../config/load-config';

// A production start needs its own second-factor key; these checks are about SSO alone.
const PRODUCTION_KEY = Buffer.alloc(32, 7).toString('base64');

describe('single sign-on settings', () => {
  const base = { NODE_ENV: 'development', PUBLIC_BASE_URL: 'https://grants.example.gov.uk' };
  const sso = {
    OIDC_ISSUER_URL: 'https://login.example.gov.uk/tenant',
    OIDC_CLIENT_ID: 'safer-streets',
    OIDC_CLIENT_SECRET: 'a-client-secret',
  };
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('is off when none of the three is set', () => {
    expect(loadConfig(base).sso).toBeUndefined();
  });

  it('takes the three, with the callback under PUBLIC_BASE_URL by default', () => {
    expect(loadConfig({ ...base, ...sso }).sso).toEqual({
      issuerUrl: sso.OIDC_ISSUER_URL,
      clientId: 'safer-streets',
      clientSecret: 'a-client-secret',
      clientAuthMethod: 'client_secret_basic',
      redirectUrl: 'https://grants.example.gov.uk/api/v1/auth/sso/callback',
      timeoutSeconds: 10,
      portalRedirectUrls: ['https://grants.example.gov.uk/sign-in/sso/callback'],
      providerName: 'your work account',
    });
    const redirectUrl = 'https://portal.example.gov.uk/sign-in/callback';
    expect(
      loadConfig({
        ...base,
        ...sso,
        OIDC_REDIRECT_URL: redirectUrl,
        OIDC_CLIENT_AUTH_METHOD: 'client_secret_post',
      }).sso,
    ).toMatchObject({ redirectUrl, clientAuthMethod: 'client_secret_post' });
  });

  it('stops the start when only some of the three are set, naming the missing ones', () => {
    const problems = problemsOf({ ...base, OIDC_ISSUER_URL: sso.OIDC_ISSUER_URL });
    expect(problems).toEqual([
      expect.stringContaining(
        'OIDC_ISSUER_URL is set but OIDC_CLIENT_ID, OIDC_CLIENT_SECRET are not',
      ),
    ]);
  });

  it('accepts plain http only for a provider on this machine, and never in production', () => {
    const local = { ...base, ...sso, OIDC_ISSUER_URL: 'http://127.0.0.1:4000' };
    expect(loadConfig(local).sso?.issuerUrl).toBe('http://127.0.0.1:4000');
    expect(problemsOf({ ...local, OIDC_ISSUER_URL: 'http://login.example.gov.uk' })).toEqual([
      expect.stringContaining('OIDC_ISSUER_URL must start https://'),
    ]);
    const production = {
      ...local,
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
      SECOND_FACTOR_KEY: PRODUCTION_KEY,
    };
    expect(problemsOf(production)).toEqual(['OIDC_ISSUER_URL must start https:// in production']);
  });

  it('refuses an http callback in production, a bad method and a bad timeout', () => {
    const problems = problemsOf({
      ...sso,
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
      SECOND_FACTOR_KEY: PRODUCTION_KEY,
      PUBLIC_BASE_URL: 'http://grants.example.gov.uk',
      OIDC_CLIENT_AUTH_METHOD: 'private_key_jwt',
      OIDC_TIMEOUT_SECONDS: '0',
    });
    expect(problems).toEqual([
      expect.stringContaining('The SSO redirect URL must start https:// in production'),
      expect.stringContaining('set OIDC_PORTAL_REDIRECT_URLS, or PUBLIC_BASE_URL'),
      expect.stringContaining('OIDC_CLIENT_AUTH_METHOD must be one of'),
      expect.stringContaining('OIDC_TIMEOUT_SECONDS must be a whole number from 1 to 60'),
    ]);
  });

  it('takes the portal pages a sign-in may come back to, and the name the sign-in page shows', () => {
    const portals =
      'https://portal.example.gov.uk/sign-in/sso/callback , https://grants.example.gov.uk/sign-in/sso/callback';
    expect(
      loadConfig({
        ...base,
        ...sso,
        OIDC_PORTAL_REDIRECT_URLS: portals,
        OIDC_PROVIDER_NAME: ' Home Office account ',
      }).sso,
    ).toMatchObject({
      portalRedirectUrls: [
        'https://portal.example.gov.uk/sign-in/sso/callback',
        'https://grants.example.gov.uk/sign-in/sso/callback',
      ],
      providerName: 'Home Office account',
    });
    // Empty: no portal may ask, only the API's own callback is used.
    expect(loadConfig({ ...base, ...sso, OIDC_PORTAL_REDIRECT_URLS: '' }).sso).toMatchObject({
      portalRedirectUrls: [],
    });
    expect(problemsOf({ ...base, ...sso, OIDC_PORTAL_REDIRECT_URLS: 'portal/callback' })).toEqual([
      'OIDC_PORTAL_REDIRECT_URLS must be an http:// or https:// URL (got "portal/callback")',
    ]);
  });
});
