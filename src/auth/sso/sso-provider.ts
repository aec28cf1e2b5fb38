import { Inject, Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { isLoopbackUrl, SsoConfig } from './sso-config';
import { ssoError } from './sso.errors';
import type { ProvenIdentity } from './sso.rules';

// What the callback must match: kept server-side from the start of the sign-in.
export interface SignInChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
  // The redirect URI sent to the provider, which the code exchange must repeat.
  redirectUrl: string;
}

// The department's OpenID Connect provider, through openid-client: discovery, the authorization
// URL, and the code exchange with its checks (state, PKCE, the ID token's issuer, audience,
// expiry and nonce). Every failure leaves as one of the SSO problems; details go to the log.
@Injectable()
export class SsoProvider {
  private readonly logger = new Logger('Sso');
  private readonly settings: SsoConfig | undefined;
  // Discovered once and shared; a failed discovery is forgotten, so the next sign-in retries.
  private discovered?: Promise<client.Configuration>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.settings = config.sso;
  }

  get issuer(): string {
    return this.configured().issuerUrl;
  }

  // Refuses with 404 when SSO is off, before anything else is looked at.
  configured(): SsoConfig {
    if (!this.settings) {
      throw ssoError('sso-not-configured');
    }
    return this.settings;
  }

  async authorizationUrl(checks: SignInChecks): Promise<string> {
    const configuration = await this.configuration();
    return client
      .buildAuthorizationUrl(configuration, {
        redirect_uri: checks.redirectUrl,
        response_type: 'code',
        scope: 'openid email',
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      })
      .toString();
  }

  // Exchanges the code the browser brought back; `query` is the callback's whole query string.
  async identify(query: URLSearchParams, checks: SignInChecks): Promise<ProvenIdentity> {
    const configuration = await this.configuration();
    // openid-client takes the redirect_uri for the token request from this URL, so it is the
    // one the sign-in began with, whatever host, proxy or portal the callback came in through.
    const callbackUrl = new URL(checks.redirectUrl);
    callbackUrl.search = query.toString();
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      let claims: { email?: unknown; email_verified?: unknown } = {
        email: idToken.email,
        email_verified: idToken.email_verified,
      };
      // Many providers put the email in the ID token; others only at the userinfo endpoint.
      if (idToken.email === undefined || idToken.email_verified === undefined) {
        claims = await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
      }
      return {
        issuer: idToken.iss,
        subject: idToken.sub,
        email: typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : undefined,
        emailVerified: claims.email_verified === true,
      };
    } catch (error) {
      if (isUnreachable(error)) {
        this.logger.warn(
          `The identity provider did not answer the code exchange: ${describe(error)}`,
        );
        throw ssoError('sso-provider-unavailable');
      }
      this.logger.warn(`The identity provider did not confirm a sign-in: ${describe(error)}`);
      throw ssoError('sso-code-rejected');
    }
  }

  private configuration(): Promise<client.Configuration> {
    this.discovered ??= this.discover().catch((error: unknown) => {
      this.discovered = undefined;
      this.logger.warn(`Discovery at the identity provider failed: ${describe(error)}`);
      throw ssoError('sso-provider-unavailable');
    });
    return this.discovered;
  }

  private discover(): Promise<client.Configuration> {
    const settings = this.configured();
    const issuer = new URL(settings.issuerUrl);
    const authentication =
      settings.clientAuthMethod === 'client_secret_post'
        ? client.ClientSecretPost(settings.clientSecret)
        : client.ClientSecretBasic(settings.clientSecret);
    return client.discovery(issuer, settings.clientId, undefined, authentication, {
      timeout: settings.timeoutSeconds,
      // The config admits plain http only for a provider on this machine outside production.
      execute:
        issuer.protocol === 'http:' && isLoopbackUrl(issuer) ? [client.allowInsecureRequests] : [],
    });
  }
}

// The provider did not answer, or answered as a broken server would: worth retrying later,
// unlike a refusal, which it states in an OAuth error body.
function isUnreachable(error: unknown): boolean {
  if (error instanceof client.ClientError) {
    return [
      'OAUTH_TIMEOUT',
      'OAUTH_ABORT',
      'OAUTH_RESPONSE_IS_NOT_CONFORM',
      'OAUTH_RESPONSE_IS_NOT_JSON',
    ].includes(error.code ?? '');
  }
  if (error instanceof client.ResponseBodyError) {
    return error.status >= 500;
  }
  // fetch() fails with a TypeError whose cause is the socket error (refused, reset, DNS).
  return error instanceof TypeError && error.cause !== undefined;
}

// For the log: the error's class, code and message, never the code or tokens themselves
// (openid-client's messages name the check that failed, not the values).
function describe(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const code = (error as { code?: unknown }).code;
  const oauthError = (error as { error?: unknown }).error;
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return [error.name, code, oauthError, `${error.message}${cause}`]
    .filter((part) => typeof part === 'string' && part !== '')
    .join(': ');
}
