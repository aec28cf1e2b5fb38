import { randomUUID } from 'node:crypto';
import { PORTAL_PAGES, type PortalPage } from '../src/notifications/portal-links';
import { startApp, TestApp } from './support/app';

// Without a separate portal (PORTAL_BASE_URL unset), every page an email links to is one this
// application's built-in portal serves: a link from a fresh start is never a 404.
describe('portal links without a portal', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ processRole: 'api' });
  });
  afterAll(() => t.close());

  it('uses the built-in portal’s pages by default', () => {
    expect(t.config.portal.pages).toEqual(PORTAL_PAGES);
    expect(t.config.portal.baseUrl).toBe(t.config.mail.publicBaseUrl);
  });

  it.each(Object.keys(PORTAL_PAGES) as PortalPage[])('serves the %s page', async (page) => {
    const path = PORTAL_PAGES[page]
      .replace('{id}', randomUUID())
      .replace('{token}', `${randomUUID()}.${'A'.repeat(43)}`)
      .split('#')[0];
    const answer = await t.http().get(path).redirects(1);
    // An object's page sends a browser to sign in (followed here); the others open as they are.
    expect([path, answer.status]).toEqual([path, 200]);
  });

  it('gives a password page that posts the link’s token back in its form, and no page for a made-up token', async () => {
    const token = `${randomUUID()}.${'A'.repeat(43)}`;
    for (const path of ['/account/set-password', '/account/reset-password']) {
      const page = await t.http().get(`${path}?token=${token}`).expect(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.text).toContain(`action="${path}"`);
      expect(page.text).toContain(`name="token" value="${token}"`);
      const madeUp = await t.http().get(`${path}?token=%22%3E%3Cscript%3E`).expect(400);
      expect(madeUp.text).toContain('This link is not working');
      expect(madeUp.text).not.toContain('<script>');
    }
  });
});
