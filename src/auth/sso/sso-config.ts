import { Env, integer, oneOf } from '../../config/env-readers';

// Single sign-on for staff through the department's OpenID Connect provider. Off (the SSO routes
// answer 404) unless the issuer, client id and client secret are all set.
export interface SsoConfig {
  // The provider's issuer identifier; its discovery document is read from
  // `<issuer>/.well-known/openid-configuration`.
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  // How this client proves itself at the provider's token endpoint.
  clientAuthMethod: SsoClientAuthMethod;
  // Where the provider sends the browser back to: register exactly this at the provider.
  redirectUrl: string;
  // Seconds each call to the provider (discovery, token, userinfo) may take.
  timeoutSeconds: number;
  // Portal pages a sign-in may ask to come back to instead (`sso/start?redirectUrl=`), each
  // registered at the provider too; the portal then completes the sign-in through the callback.
  portalRedirectUrls: string[];
  // How the sign-in page names the provider ("Sign in with …").
  providerName: string;
}

export const SSO_CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type SsoClientAuthMethod = (typeof SSO_CLIENT_AUTH_METHODS)[number];

// The route the provider redirects to, under the API prefix.
export const SSO_CALLBACK_PATH = '/api/v1/auth/sso/callback';
// The built-in portal's page the provider may send a sign-in back to (src/portal).
export const PORTAL_SSO_CALLBACK_PATH = '/sign-in/sso/callback';
// What the sign-in page calls the provider without OIDC_PROVIDER_NAME.
export const DEFAULT_PROVIDER_NAME = 'your work account';

const REQUIRED = ['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

// Plain http only to a provider on this machine (a test or a local provider) and never in
// production: the client secret and the user's claims travel over it.
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

export function loadSsoConfig(
  env: Env,
  context: { production: boolean; publicBaseUrl: string },
  problems: string[],
): SsoConfig | undefined {
  const set = REQUIRED.filter((name) => (env[name] ?? '') !== '');
  if (set.length === 0) {
    return undefined;
  }
  if (set.length < REQUIRED.length) {
    const missing = REQUIRED.filter((name) => !set.includes(name));
    problems.push(
      `Single sign-on needs OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together: ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not (set all three, or none to turn SSO off)`,
    );
    return undefined;
  }
  const issuerUrl = providerUrl(env, 'OIDC_ISSUER_URL', context.production, problems);
  const redirectUrl = env.OIDC_REDIRECT_URL || `${context.publicBaseUrl}${SSO_CALLBACK_PATH}`;
  checkRedirectUrl('OIDC_REDIRECT_URL', redirectUrl, context.production, problems);
  const portalRedirectUrls = (
    env.OIDC_PORTAL_REDIRECT_URLS ?? `${context.publicBaseUrl}${PORTAL_SSO_CALLBACK_PATH}`
  )
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const portalUrl of portalRedirectUrls) {
    checkRedirectUrl('OIDC_PORTAL_REDIRECT_URLS', portalUrl, context.production, problems);
  }
  const clientAuthMethod = oneOf(
    env,
    'OIDC_CLIENT_AUTH_METHOD',
    SSO_CLIENT_AUTH_METHODS,
    'client_secret_basic',
    problems,
  );
  const timeoutSeconds = integer(env, 'OIDC_TIMEOUT_SECONDS', 10, 1, 60, problems);
  return {
    issuerUrl,
    clientId: env.OIDC_CLIENT_ID!,
    clientSecret: env.OIDC_CLIENT_SECRET!,
    clientAuthMethod,
    redirectUrl,
    timeoutSeconds,
    portalRedirectUrls,
    providerName: env.OIDC_PROVIDER_NAME?.trim() || DEFAULT_PROVIDER_NAME,
  };
}

function providerUrl(env: Env, name: string, production: boolean, problems: string[]): string {
  const value = env[name]!;
  const url = parse(value);
  if (!url) {
    problems.push(`${name} is not a valid URL (got "${value}")`);
  } else if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url))) {
    problems.push(
      `${name} must start https:// (http:// is accepted only for a provider on this machine, outside production)`,
    );
  } else if (url.protocol === 'http:' && production) {
    problems.push(`${name} must start https:// in production`);
  }
  return value;
}

function checkRedirectUrl(
  name: string,
  value: string,
  production: boolean,
  problems: string[],
): void {
  const url = parse(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    problems.push(`${name} must be an http:// or https:// URL (got "${value}")`);
  } else if (production && url.protocol !== 'https:') {
    problems.push(
      `The SSO redirect URL must start https:// in production (got "${value}"); set ${name}, or PUBLIC_BASE_URL it defaults from`,
    );
  }
}

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
