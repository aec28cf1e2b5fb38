import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { Account } from 'oidc-provider';
import type { SsoConfig } from '../../src/auth/sso/sso-config';

export interface AccountClaims {
  email?: string;
  email_verified?: boolean;
}

// A real OpenID Connect provider inside the test (oidc-provider), with one confidential client:
// code flow, PKCE required, client_secret_basic, and its redirect URIs: the app's callback and
// any portal pages (portalRedirectUris) a sign-in may come back to instead. Accounts are whatever a test puts in
// `accounts`, by account id, with the email claims the test chooses. Its development login and
// consent pages are driven over HTTP by signIn(), as a browser would (cookies and redirects).
export class TestOidcProvider {
  readonly accounts = new Map<string, AccountClaims>();
  readonly clientId = 'safer-streets-grants';
  readonly clientSecret = randomBytes(24).toString('base64url');
  private provider!: Provider;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    readonly redirectUri: string,
    readonly portalRedirectUris: string[],
  ) {}

  static async start(
    redirectUri: string,
    portalRedirectUris: string[] = [],
  ): Promise<TestOidcProvider> {
    let handle: (request: IncomingMessage, response: ServerResponse) => void = () => undefined;
    const server = createServer((request, response) => handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const instance = new TestOidcProvider(
      server,
      `http://127.0.0.1:${port}`,
      redirectUri,
      portalRedirectUris,
    );
    instance.provider = instance.createProvider();
    handle = instance.provider.callback();
    return instance;
  }

  // What the app needs to use this provider.
  ssoConfig(overrides: Partial<SsoConfig> = {}): SsoConfig {
    return {
      issuerUrl: this.issuer,
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      clientAuthMethod: 'client_secret_basic',
      redirectUrl: this.redirectUri,
      timeoutSeconds: 5,
      portalRedirectUrls: this.portalRedirectUris,
      providerName: 'Test identity provider',
      ...overrides,
    };
  }

  // Signs `accountId` in at the authorization URL the app gave, through the login and consent
  // pages, and returns where the provider then sends the browser: the app's callback, with the
  // code, state and iss in its query (or an error).
  async signIn(authorizationUrl: string, accountId: string): Promise<URL> {
    const jar = new CookieJar();
    let url = new URL(authorizationUrl);
    let form: URLSearchParams | undefined;
    for (let step = 0; step < 12; step += 1) {
      if ([this.redirectUri, ...this.portalRedirectUris].some((uri) => url.href.startsWith(uri))) {
        return url;
      }
      const response = await fetch(url, {
        method: form ? 'POST' : 'GET',
        body: form,
        headers: { cookie: jar.header(url) },
        redirect: 'manual',
      });
      jar.store(response, url);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url);
        form = undefined;
        continue;
      }
      const page = await response.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      if (response.status !== 200 || !prompt) {
        throw new Error(`The provider answered ${response.status} at ${url.pathname}: ${page}`);
      }
      // The development login takes any password; the account is the login.
      form = new URLSearchParams({ prompt, login: accountId, password: 'any' });
    }
    throw new Error('The provider never sent the browser back to the app');
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private createProvider(): Provider {
    const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'jwk',
    });
    return new Provider(this.issuer, {
      clients: [
        {
          client_id: this.clientId,
          client_secret: this.clientSecret,
          redirect_uris: [this.redirectUri, ...this.portalRedirectUris],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      pkce: { required: () => true },
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      findAccount: (_context: unknown, id: string): Account | undefined => {
        const claims = this.accounts.get(id);
        return claims
          ? { accountId: id, claims: () => Promise.resolve({ sub: id, ...claims }) }
          : undefined;
      },
      jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      features: { devInteractions: { enabled: true } },
      // Lifetimes of its own records, set so it does not print a notice for each default.
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        IdToken: 600,
        Grant: 600,
        Interaction: 600,
        Session: 600,
      },
    });
  }
}

// Just enough of a browser's cookie store: by name and path, sent where the path matches.
class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  header(url: URL): string {
    return [...this.cookies.values()]
      .filter((cookie) => url.pathname.startsWith(cookie.path))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  store(response: Response, url: URL): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      const attribute = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const path = attribute('path') ?? url.pathname;
      const expires = attribute('expires');
      const gone = value === '' || (expires !== undefined && Date.parse(expires) <= Date.now());
      if (gone) {
        this.cookies.delete(`${name} ${path}`);
      } else {
        this.cookies.set(`${name} ${path}`, { name, value, path });
      }
    }
  }
}
