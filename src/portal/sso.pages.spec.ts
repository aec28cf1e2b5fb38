import { loadConfig } from '../config/load-config';
import { portalSso } from './sso.pages';

describe('portalSso', () => {
  const base = { NODE_ENV: 'development', PUBLIC_BASE_URL: 'https://grants.example.gov.uk' };
  const sso = {
    OIDC_ISSUER_URL: 'https://login.example.gov.uk/tenant',
    OIDC_CLIENT_ID: 'safer-streets',
    OIDC_CLIENT_SECRET: 'a-client-secret',
  };

  it("offers the provider by name, coming back to the portal's own page", () => {
    expect(portalSso(loadConfig({ ...base, ...sso, OIDC_PROVIDER_NAME: 'DOM1' }))).toEqual({
      providerName: 'DOM1',
      providerOrigin: 'https://login.example.gov.uk',
      callbackUrl: 'https://grants.example.gov.uk/sign-in/sso/callback',
    });
  });

  it('offers nothing without SSO, or when the portal page may not be come back to', () => {
    expect(portalSso(loadConfig(base))).toBeUndefined();
    const elsewhere = 'https://portal.example.gov.uk/sign-in/sso/callback';
    expect(
      portalSso(loadConfig({ ...base, ...sso, OIDC_PORTAL_REDIRECT_URLS: elsewhere })),
    ).toBeUndefined();
  });
});
