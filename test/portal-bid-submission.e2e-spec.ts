import { readFile } from 'node:fs/promises';
import { openRound, validBid } from './support/bids';
import { EICAR, startClamd, type TestClamd } from './support/clamd';
import { PDF, waitForScan } from './support/documents';
import { uniqueSuffix } from './support/factories';
import { startPortalBrowser, type PortalBrowser } from './support/portal';

// A bidder in the portal, in a real browser, with a real clamd: attaches a supporting document,
// is told when a file is refused or found infected, removes the infected one, checks the whole
// bid against the round's rules and submits it (once, however often the form is sent), and gets
// a receipt. An incomplete bid's check says what to fix and offers no submit button; another
// organisation finds none of these pages.
describe('attaching documents and submitting a bid in the portal', () => {
  let clamd: TestClamd;
  let portal: PortalBrowser;
  let round: { id: string; deliveryStartsOn: string };

  beforeAll(async () => {
    clamd = await startClamd();
    process.env.CLAMD_PORT = String(clamd.port);
    portal = await startPortalBrowser();
    round = await openRound(portal.world.t, portal.world.as('admin'));
  }, 180_000);

  afterAll(async () => {
    await portal?.close();
    await clamd?.stop();
    delete process.env.CLAMD_PORT;
  }, 30_000);

  it('attaches a document, refuses a bad one, shows a virus, checks and submits once, and gives a receipt', async () => {
    const { baseUrl, world } = portal;
    const bidder = world.council;
    const title = `Safer alleys ${uniqueSuffix()}`;
    const created = await world.t
      .http()
      .post('/api/v1/bids')
      .set(bidder.headers)
      .send(validBid(round, { title }))
      .expect(201);
    const id = (created.body as { id: string }).id;
    const api = `/api/v1/bids/${id}/documents`;

    const page = await portal.newPage();
    await portal.signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/bids/${id}`);
    await page.getByRole('link', { name: 'Documents', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Supporting documents',
    );
    await portal.check(page, 'bid-documents');

    // Text named as a PDF: the API refuses it, said beside the file input.
    const upload = page.getByLabel('Upload a file');
    await upload.setInputFiles({
      name: 'notes.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('Just some notes, not a PDF at all.\n'),
    });
    await page.getByRole('button', { name: 'Upload file' }).click();
    await expect(page.locator('#file-error').textContent()).resolves.toContain(
      'its contents are not of any accepted kind',
    );
    await expect(page.locator('.govuk-error-summary a[href="#file"]').count()).resolves.toBe(1);
    await portal.check(page, 'bid-documents-refused');

    // A real PDF, then a file with the test virus in it.
    await upload.setInputFiles({
      name: 'Letter of support.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await page.getByRole('button', { name: 'Upload file' }).click();
    await page.waitForURL(`${baseUrl}/bids/${id}/documents`);
    await expect(page.locator('main table').textContent()).resolves.toContain(
      'Letter of support.pdf',
    );
    await upload.setInputFiles({
      name: 'eicar.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${EICAR}\n`),
    });
    await page.getByRole('button', { name: 'Upload file' }).click();
    await page.waitForURL(`${baseUrl}/bids/${id}/documents`);
    const listed = await world.t.http().get(api).set(bidder.headers).expect(200);
    const scanned = await Promise.all(
      (listed.body.items as { id: string }[]).map((d) =>
        waitForScan(world.t, bidder.headers, `${api}/${d.id}`),
      ),
    );
    expect(scanned.map((d) => [d.fileName, d.scanStatus]).sort()).toEqual([
      ['Letter of support.pdf', 'clean'],
      ['eicar.csv', 'infected'],
    ]);
    await page.reload();
    await expect(page.locator('#file-error').textContent()).resolves.toContain(
      'eicar.csv contains a virus',
    );
    await expect(page.locator('main table').textContent()).resolves.toContain('No virus found');
    await portal.check(page, 'bid-documents-infected');

    // The clean one downloads through the portal, the same bytes.
    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Letter of support.pdf', exact: true }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('Letter of support.pdf');
    expect(Buffer.compare(await readFile((await download.path()) ?? ''), PDF)).toBe(0);

    // The infected one is removed, after a confirmation.
    await page.getByRole('link', { name: 'Remove eicar.csv' }).click();
    await portal.check(page, 'bid-document-remove');
    await page.getByRole('button', { name: 'Yes, remove it' }).click();
    await page.waitForURL(`${baseUrl}/bids/${id}/documents`);
    await expect(page.locator('main').textContent()).resolves.not.toContain('eicar.csv');

    // The check page: the whole bid, eligible, with its submit button.
    await page.getByRole('link', { name: 'Check your bid and submit' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Check your bid before submitting it',
    );
    await expect(page.locator('main').textContent()).resolves.toContain('Letter of support.pdf');
    await portal.check(page, 'bid-check');

    // The form sent twice at once (a double click without JavaScript): one submission.
    const sent = await portal.sendTwice(page, `/bids/${id}/submit`, [
      '_csrf',
      'version',
      'submitKey',
    ]);
    expect(sent.map((answer) => [answer.status(), answer.headers().location])).toEqual([
      [303, `/bids/${id}/submitted`],
      [303, `/bids/${id}/submitted`],
    ]);
    await page.goto(`${baseUrl}/bids/${id}/submitted`);
    const receipt = (await page.locator('main').textContent()) ?? '';
    const bid = (await world.t.http().get(`/api/v1/bids/${id}`).set(bidder.headers).expect(200))
      .body as { reference: string; status: string; submittedAtUkTime: string; version: number };
    expect(bid.status).toBe('submitted');
    expect(receipt).toContain(bid.reference);
    expect(receipt).toContain(bid.submittedAtUkTime);
    expect(receipt).toContain('What happens next');
    await portal.check(page, 'bid-submitted');
    const held = await world.t.http().get(api).set(bidder.headers).expect(200);
    expect(
      (held.body.items as { fileName: string; scanStatus: string }[]).map((d) => [
        d.fileName,
        d.scanStatus,
      ]),
    ).toEqual([['Letter of support.pdf', 'clean']]);
    const audit = await world.t
      .http()
      .get(`/api/v1/audit-events?objectType=bid&objectId=${id}&limit=100`)
      .set(world.as('admin'))
      .expect(200);
    expect(
      (audit.body.items as { command: string }[]).filter((e) => e.command === 'bid.submit'),
    ).toHaveLength(1);

    // Another organisation's bidder finds none of these pages.
    const other = await portal.newPage();
    await portal.signIn(other, world.otherCouncil.email, world.otherCouncil.password);
    await other.waitForURL(`${baseUrl}/tasks`);
    for (const path of ['documents', 'check', 'submitted']) {
      const refused = await other.goto(`${baseUrl}/bids/${id}/${path}`);
      expect(refused?.status()).toBe(404);
      await expect(other.locator('main').textContent()).resolves.not.toContain(title);
    }
    await other.context().close();

    // The area's PCC reads the council's bid, but the receipt is the council's: it is not
    // offered one, and is not told a receipt went to its own address.
    const pcc = await portal.newPage();
    await portal.signIn(pcc, world.pcc.email, world.pcc.password);
    await pcc.waitForURL(`${baseUrl}/tasks`);
    expect((await pcc.goto(`${baseUrl}/bids/${id}`))?.status()).toBe(200);
    await expect(pcc.locator('main').textContent()).resolves.toContain(title);
    await expect(pcc.getByRole('link', { name: 'Your submission receipt' }).count()).resolves.toBe(
      0,
    );
    expect((await pcc.goto(`${baseUrl}/bids/${id}/submitted`))?.status()).toBe(404);
    await expect(pcc.locator('main').textContent()).resolves.not.toContain(world.pcc.email);
    await pcc.context().close();
    // The council's own receipt names no address it cannot know: the receipt went to whoever
    // submitted the bid.
    await page.goto(`${baseUrl}/bids/${id}/submitted`);
    await expect(page.locator('main').textContent()).resolves.toContain(
      'We have sent a receipt to the person who submitted the bid',
    );
    await page.context().close();
  }, 150_000);

  it('shows what to fix on an incomplete bid, does not submit a bid changed since its check, and refuses an upload without its form token', async () => {
    const { baseUrl, world } = portal;
    const bidder = world.council;
    const created = await world.t
      .http()
      .post('/api/v1/bids')
      .set(bidder.headers)
      .send({ roundId: round.id, title: `Safer parks ${uniqueSuffix()}` })
      .expect(201);
    const id = (created.body as { id: string }).id;
    const page = await portal.newPage();
    await portal.signIn(page, bidder.email, bidder.password);
    await page.waitForURL(`${baseUrl}/tasks`);
    await page.goto(`${baseUrl}/bids/${id}/check`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('You cannot submit this bid yet');
    expect(main).toContain('The bid has no cost lines');
    await expect(
      page.locator(`main a[href="/bids/${id}/costs"]`, { hasText: 'Fix this' }).count(),
    ).resolves.toBeGreaterThan(0);
    await expect(page.getByRole('button', { name: 'Submit bid' }).count()).resolves.toBe(0);

    // A complete bid changed by a colleague after its check page was opened: not submitted,
    // and the page says why in its error summary.
    const complete = await world.t
      .http()
      .post('/api/v1/bids')
      .set(bidder.headers)
      .send(validBid(round, { title: `Safer lanes ${uniqueSuffix()}` }))
      .expect(201);
    const completeId = (complete.body as { id: string }).id;
    await page.goto(`${baseUrl}/bids/${completeId}/check`);
    await world.t
      .http()
      .patch(`/api/v1/bids/${completeId}`)
      .set(bidder.headers)
      .set('if-match', complete.headers.etag)
      .send({ summary: 'A colleague’s better summary.' })
      .expect(200);
    await page.getByRole('button', { name: 'Submit bid' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'Someone changed this bid after you opened this page',
    );
    await expect(page.locator('main').textContent()).resolves.toContain(
      'A colleague’s better summary.',
    );
    await world.t
      .http()
      .get(`/api/v1/bids/${completeId}`)
      .set(bidder.headers)
      .expect(200)
      .expect((answer) => expect(answer.body.status).toBe('draft'));

    // A multipart upload without the form token: refused before the file is read.
    const forged = await page.request.post(`${baseUrl}/bids/${id}/documents`, {
      multipart: { file: { name: 'a.pdf', mimeType: 'application/pdf', buffer: PDF } },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    await world.t
      .http()
      .get(`/api/v1/bids/${id}/documents`)
      .set(bidder.headers)
      .expect(200)
      .expect((answer) => expect(answer.body.items).toEqual([]));
    await page.context().close();
  }, 60_000);
});
