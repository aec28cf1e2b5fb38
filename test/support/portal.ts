import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { APIResponse, Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import type { TestApp } from './app';
import { startBidding, type BiddingWorld } from './bids';
import { unusedCode } from './second-factor';

// The portal in a real browser (Debian's Chromium) for the portal suites: the bidding world's
// API listening on a port, and the checks every page gets. Screenshots of each checked page are
// kept in var/test-artefacts/portal (not committed) for people to look at.
const ARTEFACTS = join(__dirname, '..', '..', 'var', 'test-artefacts', 'portal');
// WCAG 2.2 AA, as GOV.UK services must meet.
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// What a suite's world must have: the app the browser uses, and a way to stop it.
export interface PortalWorld {
  t: TestApp;
  close: () => Promise<void>;
}

export interface PortalBrowser<World extends PortalWorld = BiddingWorld> {
  world: World;
  browser: Browser;
  baseUrl: string;
  // Each checked page's title, by the name it was checked under.
  titles: Map<string, string>;
  // A page in a fresh browser context (cookies of its own; axe needs such pages).
  newPage(options?: { javaScriptEnabled?: boolean }): Promise<Page>;
  // The page as it stands: no axe violations; its screenshot and title kept.
  check(page: Page, name: string): Promise<void>;
  signIn(page: Page, email: string, password: string): Promise<void>;
  // Staff: the password, then the code from their authenticator app, landing on their tasks.
  signInStaff(page: Page, email: string, password: string): Promise<void>;
  // The form posting to `action` sent twice at once, as a double click without JavaScript sends
  // it: its fields `names` as the page holds them, plus `typed`; both answers, redirects not
  // followed.
  sendTwice(
    page: Page,
    action: string,
    names: string[],
    typed?: Record<string, string>,
  ): Promise<APIResponse[]>;
  close(): Promise<void>;
}

// `makeWorld`: a suite needing more than the bidding world (an active award, say) makes it; its
// API is the one the browser uses. `port`: where it listens, for a suite whose config must name
// the portal's address before it starts (0: any free port).
export async function startPortalBrowser<World extends PortalWorld = BiddingWorld>(
  makeWorld: () => Promise<World> = startBidding as unknown as () => Promise<World>,
  { port = 0 } = {},
): Promise<PortalBrowser<World>> {
  // Fails here, plainly, when Chromium is missing, before any data is made.
  const browser = await launchChromium();
  await mkdir(ARTEFACTS, { recursive: true });
  const world = await makeWorld();
  await world.t.app.listen(port, '127.0.0.1');
  // localhost, not 127.0.0.1: browsers keep Secure cookies over plain HTTP only there.
  const baseUrl = (await world.t.app.getUrl()).replace('127.0.0.1', 'localhost');
  const titles = new Map<string, string>();
  const signIn = async (page: Page, email: string, password: string) => {
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Continue' }).click();
  };
  return {
    world,
    browser,
    baseUrl,
    titles,
    newPage: async (options = {}) => (await browser.newContext(options)).newPage(),
    async check(page, name) {
      // Legacy mode: axe runs once in the page itself. The default runs it per frame, then opens
      // a blank page to put the results together, loading axe's 640 kB twice more: about twice
      // as slow, for frames the portal's pages do not have (none comes from another origin).
      const { violations } = await new AxeBuilder({ page })
        .withTags(WCAG)
        .setLegacyMode(true)
        .analyze();
      expect(
        violations
          .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !knownGovukIssue(v.id, n.html)) }))
          .filter((v) => v.nodes.length > 0)
          .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      ).toEqual([]);
      await page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });
      titles.set(name, await page.title());
    },
    signIn,
    async signInStaff(page, email, password) {
      await signIn(page, email, password);
      await page.waitForURL(`${baseUrl}/sign-in/code`);
      // A code another suite used meanwhile for the same user (demo staff sign in in several)
      // is refused; the next step's code is then tried.
      for (let attempt = 1; attempt <= 3; attempt++) {
        await page.getByLabel('Code').fill(await unusedCode(email));
        await page.getByRole('button', { name: 'Sign in' }).click();
        const refused = await Promise.race([
          page.waitForURL(`${baseUrl}/tasks`).then(() => false),
          page
            .locator('#code-error')
            .waitFor()
            .then(() => true),
        ]);
        if (!refused) {
          return;
        }
      }
      throw new Error(`${email} could not sign in with a code`);
    },
    async sendTwice(page, action, names, typed = {}) {
      const form = page.locator(`form[action="${action}"]`);
      const fields: Record<string, string> = {};
      for (const name of names) {
        fields[name] = await form.locator(`[name="${name}"]`).inputValue();
      }
      return Promise.all(
        [1, 2].map(() =>
          page.request.post(`${baseUrl}${action}`, {
            form: { ...fields, ...typed },
            maxRedirects: 0,
          }),
        ),
      );
    },
    async close() {
      await browser.close();
      await world.close();
    },
  };
}

// GOV.UK Frontend's script puts aria-expanded on a radio that reveals conditional content, which
// axe reports as not allowed on a radio. The Design System keeps it on purpose (screen readers
// announce it; alphagov/govuk-frontend#979 lists it as a known issue), so that one is let through.
function knownGovukIssue(rule: string, html: string): boolean {
  return (
    rule === 'aria-allowed-attr' &&
    /^<input class="govuk-radios__input"[^>]*\saria-expanded="(true|false)"/.test(html)
  );
}
