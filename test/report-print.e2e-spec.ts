import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { projectPath } from '../src/config/project-root';
import { SpendReportTemplates } from '../src/reports/spend-html';
import type { QuarterTotal, SpendExport } from '../src/reports/spend-export';
import type { SpendAwardDto, SpendTotalDto } from '../src/reports/spend-summary.dto';
import { launchChromium } from './support/chromium';

// The HTML spend report as finance prints it: a round of 24 awards, written by the real templates,
// opened in Chromium and printed to PDF (A4 landscape, as the report asks), then read back page by
// page with poppler's pdftotext. Every page is marked OFFICIAL and numbered "Page i of n", and no
// table is split across pages: each table's caption and all its rows are on one page. The PDF is
// kept in var/test-artefacts/ to be looked at.

interface PrintedTable {
  caption: string;
  rows: string[];
}

// The DOM as the page function below uses it (the project compiles without the DOM library).
interface Cell {
  textContent: string | null;
}
declare const document: {
  querySelectorAll(selector: string): ArrayLike<{
    querySelector(selector: string): Cell | null;
    querySelectorAll(
      selector: string,
    ): ArrayLike<{ querySelectorAll(selector: string): ArrayLike<Cell> }>;
  }>;
};

const QUARTERS = ['2025/26', '2026/27'].flatMap((financialYear) =>
  [1, 2, 3, 4].map((quarter) => ({ financialYear, quarter })),
);
const FORCE_AREAS = ['Northumbria', 'Durham', 'Cleveland', 'Cumbria', 'Lancashire', 'Merseyside'];
const TYPES = ['pcc', 'local_authority', 'combined_authority', 'voluntary_sector'];

const money = (awardedPence: number, claimedPence: number) => ({
  awardedPence,
  claimedPence,
  approvedPence: Math.round(claimedPence * 0.9),
  paidPence: Math.round(claimedPence * 0.8),
  forecastPence: 0,
  releasedPence: 0,
  remainingPence: awardedPence - Math.round(claimedPence * 0.9),
});

function award(n: number): SpendAwardDto {
  const reference = `SSF9-${String(n).padStart(4, '0')}`;
  const quarterPence = 1_000_000 + n * 1_237;
  return {
    awardId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    reference,
    organisationName: `Council number ${n}`,
    applicantType: TYPES[n % TYPES.length],
    forceAreaCode: `E2300000${n % FORCE_AREAS.length}`,
    forceAreaName: FORCE_AREAS[n % FORCE_AREAS.length],
    status: 'active',
    ...money(quarterPence * 8, quarterPence * 5 + n),
    years: [],
    quarters: QUARTERS.map(({ financialYear, quarter }, index) => ({
      financialYear,
      quarter,
      profilePence: quarterPence,
      claimedCapitalPence: index < 5 ? quarterPence - 100 * n : 0,
      claimedRevenuePence: index < 5 ? 100 * n + index : 0,
      approvedPence: index < 4 ? quarterPence : 0,
      paidPence: index < 3 ? quarterPence : 0,
      forecastPence: index >= 5 ? quarterPence : 0,
      variancePercent: index < 5 ? 0 : null,
      overdue: index === 5 && n % 3 === 0,
    })),
    overdueReturns: n % 3 === 0 ? 1 : 0,
    underspendRisk: n % 5 === 0,
  };
}

function report(): SpendExport {
  const awards = Array.from({ length: 24 }, (_, index) => award(index + 1));
  const total = (rows: SpendAwardDto[], extra: Partial<SpendTotalDto>): SpendTotalDto => ({
    awards: rows.length,
    ...money(
      rows.reduce((sum, a) => sum + a.awardedPence, 0),
      rows.reduce((sum, a) => sum + a.claimedPence, 0),
    ),
    ...extra,
  });
  const quarterTotals: QuarterTotal[] = QUARTERS.map(({ financialYear, quarter }, index) => ({
    financialYear,
    quarter,
    profilePence: awards.reduce((sum, a) => sum + a.quarters[index].profilePence, 0),
    claimedPence: awards.reduce(
      (sum, a) =>
        sum + a.quarters[index].claimedCapitalPence + a.quarters[index].claimedRevenuePence,
      0,
    ),
    approvedPence: awards.reduce((sum, a) => sum + a.quarters[index].approvedPence, 0),
    paidPence: awards.reduce((sum, a) => sum + a.quarters[index].paidPence, 0),
  }));
  return {
    round: { code: 'SSF9', name: 'Safer Streets Fund round 9 "print test"' },
    asAt: new Date('2026-11-30T16:00:00Z'),
    asAtLondon: '30 November 2026 16:00:00 GMT',
    totals: {
      round: total(awards, {}),
      byForceArea: FORCE_AREAS.map((name) =>
        total(
          awards.filter((a) => a.forceAreaName === name),
          { forceAreaName: name },
        ),
      ),
      byApplicantType: TYPES.map((type) =>
        total(
          awards.filter((a) => a.applicantType === type),
          { applicantType: type },
        ),
      ),
      byYearAndKind: ['2025/26', '2026/27'].flatMap((financialYear) =>
        (['capital', 'revenue'] as const).map((kind) => total(awards, { financialYear, kind })),
      ),
    },
    quarterTotals,
    awards: () => Readable.from(awards),
    tick: async () => {},
  };
}

const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('the printed spend report', () => {
  let browser: Browser;
  let work: string;

  beforeAll(async () => {
    try {
      execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        'No pdftotext: this test reads the printed pages with poppler. Install it (Debian: apt-get install poppler-utils).',
      );
    }
    browser = await launchChromium();
    work = await mkdtemp(join(tmpdir(), 'ssg-print-'));
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    if (work) {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('prints on marked, numbered pages and never splits a table', async () => {
    const html = join(work, 'report.html');
    await SpendReportTemplates.load(projectPath('templates', 'reports')).write(html, report());
    const page = await browser.newPage();
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const tables: PrintedTable[] = await page.evaluate(() =>
      Array.from(document.querySelectorAll('table')).map((table) => ({
        caption: table.querySelector('caption')?.textContent ?? '',
        rows: Array.from(table.querySelectorAll('tr')).map((row) =>
          Array.from(row.querySelectorAll('th, td'))
            .map((cell) => cell.textContent ?? '')
            .join(' '),
        ),
      })),
    );
    const pdf = join(work, 'report.pdf');
    await writeFile(pdf, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    await page.close();
    // Kept for people to look at (var/ is never committed).
    const artefacts = projectPath('var', 'test-artefacts');
    await mkdir(artefacts, { recursive: true });
    await copyFile(pdf, join(artefacts, 'spend-report-printed.pdf'));

    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const count = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    expect(info).toMatch(/^Page size:\s+841\.\d+ x 59\d\.\d+ pts \(A4\)/m);
    // 24 awards, each with a chart and a quarter table, take several pages.
    expect(count).toBeGreaterThanOrEqual(6);
    const pages = Array.from({ length: count }, (_, index) =>
      squeeze(
        execFileSync(
          'pdftotext',
          ['-layout', '-f', `${index + 1}`, '-l', `${index + 1}`, pdf, '-'],
          {
            encoding: 'utf8',
          },
        ),
      ),
    );
    pages.forEach((text, index) => {
      expect(text).toContain('OFFICIAL');
      expect(text).toContain(`Page ${index + 1} of ${count}`);
      expect(text).toContain('SSF9 spend as at 30 November 2026 16:00:00 GMT');
      expect(text).not.toContain('(UK time)');
    });

    // 5 tables about the round, one per award.
    expect(tables).toHaveLength(5 + 24);
    const split: string[] = [];
    for (const table of tables) {
      const caption = squeeze(table.caption);
      const on = pages.findIndex((text) => text.includes(caption));
      expect({ caption, on }).not.toMatchObject({ on: -1 });
      const missing = table.rows.map(squeeze).filter((row) => !pages[on].includes(row));
      if (missing.length > 0) {
        split.push(`${caption} (page ${on + 1}): ${missing.length} rows elsewhere`);
      }
    }
    expect(split).toEqual([]);
  }, 60_000);
});
