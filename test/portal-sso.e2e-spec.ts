import type { Page } from 'playwright-core';
import { startApp, testConfig, type TestApp } from './support/app';
import { TestOidcProvider } from './support/oidc';
import { startPortalBrowser, type PortalBrowser, type PortalWorld } from './support/portal';
import { freePort } from './support/processes';

// The browser's own, inside page.evaluate (the tests compile without the DOM's types).
declare const location: { assign(url: string): void };

// Staff sign in to the portal through the department's identity provider, in a real browser: a
// real OpenID provider (oidc-provider, its own login and consent pages) sends them back to the
// portal's page, which finishes the sign-in through the API. A callback from another browser,
// or with a forged code, signs nobody in.
describe('signing in to the portal with single sign-on', () => {
  let idp: TestOidcProvider;
  let portal: PortalBrowser<PortalWorld>;
  let baseUrl: string;
  // The address the provider sent the signed-in browser back to.
  let usedCallback: string;
  const account = 'a.officer';

  beforeAll(async () => {
    // The provider registers the portal's page, so the portal's address is fixed first.
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    idp = await TestOidcProvider.start(`${baseUrl}/api/v1/auth/sso/callback`, [
      `${baseUrl}/sign-in/sso/callback`,
    ]);
    idp.accounts.set(account, { email: 'assessor@demo.test', email_verified: true });
    portal = await startPortalBrowser(
      async () => {
        const t = await startApp({
          processRole: 'api',
          mail: { ...testConfig().mail, publicBaseUrl: baseUrl },
          sso: idp.ssoConfig({ providerName: 'Home Office sign-in' }),
        });
        return { t, close: () => t.close() };
      },
      { port },
    );
    expect(portal.baseUrl).toBe(baseUrl);
  }, 60_000);

  afterAll(async () => {
    await portal?.close();
    await idp?.close();
  });

  const ssoButton = (page: Page) =>
    page.getByRole('button', { name: 'Sign in with Home Office sign-in' });
  // The error summary's message, which links to the button to start again.
  const problemOn = (page: Page) =>
    page.locator('.govuk-error-summary a[href="#sso"]').textContent();
  // Whether this browser is signed in: a signed-in page, or sent to sign in.
  const signedIn = async (page: Page): Promise<boolean> => {
    await page.goto(`${baseUrl}/tasks`);
    return page.url() === `${baseUrl}/tasks`;
  };

  it('signs a staff member in at the provider and brings them to their tasks', async () => {
    const page = await portal.newPage();
    await page.goto(`${baseUrl}/tasks`);
    expect(page.url()).toBe(`${baseUrl}/sign-in`);
    await portal.check(page, 'sign-in-with-sso');
    page.on('request', (request) => {
      if (request.url().startsWith(`${baseUrl}/sign-in/sso/callback?`)) {
        usedCallback = request.url();
      }
    });

    await ssoButton(page).click();
    // The provider's own pages: who they are there, then their consent.
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.locator('input[name=login]').fill(account);
    await page.locator('input[name=password]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL(`${baseUrl}/tasks`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your tasks');
    // Signed in as the assessor the provider vouched for, with no second-factor code asked.
    await expect(page.getByRole('link', { name: 'Your assessments' }).count()).resolves.toBe(1);
    expect(new URL(usedCallback).searchParams.get('code')).toBeTruthy();
  });

  it('starts nothing when another site sends the browser to the start address: a sign-in under way still completes', async () => {
    const page = await portal.newPage();
    await page.goto(`${baseUrl}/sign-in`);
    await ssoButton(page).click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    // Another site's link to the start address, followed in the same browser.
    const other = await page.context().newPage();
    const starts: string[] = [];
    other.on('request', (request) => {
      if (request.url().startsWith(`${idp.issuer}/auth?`)) {
        starts.push(request.url());
      }
    });
    await other.goto(`${idp.issuer}/.well-known/openid-configuration`);
    await other.evaluate((target) => location.assign(target), `${baseUrl}/sign-in/sso`);
    await other.waitForURL((url) => !url.pathname.startsWith('/.well-known/'));
    expect(other.url()).toBe(`${baseUrl}/sign-in`);
    expect(starts).toEqual([]);
    await other.close();

    // The session still holds the sign-in the button began: the provider's answer is taken.
    await page.locator('input[name=login]').fill(account);
    await page.locator('input[name=password]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${baseUrl}/tasks`);
    expect(await signedIn(page)).toBe(true);
  });

  it('refuses a start posted without its form token, as another site would post it', async () => {
    const page = await portal.newPage();
    const forged = await page.request.post(`${baseUrl}/sign-in/sso`, {
      form: { from: 'elsewhere' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('Your form could not be sent');
    await expect(page.context().cookies()).resolves.not.toContainEqual(
      expect.objectContaining({ name: 'ssg-session' }),
    );
  });

  it("lets only the sign-in page's forms lead to the provider", async () => {
    const http = portal.world.t.http();
    const policyOf = async (path: string) =>
      (await http.get(path).set('accept', 'text/html')).headers['content-security-policy'];
    expect(await policyOf('/sign-in')).toContain(`form-action 'self' ${idp.issuer};`);
    expect(await policyOf('/')).toContain("form-action 'self';");
    expect(await policyOf('/account/forgotten-password')).toContain("form-action 'self';");
  });

  it('refuses the callback replayed in another browser, and signs nobody in', async () => {
    const other = await portal.newPage();
    const answer = await other.goto(usedCallback);
    expect(answer?.status()).toBe(400);
    expect(await other.title()).toBe('Error: Sign in - Safer Streets grants');
    expect(await problemOn(other)).toContain('This sign-in was not started in this browser');
    await expect(ssoButton(other).count()).resolves.toBe(1);
    expect(await signedIn(other)).toBe(false);
  });

  it('refuses a callback with a forged code: the API does not confirm it', async () => {
    const page = await portal.newPage();
    await page.goto(`${baseUrl}/sign-in`);
    const toProvider = page.waitForRequest((request) =>
      request.url().startsWith(`${idp.issuer}/auth?`),
    );
    await ssoButton(page).click();
    // This browser's own sign-in in progress, but a code the provider never issued.
    const state = new URL((await toProvider).url()).searchParams.get('state')!;
    await page.waitForURL((url) => url.origin === idp.issuer);
    const forged = new URLSearchParams({ code: 'forged-code', state, iss: idp.issuer });
    const answer = await page.goto(`${baseUrl}/sign-in/sso/callback?${forged.toString()}`);
    expect(answer?.status()).toBe(401);
    expect(await problemOn(page)).toContain('The identity provider did not confirm this sign-in');
    await portal.check(page, 'sign-in-with-sso-refused');
    expect(await signedIn(page)).toBe(false);
  });
});

describe('the portal without single sign-on', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ processRole: 'api', sso: undefined });
  });
  afterAll(() => t?.close());

  it('offers no SSO button, and its callback page is not found', async () => {
    const signIn = await t.http().get('/sign-in').set('accept', 'text/html').expect(200);
    expect(signIn.text).toContain('Email address');
    expect(signIn.text).not.toContain('/sign-in/sso');
    expect(signIn.headers['content-security-policy']).toContain("form-action 'self';");
    await t.http().get('/sign-in/sso').set('accept', 'text/html').expect(404);
    const callback = await t
      .http()
      .get('/sign-in/sso/callback?code=abc&state=def')
      .set('accept', 'text/html')
      .expect(404);
    expect(callback.text).toContain('Page not found');
  });
});
