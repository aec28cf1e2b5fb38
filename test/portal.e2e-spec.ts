import type { BrowserContext } from 'playwright-core';
import { createAccount } from './support/accounts';
import { NORTHUMBRIA_PCC, openRound, organisationIds, validBid, type Bidder } from './support/bids';
import { uniqueSuffix } from './support/factories';
import { startPortalBrowser, type PortalBrowser } from './support/portal';
import { rememberSecondFactor, unusedCode } from './support/second-factor';
import { eventually } from './support/smtp';

// The portal's doors in a real browser: people sign in, with the code from an authenticator app
// for staff, accept invitations, reset passwords and find their work; every page is checked
// with axe (WCAG 2.2 AA, 0 violations), works by keyboard and without JavaScript, has a title
// of its own, and errors end on pages in the service's style.

// The page's DOM as the checks below read it (the project compiles without the DOM library).
declare const document: { activeElement: { id: string; textContent: string | null } | null };

describe('the portal in a browser', () => {
  let portal: PortalBrowser;
  let baseUrl: string;
  let bidder: Bidder;
  let draftTitle: string;
  const check: PortalBrowser['check'] = (page, name) => portal.check(page, name);
  const signIn: PortalBrowser['signIn'] = (page, email, password) =>
    portal.signIn(page, email, password);

  beforeAll(async () => {
    portal = await startPortalBrowser();
    baseUrl = portal.baseUrl;
    const { world } = portal;
    bidder = world.pcc;
    const round = await openRound(portal.world.t, portal.world.as('admin'));
    draftTitle = `Lighting the underpass ${uniqueSuffix()}`;
    await portal.world.t
      .http()
      .post('/api/v1/bids')
      .set(bidder.headers)
      .send(validBid(round, { title: draftTitle }))
      .expect(201);
  }, 180_000);

  afterAll(() => portal?.close(), 30_000);

  it('lets a bidder sign in from the start page and find their draft in their tasks', async () => {
    const page = await portal.newPage();
    await page.goto(`${baseUrl}/`);
    await check(page, 'start');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/sign-in`);
    await check(page, 'sign-in');
    await page.getByLabel('Email address').fill(bidder.email);
    await page.getByLabel('Password').fill(bidder.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${baseUrl}/tasks`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your tasks');
    const row = page.getByRole('row').filter({ hasText: draftTitle });
    await expect(row.getByRole('link').textContent()).resolves.toContain('draft bid');
    // The round's close on the UK clock with its zone named, as the API gives it.
    await expect(row.textContent()).resolves.toMatch(
      /\d{1,2} \w+ \d{4} \d{2}:\d{2}:\d{2} (GMT|BST)/,
    );
    await check(page, 'tasks');
    // The session cookie is the only one that identifies the person, and no script can read it.
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'ssg-session')).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'You have signed out',
    );
    await check(page, 'signed-out');
    await page.goto(`${baseUrl}/tasks`);
    await page.waitForURL(`${baseUrl}/sign-in`);
    await page.context().close();
  }, 90_000);

  it('ends the first person’s session at the API when someone else signs in on the same browser', async () => {
    const { world } = portal;
    const liveSessions = async () =>
      (
        await world.t
          .http()
          .get('/api/v1/me/sessions?limit=100')
          .set(world.council.headers)
          .expect(200)
      ).body.total as number;
    const before = await liveSessions();
    const page = await portal.newPage();
    await signIn(page, world.council.email, world.council.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    expect(await liveSessions()).toBe(before + 1);
    // A colleague signs in on the same browser without signing the first out: the first's
    // session is ended at the API, not left to live until its refresh token runs out.
    await signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    expect(await liveSessions()).toBe(before);
    await page.context().close();
  }, 60_000);

  it('takes an invited person from the emailed link to their first sign-in', async () => {
    const email = `invited-${uniqueSuffix().toLowerCase()}@northumbria-pcc.example`;
    const organisationId = (await organisationIds(portal.world.t, portal.world.as('admin')))[
      NORTHUMBRIA_PCC
    ];
    await portal.world.t
      .http()
      .post('/api/v1/users')
      .set(portal.world.as('admin'))
      .send({ email, name: 'Invited Bidder', role: 'applicant', organisationId })
      .expect(201);
    const mail = await eventually(() => {
      const [delivered] = portal.world.smtp.to(email);
      expect(delivered).toBeDefined();
      return delivered;
    });
    // The emailed link, opened on this test's server.
    const link = new URL(
      /(https?:\/\/\S+\/account\/set-password\?token=\S+)/.exec(mail.text)?.[1] ?? '',
    );
    const page = await portal.newPage();
    await page.goto(`${baseUrl}${link.pathname}${link.search}`);
    await check(page, 'choose-password');
    // A password the API refuses is said beside the field, and nothing is changed.
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Save the password' }).click();
    await expect(page.locator('#password-error').textContent()).resolves.toMatch(/\S/);
    await check(page, 'choose-password-refused');
    const chosen = `Chosen-Password-${uniqueSuffix()}`;
    await page.getByLabel('Password').fill(chosen);
    await page.getByRole('button', { name: 'Save the password' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Your account is ready',
    );
    // The link worked once.
    await page.goto(`${baseUrl}${link.pathname}${link.search}`);
    await page.getByLabel('Password').fill(`${chosen}-again`);
    await page.getByRole('button', { name: 'Save the password' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'This link is not working',
    );
    await check(page, 'link-not-working');
    await signIn(page, email, chosen);
    await page.waitForURL(`${baseUrl}/tasks`);
    // The emails sent to them are listed, the invitation among them, as sent.
    await page.getByRole('link', { name: 'Notifications' }).click();
    const invitation = page.getByRole('row').filter({ hasText: mail.subject });
    await expect(invitation.getByRole('strong').textContent()).resolves.toBe('Sent');
    await check(page, 'notifications');
    await page.context().close();
  }, 90_000);

  it('sends a password reset link from the sign-in page', async () => {
    const page = await portal.newPage();
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByRole('link', { name: 'I have forgotten my password' }).click();
    await check(page, 'forgotten-password');
    await page.getByLabel('Email address').fill(bidder.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Check your email',
    );
    await check(page, 'reset-link-sent');
    const mail = await eventually(() => {
      const delivered = portal.world.smtp
        .to(bidder.email)
        .find((m) => m.text.includes('/account/reset-password'));
      expect(delivered).toBeDefined();
      return delivered!;
    });
    expect(mail.text).toContain('/account/reset-password?token=');
    await page.context().close();
  }, 60_000);

  it('shows a refused sign-in’s reasons in an error summary linked to the fields, keeping the email', async () => {
    const page = await portal.newPage();
    await signIn(page, bidder.email, 'not-the-password');
    const summary = page.locator('.govuk-error-summary');
    await expect(summary.getByRole('heading').textContent()).resolves.toBe('There is a problem');
    await expect(page.title()).resolves.toMatch(/^Error: Sign in/);
    await expect(page.getByLabel('Email address').inputValue()).resolves.toBe(bidder.email);
    await expect(page.getByLabel('Password').inputValue()).resolves.toBe('');
    await check(page, 'sign-in-refused');
    // The summary's link takes the person to the field it names.
    await summary.getByRole('link').first().click();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('email');
    // Fields the API finds missing are named beside each field.
    await signIn(page, '', '');
    await expect(page.locator('#email-error').textContent()).resolves.toContain('email');
    await expect(page.locator('#password-error').textContent()).resolves.toContain('password');
    await page.context().close();
  }, 60_000);

  it('has new staff set up an authenticator app at their first sign-in, then sign in with its code', async () => {
    const email = `assessor-${uniqueSuffix().toLowerCase()}@homeoffice.example`;
    const account = await createAccount(portal.world.t, portal.world.as('admin'), {
      email,
      name: 'Portal Assessor',
      role: 'assessor',
    });
    // The password alone lets them do nothing but set up the app.
    const page = await portal.newPage();
    await signIn(page, email, account.password);
    await page.waitForURL(`${baseUrl}/account/second-factor`);
    await check(page, 'second-factor-start');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${baseUrl}/account/second-factor/code`);
    await expect(page.getByRole('img', { name: /QR code/ }).count()).resolves.toBe(1);
    await expect(page.locator('#recovery-codes li').count()).resolves.toBe(10);
    const secret = ((await page.locator('#secret-key').textContent()) ?? '').replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    rememberSecondFactor(email, secret);
    await check(page, 'second-factor-code');
    // A wrong code: said beside the field, the same secret still shown.
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await expect(page.locator('#code-error').textContent()).resolves.toContain(
      'not the one the authenticator app should show',
    );
    await expect(page.locator('#secret-key').textContent()).resolves.toMatch(
      new RegExp(secret.slice(0, 4)),
    );
    await page.getByLabel('Code from your authenticator app').fill(await unusedCode(email));
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await page.waitForURL(`${baseUrl}/account/second-factor/done`);
    await check(page, 'second-factor-done');
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.waitForURL(`${baseUrl}/tasks`);
    await expect(page.locator('main').textContent()).resolves.toContain('You have no tasks');
    await page.getByRole('button', { name: 'Sign out' }).click();

    // Next time: the password, then a code from the app.
    await signIn(page, email, account.password);
    await page.waitForURL(`${baseUrl}/sign-in/code`);
    await check(page, 'sign-in-code');
    await page.getByLabel('Code').fill('000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#code-error').textContent()).resolves.toMatch(/\S/);
    await page.getByLabel('Code').fill(await unusedCode(email));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.context().close();
  }, 120_000);

  it('works by keyboard alone, starting from the skip link', async () => {
    const page = await portal.newPage();
    await page.goto(`${baseUrl}/sign-in`);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent?.trim())).resolves.toBe(
      'Skip to main content',
    );
    await page.keyboard.press('Enter');
    // From the main content: the email, the password, then the button, by Tab.
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('email');
    await page.keyboard.type(bidder.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(bidder.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.context().close();
  }, 60_000);

  it('works without JavaScript', async () => {
    const page = await portal.newPage({ javaScriptEnabled: false });
    const context: BrowserContext = page.context();
    await signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await expect(page.getByRole('row').filter({ hasText: draftTitle }).count()).resolves.toBe(1);
    await context.close();
  }, 60_000);

  it('answers a missing page, a forged form and an ended session in the service’s style', async () => {
    const page = await portal.newPage();
    const missing = await page.goto(`${baseUrl}/no-such-page`);
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Page not found',
    );
    await check(page, 'not-found');

    // A form posted without its token (as another site would) changes nothing.
    const forged = await page.request.post(`${baseUrl}/sign-in`, {
      form: { email: bidder.email, password: bidder.password },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('Your form could not be sent');
    await expect(page.context().cookies()).resolves.not.toContainEqual(
      expect.objectContaining({ name: 'ssg-session' }),
    );

    // Signed in, then every session of the person ended at the API (as a password change does).
    await signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    // An address with a mangled id (the API refuses it, 400) is a page that does not exist.
    const mangled = await page.goto(`${baseUrl}/bids/not-a-bid-id`);
    expect(mangled?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Page not found',
    );
    const me = await portal.world.t.http().get('/api/v1/me').set(bidder.headers).expect(200);
    await portal.world.t
      .http()
      .post(`/api/v1/users/${(me.body as { id: string }).id}/sessions/end`)
      .set(portal.world.as('admin'))
      .expect(200);
    await page.goto(`${baseUrl}/tasks`);
    await page.waitForURL(/\/sign-in\?ended=1$/);
    await expect(page.locator('main').textContent()).resolves.toContain('session ended');
    await check(page, 'session-ended');
    await page.context().close();
  }, 60_000);

  it('gives every page a title of its own', () => {
    const seen = [...portal.titles.values()];
    expect(seen.length).toBeGreaterThanOrEqual(7);
    // The sign-in form with errors shares the form's title, marked "Error:" first.
    expect(new Set(seen).size).toBe(seen.length);
  });
});
