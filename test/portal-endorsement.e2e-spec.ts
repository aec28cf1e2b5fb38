import type { Page } from 'playwright-core';
import { openRound, validBid } from './support/bids';
import { startPortalBrowser, type PortalBrowser } from './support/portal';

// A PCC in the portal, in a real browser: finds its area's bids waiting for endorsement from its
// tasks, endorses one (a form sent twice endorses once), declines another (an empty reason
// refused, nothing changed), and ranks the endorsed bid with its own (a bid chosen twice
// refused, the choices kept). It is asked to endorse only a bid still waiting for it. A bidder of
// another area finds none of it.
describe('PCC endorsement and ranking in the portal', () => {
  let portal: PortalBrowser;
  let roundId: string;
  let roundCode: string;
  let endorsing: { id: string; reference: string };
  let declining: { id: string; reference: string };
  let own: { id: string; reference: string };
  let withdrawn: { id: string; reference: string };
  const api = () => portal.world.t.http();

  const bidOf = async (id: string) =>
    (await api().get(`/api/v1/bids/${id}`).set(portal.world.pcc.headers).expect(200)).body as {
      endorsement: { state: string; reason: string | null; decidedAt: string | null };
    };
  const ranks = async () =>
    (
      (
        await api()
          .get(`/api/v1/rounds/${roundId}/pcc-ranking`)
          .set(portal.world.pcc.headers)
          .expect(200)
      ).body.bids as { id: string; pccRank: number | null }[]
    ).flatMap((bid) => (bid.pccRank === null ? [] : [[bid.id, bid.pccRank]]));

  beforeAll(async () => {
    portal = await startPortalBrowser();
    const { t, as, council, pcc } = portal.world;
    const round = await openRound(t, as('admin'));
    roundId = round.id;
    roundCode = round.code;
    // Two council bids that need the PCC's endorsement, and the PCC's own (which does not).
    const submitted = async (headers: { authorization: string }, title: string) => {
      const created = await api()
        .post('/api/v1/bids')
        .set(headers)
        .send(validBid(round, { title }))
        .expect(201);
      await api().post(`/api/v1/bids/${created.body.id}/submit`).set(headers).expect(200);
      return created.body as { id: string; reference: string };
    };
    // One the council withdraws before its PCC decides (first: it then leaves the area's three
    // places to the others).
    withdrawn = await submitted(council.headers, 'Alley gates for Heaton');
    await api()
      .post(`/api/v1/bids/${withdrawn.id}/withdraw`)
      .set(council.headers)
      .send({ reason: 'The gates are now in the council’s own programme.' })
      .expect(200);
    endorsing = await submitted(council.headers, 'Safer alleys for Byker');
    declining = await submitted(council.headers, 'Lighting for Walker');
    own = await submitted(pcc.headers, 'Night-time economy patrols');
  }, 180_000);

  afterAll(() => portal?.close(), 30_000);

  async function signInPcc(page: Page): Promise<void> {
    await portal.signIn(page, portal.world.pcc.email, portal.world.pcc.password);
    await page.waitForURL(`${portal.baseUrl}/tasks`);
  }

  it('endorses one bid once and declines another with a reason', async () => {
    const { baseUrl } = portal;
    const page = await portal.newPage();
    await signInPcc(page);
    // The task opens the PCC's view of the bid, not the bidder's page.
    const task = page.locator(`main a[href="/endorsements/bids/${endorsing.id}"]`);
    await expect(task.textContent()).resolves.toBe('Endorse or decline a bid in your area');
    await portal.check(page, 'endorsement-tasks');

    await page.getByRole('link', { name: 'Bids to endorse' }).click();
    const listed = await page.locator('main').textContent();
    expect(listed).toContain(`${endorsing.reference}: Safer alleys for Byker`);
    expect(listed).toContain(`${declining.reference}: Lighting for Walker`);
    expect(listed).not.toContain(own.reference);
    await portal.check(page, 'endorsements');

    await page
      .getByRole('link', { name: `${endorsing.reference}: Safer alleys for Byker` })
      .click();
    expect(page.url()).toBe(`${baseUrl}/endorsements/bids/${endorsing.id}`);
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Waiting for your endorsement',
    );
    await portal.check(page, 'endorsement-bid');

    await page.getByRole('link', { name: 'Endorse this bid' }).click();
    await portal.check(page, 'endorsement-endorse');
    await page.getByRole('button', { name: 'Endorse bid' }).click();
    await expect(page.locator('.govuk-panel__title').textContent()).resolves.toBe('Bid endorsed');
    await portal.check(page, 'endorsement-decided');
    const endorsed = await bidOf(endorsing.id);
    expect(endorsed.endorsement.state).toBe('endorsed');

    // The same form sent again (back, send): the decision stands, made once.
    await page.goBack();
    await page.getByRole('button', { name: 'Endorse bid' }).click();
    await expect(page.locator('.govuk-panel__title').textContent()).resolves.toBe('Bid endorsed');
    expect((await bidOf(endorsing.id)).endorsement).toEqual(endorsed.endorsement);

    // From the bid's own page (where the email asking for endorsement links), on to declining:
    // it needs a reason, refused without one and nothing changed, then sent with one.
    await page.goto(`${baseUrl}/bids/${declining.id}`);
    await page.getByRole('link', { name: 'Endorse or decline it' }).click();
    await page.getByRole('link', { name: 'Decline to endorse' }).click();
    await page.getByRole('button', { name: 'Decline to endorse' }).click();
    await page.locator('#reason-error').waitFor();
    await expect(
      page.locator('.govuk-error-summary a[href="#reason"]').textContent(),
    ).resolves.toBe('Enter why you are not endorsing this bid');
    await portal.check(page, 'endorsement-decline-refused');
    expect((await bidOf(declining.id)).endorsement.state).toBe('awaiting');
    const reason = 'The area plan puts street lighting in next year’s programme.';
    await page.getByLabel('Why you are not endorsing this bid').fill(reason);
    await page.getByRole('button', { name: 'Decline to endorse' }).click();
    await expect(page.locator('.govuk-panel__title').textContent()).resolves.toBe(
      'Bid not endorsed',
    );
    expect((await bidOf(declining.id)).endorsement).toMatchObject({ state: 'declined', reason });
    await page.context().close();
  }, 120_000);

  it('ranks the endorsed bid with its own, a bid chosen twice refused with the choices kept', async () => {
    const page = await portal.newPage();
    await signInPcc(page);
    await page.goto(`${portal.baseUrl}/endorsements`);
    await page.getByRole('link', { name: `Rank your area’s bids in ${roundCode}` }).click();
    const first = page.getByLabel('Priority 1 (highest)');
    const second = page.getByLabel('Priority 2', { exact: true });
    // Only the endorsed bid and the PCC's own are offered; the declined one is listed apart.
    await expect(first.locator('option').allTextContents()).resolves.toEqual([
      'Choose a bid',
      expect.stringContaining(endorsing.reference),
      expect.stringContaining(own.reference),
    ]);
    await expect(page.locator('main').textContent()).resolves.toContain(
      `${declining.reference}: Lighting for Walker (Newcastle upon Tyne City Council): Not endorsed`,
    );

    await first.selectOption(own.id);
    await second.selectOption(own.id);
    await page.getByRole('button', { name: 'Save ranking' }).click();
    await page.locator('#priority-2-error').waitFor();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'Priority 2 lists a bid twice',
    );
    await expect(second.inputValue()).resolves.toBe(own.id);
    expect(await ranks()).toEqual([]);
    await portal.check(page, 'pcc-ranking-refused');

    await first.selectOption(endorsing.id);
    await page.getByRole('button', { name: 'Save ranking' }).click();
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(
      'is saved',
    );
    await expect(page.locator('#saved-order li').allTextContents()).resolves.toEqual([
      expect.stringContaining(endorsing.reference),
      expect.stringContaining(own.reference),
    ]);
    await portal.check(page, 'pcc-ranking');
    expect(await ranks()).toEqual([
      [endorsing.id, 1],
      [own.id, 2],
    ]);
    await page.context().close();
  }, 120_000);

  // Asked from the bid's page (where the email asking for endorsement links), told by the PCC's
  // own view of the bid and by the ranking page's list: only a bid the API says waits for the
  // PCC's endorsement now (submitted, undecided, in a round still endorsing) is shown as waiting.
  it('asks the PCC to endorse only a bid still waiting for it', async () => {
    const { baseUrl } = portal;
    const page = await portal.newPage();
    await signInPcc(page);
    const saysWaiting: [string, boolean][] = [];
    for (const [which, bid] of [
      ['endorsed', endorsing],
      ['declined', declining],
      ['withdrawn', withdrawn],
    ] as const) {
      await page.goto(`${baseUrl}/bids/${bid.id}`);
      const asked = await page.getByRole('link', { name: 'Endorse or decline it' }).count();
      saysWaiting.push([`the ${which} bid’s page`, asked > 0]);
    }
    await page.goto(`${baseUrl}/endorsements/bids/${withdrawn.id}`);
    const view = (await page.locator('main').textContent()) ?? '';
    saysWaiting.push(['the PCC’s view of the withdrawn bid', view.includes('Waiting for')]);
    await page.goto(`${baseUrl}/endorsements/rounds/${roundId}/ranking`);
    const listed = (await page.locator('main').textContent()) ?? '';
    const line = `${withdrawn.reference}: Alley gates for Heaton (Newcastle upon Tyne City Council): `;
    saysWaiting.push([
      'the ranking page’s list',
      listed.includes(`${line}Waiting for your endorsement`),
    ]);
    expect(saysWaiting).toEqual([
      ['the endorsed bid’s page', false],
      ['the declined bid’s page', false],
      ['the withdrawn bid’s page', false],
      ['the PCC’s view of the withdrawn bid', false],
      ['the ranking page’s list', false],
    ]);
    expect(view).toContain('Withdrawn');
    expect(view).toContain('Not endorsed, no longer open to endorsement');
    expect(listed).toContain(`${line}Not endorsed, no longer open to endorsement`);
    await page.context().close();
  }, 60_000);

  it('shows a bidder of another area no such bid', async () => {
    const { otherCouncil } = portal.world;
    const page = await portal.newPage();
    await portal.signIn(page, otherCouncil.email, otherCouncil.password);
    await page.waitForURL(`${portal.baseUrl}/tasks`);
    await expect(page.getByRole('link', { name: 'Bids to endorse' }).count()).resolves.toBe(0);
    const answer = await page.goto(`${portal.baseUrl}/endorsements/bids/${endorsing.id}`);
    expect(answer?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Page not found',
    );
    await portal.check(page, 'endorsement-not-found');
    await page.context().close();
  }, 60_000);
});
