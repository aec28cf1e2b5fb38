import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { projectPath } from '../config/project-root';
import { type Cell, type ExportColumn, sqlColumns } from './export-column';
import { RETURN_ID_COLUMN } from './export-columns.spec-fixture';
import { SPEND_COLUMNS } from './spend-columns';
import { writeSpendCsv } from './spend-csv';
import type { SpendExport, SpendLines } from './spend-export';
import { SpendReportTemplates } from './spend-html';
import type { SpendAwardDto, SpendTotalDto } from './spend-summary.dto';
import { writeSpendXlsx } from './spend-xlsx';

// One column added in one place, the list of columns every writer is given, and seen in all
// three formats: approved and not yet paid, on the round's totals and on each quarter.
const UNPAID: ExportColumn = {
  key: 'approved_unpaid',
  heading: 'Approved, unpaid (£)',
  type: 'pounds',
  width: 16,
  derive: {
    levels: ['total', 'quarter'],
    value: (line) => Number(line.get('approved') ?? 0) - Number(line.get('paid') ?? 0),
  },
  csv: true,
  excel: true,
  html: ['round', 'awardQuarters'],
};

// The same round in the two read models the writers take: the files' lines as the query sends
// them (bigint pence as strings), and the printed report's summary (pence as numbers).
const who = {
  reference: 'SSF-24-0001',
  organisation_name: 'Tees & Co',
  force_area_code: 'E23000013',
  force_area_name: 'Cleveland',
  applicant_type: 'pcc',
  award_status: 'active',
  variance_threshold_percent: 10,
};
const roundLine = {
  line: 'total: round',
  awards: '1',
  awarded: '3000000',
  claimed: '270000',
  approved: '200000',
  paid: '150000',
  forecast: '0',
  released: '0',
  remaining: '2800000',
};
const awardLine = { ...who, ...roundLine, line: 'award', overdue_returns: '1' };
const quarterLine = {
  ...who,
  line: 'quarter',
  financial_year: '2026/27',
  quarter: 'Q1',
  return_due: '2026-07-31',
  profile: '300000',
  claimed: '270000',
  claimed_capital: '250000',
  claimed_revenue: '20000',
  approved: '200000',
  paid: '150000',
  forecast: '0',
  overdue: true,
};
// In each file's order: the CSV's totals come last, the workbook's Summary sheet first.
const ORDER: Record<'csv' | 'xlsx', Record<string, Cell>[]> = {
  csv: [awardLine, quarterLine, roundLine],
  xlsx: [roundLine, awardLine, quarterLine],
};
const asAt = new Date('2026-08-03T08:00:05Z');
const round = { code: 'SSF-24', name: 'Safer Streets 24' };

function lines(columns: readonly ExportColumn[], file: 'csv' | 'xlsx'): SpendLines {
  const order = sqlColumns(columns);
  return {
    round,
    asAt,
    asAtLondon: '3 August 2026, 09:00',
    lines: Readable.from(ORDER[file].map((row) => order.map((column) => row[column.key] ?? null))),
    tick: () => undefined,
  };
}

const money = {
  awardedPence: 3_000_000,
  claimedPence: 270_000,
  approvedPence: 200_000,
  paidPence: 150_000,
  forecastPence: 0,
  releasedPence: 0,
  remainingPence: 2_800_000,
};
const award: SpendAwardDto = {
  awardId: '00000000-0000-4000-8000-000000000001',
  reference: who.reference,
  organisationName: who.organisation_name,
  applicantType: who.applicant_type,
  forceAreaCode: who.force_area_code,
  forceAreaName: who.force_area_name,
  status: who.award_status,
  ...money,
  years: [],
  quarters: [
    {
      financialYear: '2026/27',
      quarter: 1,
      profilePence: 300_000,
      claimedCapitalPence: 250_000,
      claimedRevenuePence: 20_000,
      approvedPence: 200_000,
      paidPence: 150_000,
      forecastPence: 0,
      variancePercent: -10,
      overdue: true,
    },
  ],
  overdueReturns: 1,
  underspendRisk: true,
};
function summary(): SpendExport {
  const total: SpendTotalDto = { awards: 1, ...money };
  return {
    round,
    asAt,
    asAtLondon: '3 August 2026, 09:00',
    totals: {
      round: total,
      byForceArea: [{ ...total, forceAreaCode: 'E23000013', forceAreaName: 'Cleveland' }],
      byApplicantType: [{ ...total, applicantType: 'pcc' }],
      byYearAndKind: [{ ...total, financialYear: '2026/27', kind: 'capital' }],
    },
    quarterTotals: [],
    awards: () => Readable.from([award]),
    tick: async () => {},
  };
}

// A table of the report by its caption: its header cells, then each row's cells.
function printedTable(html: string, caption: string): string[][] {
  const table = html.split(`<caption>${caption}</caption>`)[1]?.split('</table>')[0] ?? '';
  return [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) => cell[1]),
  );
}

describe('a column declared once, in every format', () => {
  let dir = '';
  const templates = SpendReportTemplates.load(projectPath('templates', 'reports'));
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spend-columns-spec-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints the report tables from the definition: its headings, order and formats', async () => {
    const target = join(dir, 'report.html');
    await templates.write(target, summary());
    const html = await readFile(target, 'utf8');
    expect(printedTable(html, `${who.reference} by quarter`)).toEqual([
      [
        'Financial year',
        'Quarter',
        'Profile',
        'Claimed capital',
        'Claimed revenue',
        'Approved',
        'Paid',
        'Forecast',
        'Variance',
        'Overdue',
      ],
      [
        '2026/27',
        'Q1',
        '£3,000.00',
        '£2,500.00',
        '£200.00',
        '£2,000.00',
        '£1,500.00',
        '£0.00',
        '-10%',
        'yes',
      ],
    ]);
    expect(printedTable(html, 'By applicant type')).toEqual([
      ['Applicant type', 'Awards', 'Awarded', 'Claimed', 'Approved', 'Paid'],
      ['Police and Crime Commissioner', '1', '£30,000.00', '£2,700.00', '£2,000.00', '£1,500.00'],
    ]);
    // The words a row starts with name it; figures are set right.
    expect(html).toContain(
      '<tr><th scope="row">2026/27</th><th scope="row">Capital</th><td class="number">£30,000.00</td>',
    );
  });

  it('shows a column added to the list the writers are given in the CSV, the workbook and the report', async () => {
    const columns = [...SPEND_COLUMNS, UNPAID];

    const csvFile = join(dir, 'extra.csv');
    await writeSpendCsv(csvFile, lines(columns, 'csv'), columns);
    const records = (await readFile(csvFile, 'utf8')).split('\r\n');
    expect(records[0].endsWith(',"Underspend risk","Approved, unpaid (£)"')).toBe(true);
    // The quarter, then the round's total: £500.00 approved and not paid on each.
    expect(records[1]).toMatch(/^"3 August 2026 09:00:05 BST","quarter",.*,"yes",500\.00$/);
    expect(records[2]).toMatch(/^"3 August 2026 09:00:05 BST","total: round",.*,,500\.00$/);

    const xlsxFile = join(dir, 'extra.xlsx');
    await writeSpendXlsx(xlsxFile, lines(columns, 'xlsx'), columns);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsxFile);
    const lastCells = (sheet: string, header: number) => {
      const rowsOf = book.getWorksheet(sheet) as ExcelJS.Worksheet;
      const row = rowsOf.getRow(header);
      return [row.getCell(row.cellCount), rowsOf.getRow(header + 1).getCell(row.cellCount)];
    };
    for (const [sheet, header] of [
      ['Summary', 5],
      ['By quarter', 1],
    ] as const) {
      const [heading, cell] = lastCells(sheet, header);
      expect({ sheet, heading: heading.value }).toEqual({ sheet, heading: 'Approved, unpaid (£)' });
      expect({ sheet, value: cell.value, format: cell.numFmt }).toEqual({
        sheet,
        value: 500,
        format: '"£"#,##0.00',
      });
    }
    expect(lastCells('Awards', 1)[0].value).toBe('Underspend risk');

    const htmlFile = join(dir, 'extra.html');
    await templates.write(htmlFile, summary(), columns);
    const html = await readFile(htmlFile, 'utf8');
    for (const caption of ['Round totals', `${who.reference} by quarter`]) {
      const [headings, cells] = printedTable(html, caption);
      expect({ caption, heading: headings.at(-1), cell: cells.at(-1) }).toEqual({
        caption,
        heading: 'Approved, unpaid',
        cell: '£500.00',
      });
    }
    expect(printedTable(html, 'By financial year')[0]).not.toContain('Approved, unpaid');
  });

  it('refuses to print a column the report cannot read, naming it', async () => {
    const fromDatabase: ExportColumn = { ...RETURN_ID_COLUMN, html: ['awardQuarters'] };
    await expect(
      templates.write(join(dir, 'refused.html'), summary(), [...SPEND_COLUMNS, fromDatabase]),
    ).rejects.toThrow(/awardQuarters table has no value for the column return_id/);
  });
});
