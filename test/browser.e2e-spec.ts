import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/chromium';
import type { BiddingWorld } from './support/bids';
import { twoYearRound, type ReturnsWorld } from './support/reports';
import { eventually } from './support/smtp';

// A real browser (Debian's chromium, driven by playwright-core) on what people open in one: the
// API docs page, which must list every documented operation, and the HTML spend report, which
// must print to PDF with nothing missing. This machine has no internet: neither page may need
// anything from elsewhere. (The printed report's pages are checked in report-print.)

// The DOM as the page functions below use it: they run in the browser, and the project compiles
// without the DOM library (declared here, in this module only).
interface PageElement {
  textContent: string | null;
  querySelector(selector: string): PageElement | null;
  getBoundingClientRect(): { width: number; height: number };
}
declare const document: {
  fonts: Iterable<{ family: string; status: string }> & { ready: Promise<unknown>; status: string };
  images: ArrayLike<{ complete: boolean; naturalWidth: number; src: string }>;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
};

// Everything that went wrong loading a page: failed requests, answers of 400 and above,
// console errors (a blocked resource or script is reported there) and uncaught exceptions.
function watch(page: Page): { problems: string[]; requests: string[] } {
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('requestfailed', (request) =>
    problems.push(`${request.method()} ${request.url()} failed: ${request.failure()?.errorText}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.push(
        `${response.request().method()} ${response.url()} answered ${response.status()}`,
      );
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { problems, requests };
}

// What a page shows of its images, web fonts and inline charts once loaded.
async function loadedAssets(page: Page) {
  return page.evaluate(async () => {
    await document.fonts.ready;
    return {
      fonts: document.fonts.status,
      brokenImages: Array.from(document.images)
        .filter((image) => !image.complete || image.naturalWidth === 0)
        .map((image) => image.src),
      unloadedFonts: Array.from(document.fonts)
        .filter((font) => font.status !== 'loaded')
        .map((font) => font.family),
      emptyCharts: Array.from(document.querySelectorAll('svg'))
        .filter((svg) => svg.getBoundingClientRect().width === 0)
        .map((svg) => svg.querySelector('title')?.textContent ?? '(untitled)'),
      charts: document.querySelectorAll('svg').length,
    };
  });
}

describe('in a browser', () => {
  let setup: ReturnsWorld;
  let world: BiddingWorld;
  let baseUrl: string;
  let browser: Browser;
  let work: string;

  beforeAll(async () => {
    // Fails here, plainly, when Chromium is missing, before any data is made.
    browser = await launchChromium();
    work = await mkdtemp(join(tmpdir(), 'ssg-browser-'));
    setup = await twoYearRound();
    world = setup.world;
    await world.t.app.listen(0, '127.0.0.1');
    baseUrl = await world.t.app.getUrl();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
    if (work) {
      await rm(work, { recursive: true, force: true });
    }
  }, 30_000);

  it('lists every documented operation on the API docs page', async () => {
    const openApi = (await (await fetch(`${baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(openApi.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented.length).toBeGreaterThan(50);

    const page = await browser.newPage();
    const { problems } = watch(page);
    await page.goto(`${baseUrl}/api/docs`, { waitUntil: 'load' });
    // Swagger UI renders the operations from its script once the page has loaded; if some
    // never appear, the comparison below names them.
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    await page
      .waitForFunction(
        (count) => document.querySelectorAll('.opblock').length >= count,
        documented.length,
        { timeout: 5_000 },
      )
      .catch(() => undefined);
    const listed = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.opblock')).map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent ?? '';
        const path = block.querySelector('.opblock-summary-path')?.textContent ?? '';
        // Swagger UI puts zero-width spaces in long paths so that they can wrap.
        return `${method.trim().toUpperCase()} ${path.replace(/\u200b/g, '').trim()}`;
      }),
    );
    expect([...listed].sort()).toEqual(documented);
    expect(await page.locator('.info .title').first().textContent()).toContain(
      'Safer Streets grants API',
    );
    expect(await loadedAssets(page)).toMatchObject({ fonts: 'loaded', brokenImages: [] });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('prints the HTML spend report to PDF with nothing missing', async () => {
    // The report as finance gets it: asked for through the API, built by the worker, downloaded.
    const finance = world.as('finance');
    const asked = await world.t
      .http()
      .post(`/api/v1/rounds/${setup.roundId}/exports`)
      .set(finance)
      .send({ format: 'html', asAt: new Date().toISOString() })
      .expect(202);
    await eventually(async () => {
      const read = await world.t.http().get(`/api/v1/exports/${asked.body.id}`).set(finance);
      expect(read.body.status).toBe('done');
    });
    const download = await world.t
      .http()
      .get(`/api/v1/exports/${asked.body.id}/download`)
      .set(finance)
      .expect(200);
    expect(download.headers['content-type']).toBe('text/html; charset=utf-8');
    // Opened from disk, as a downloaded file is: anything it refers to would have to be fetched.
    const file = join(work, 'spend-report.html');
    await writeFile(file, download.text);

    const page = await browser.newPage();
    const { problems, requests } = watch(page);
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // Nothing fetched but the file itself, and nothing failed.
    expect({ requests, problems }).toEqual({ requests: [pathToFileURL(file).href], problems: [] });
    const assets = await loadedAssets(page);
    expect(assets).toMatchObject({
      fonts: 'loaded',
      brokenImages: [],
      unloadedFonts: [],
      emptyCharts: [],
    });
    // The round's chart by quarter and one per award.
    expect(assets.charts).toBe(2);
    const round = await world.t.http().get(`/api/v1/rounds/${setup.roundId}`).set(finance);
    const text = await page.locator('body').innerText();
    expect(text).toContain(`${round.body.name} (${round.body.code})`);
    expect(text).toContain(setup.bid.reference);
    expect(text).toContain('£300,000.00');
    expect(text).toContain('End of report.');

    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(problems).toEqual([]);
    await page.close();

    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-8).toString('latin1')).toContain('%%EOF');
    expect(pdf.length).toBeGreaterThan(10_000);
    const raw = pdf.toString('latin1');
    const pages = raw.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(1);
    // The report's title became the document's, and text was drawn with an embedded font.
    expect(raw).toContain(`/Title (${round.body.name}: spend as at `);
    expect(raw).toMatch(/\/FontFile2?\b/);
    expect(pageContent(raw)).toMatch(/\bBT\b[^]*\bT[jJ]\b[^]*\bET\b/);
  }, 60_000);
});

// The PDF's compressed streams, inflated: the pages' drawing and text operators are there.
function pageContent(raw: string): string {
  const streams: string[] = [];
  const pattern = /(?<!end)stream\r?\n/g;
  for (let match = pattern.exec(raw); match; match = pattern.exec(raw)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    try {
      streams.push(inflateSync(Buffer.from(raw.slice(start, end), 'latin1')).toString('latin1'));
    } catch {
      // A stream that is not compressed: not page content here.
    }
  }
  return streams.join('\n');
}
