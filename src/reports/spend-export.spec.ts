import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { type Cell, type ExportColumn, sqlColumns } from './export-column';
import { RETURN_ID_COLUMN } from './export-columns.spec-fixture';
import { SPEND_COLUMNS } from './spend-columns';
import { writeSpendCsv } from './spend-csv';
import type { SpendLines } from './spend-export';
import { exportLines } from './spend-lines.sql';
import { writeSpendXlsx } from './spend-xlsx';

// A column added in one place, to the definition the writers and the query are given: worked
// out from the reference on award, year and quarter lines.
const EXTRA: ExportColumn = {
  key: 'reference_length',
  heading: 'Reference length',
  type: 'count',
  width: 8,
  derive: {
    levels: ['award', 'year', 'quarter'],
    value: (line) => String(line.get('reference') ?? '').length,
  },
  csv: true,
  excel: true,
};

const who = {
  reference: 'SSF-24-0001',
  organisation_name: 'Cleveland & Co',
  force_area_code: 'E23000013',
  force_area_name: 'Cleveland',
  applicant_type: 'pcc',
  award_status: 'active',
  variance_threshold_percent: 10,
};
// Lines as the query sends them, in the order of the database columns.
const rows: Record<string, Cell>[] = [
  { line: 'total: round', awards: '1', awarded: '30000000', claimed: '1001', remaining: '0' },
  { line: 'total: applicant type', applicant_type: 'pcc', awards: '1', awarded: '30000000' },
  {
    ...who,
    line: 'award',
    awarded: '30000000',
    claimed: '1001',
    forecast: '0',
    released: '0',
    overdue_returns: '1',
  },
  { ...who, line: 'year', financial_year: '2025/26', kind: 'capital', awarded: '30000000' },
  {
    ...who,
    line: 'quarter',
    financial_year: '2025/26',
    quarter: 'Q1',
    return_due: '2025-07-31',
    profile: '1000',
    claimed: '1001',
    overdue: true,
  },
  {
    ...who,
    line: 'quarter',
    financial_year: '2025/26',
    quarter: 'Q2',
    return_due: '2025-10-31',
    profile: '1000',
    claimed: '995',
    overdue: false,
  },
];
const asAt = new Date('2026-04-01T08:00:05Z');

function linesOf(columns: readonly ExportColumn[]): SpendLines {
  const order = sqlColumns(columns);
  return {
    round: { code: 'SSF-24', name: 'Safer Streets & more' },
    asAt,
    asAtLondon: '1 April 2026, 09:00',
    lines: Readable.from(rows.map((row) => order.map((column) => row[column.key] ?? null))),
    tick: () => undefined,
  };
}

describe('spend exports written from the column definition', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spend-export-spec-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a UTF-8 CSV with BOM and CRLF, UK time with its zone, labels beside codes', async () => {
    const target = join(dir, 'summary.csv');
    await writeSpendCsv(target, linesOf(SPEND_COLUMNS));
    const bytes = await readFile(target);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const records = text.split('\r\n').slice(0, -1);
    expect(records[0]).toBe(
      [
        'As at',
        'Level',
        'Reference',
        'Organisation',
        'Force area code',
        'Force area',
        'Applicant type code',
        'Applicant type',
        'Award status',
        'Financial year',
        'Quarter',
        'Return due',
        'Kind',
        'Awards',
        'Awarded (£)',
        'Profile (£)',
        'Claimed (£)',
        'Claimed capital (£)',
        'Claimed revenue (£)',
        'Approved (£)',
        'Paid (£)',
        'Forecast (£)',
        'Released (£)',
        'Remaining (£)',
        'Variance (%)',
        'Overdue',
        'Underspend risk',
      ]
        .map((heading) => `"${heading}"`)
        .join(','),
    );
    // The award's own line is not written; its year and quarter lines carry it.
    expect(records).toHaveLength(6);
    const moment = '"1 April 2026 09:00:05 BST"';
    expect(records[1]).toBe(
      `${moment},"total: round",,,,,,,,,,,,1,300000.00,,10.01,,,0.00,0.00,0.00,0.00,0.00,,,`,
    );
    expect(records[2]).toContain(',"pcc","Police and Crime Commissioner",');
    expect(records[3]).toBe(
      `${moment},"year","SSF-24-0001","Cleveland & Co","E23000013","Cleveland","pcc",` +
        `"Police and Crime Commissioner","Active","2025/26",,,"Capital",,300000.00,,0.00,,,` +
        `0.00,0.00,0.00,0.00,0.00,,,"yes"`,
    );
    // Variance rounded half away from zero: 0.1% over is 0%, 0.5% under is -1%.
    expect(records[4]).toContain(',"2025/26","Q1","2025-07-31",,,,10.00,10.01,');
    expect(records[4]).toMatch(/,0,"yes","yes"$/);
    expect(records[5]).toMatch(/,-1,"no","yes"$/);
  });

  it('writes a print-ready workbook: title block, filters, formats, page set-up', async () => {
    const target = join(dir, 'summary.xlsx');
    await writeSpendXlsx(target, linesOf(SPEND_COLUMNS));
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(target);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual([
      'Summary',
      'Awards',
      'By year',
      'By quarter',
    ]);
    const summary = book.getWorksheet('Summary') as ExcelJS.Worksheet;
    expect(summary.getCell('A1').value).toBe('Spend summary: SSF-24 Safer Streets & more');
    expect(summary.getRow(2).values).toEqual([undefined, 'As at', '1 April 2026 09:00:05 BST']);
    expect(summary.getCell('B3').value).toBe('2026-04-01T08:00:05.000Z');
    expect(summary.getRow(5).getCell(1).value).toBe('Total of');
    expect(summary.getRow(6).getCell(1).value).toBe('Round');
    expect(summary.getRow(7).getCell(3).value).toBe('Police and Crime Commissioner');
    for (const sheet of book.worksheets) {
      const header = sheet.name === 'Summary' ? 5 : 1;
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: header });
      expect(sheet.autoFilter).toBeTruthy();
      expect(sheet.pageSetup).toMatchObject({
        paperSize: 9,
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: `${header}:${header}`,
      });
      expect(sheet.headerFooter.oddHeader).toBe(
        `&LSpend summary: SSF-24 Safer Streets && more&R${sheet.name}`,
      );
      expect(sheet.headerFooter.oddFooter).toBe('&LAs at 1 April 2026 09:00:05 BST&RPage &P of &N');
      expect(sheet.getRow(header).font).toMatchObject({ bold: true });
    }
    // Header to last line, every column: Total of … Remaining (£).
    expect(summary.autoFilter).toBe('A5:M7');
    expect(book.getWorksheet('By quarter')?.autoFilter).toBe('A1:R3');
    const quarters = book.getWorksheet('By quarter') as ExcelJS.Worksheet;
    const headings = (quarters.getRow(1).values as string[]).slice(1);
    const cell = (row: number, heading: string) =>
      quarters.getRow(row).getCell(headings.indexOf(heading) + 1);
    expect(cell(2, 'Return due').value).toBeInstanceOf(Date);
    expect((cell(2, 'Return due').value as Date).toISOString()).toBe('2025-07-31T00:00:00.000Z');
    expect(cell(2, 'Return due').numFmt).toBe('d mmm yyyy');
    expect(cell(2, 'Variance (%)').value).toBe(0);
    expect(cell(3, 'Variance (%)').value).toBe(-0.01);
    expect(cell(3, 'Variance (%)').numFmt).toBe('0%');
    expect(cell(2, 'Claimed (£)').value).toBe(10.01);
    expect(cell(2, 'Claimed (£)').numFmt).toBe('"£"#,##0.00');
    const awards = book.getWorksheet('Awards') as ExcelJS.Worksheet;
    expect((awards.getRow(2).values as unknown[]).slice(1)).toEqual([
      'SSF-24-0001',
      'Cleveland & Co',
      'Cleveland',
      'Police and Crime Commissioner',
      'Active',
      300_000,
      10.01,
      0,
      0,
      0,
      0,
      0,
      1,
      'yes',
    ]);
  });

  it('shows a column added in one place in the query, the CSV and every sheet of its levels', async () => {
    const columns = [...SPEND_COLUMNS, EXTRA, RETURN_ID_COLUMN];
    // The query: the database column in every UNION branch, NULL where a level lacks it.
    const sql = exportLines('csv', columns);
    expect(sql.match(/d\.id::text AS return_id/g)).toHaveLength(1);
    expect(sql.match(/NULL::text AS return_id/g)).toHaveLength(3);
    expect(sql).toMatch(/l\.return_id\s+FROM lines l/);
    const csvFile = join(dir, 'extra.csv');
    await writeSpendCsv(csvFile, linesOf(columns), columns);
    const records = (await readFile(csvFile, 'utf8')).split('\r\n');
    expect(records[0].endsWith(',"Underspend risk","Reference length","Return id"')).toBe(true);
    expect(records[3].endsWith(',"yes",11,')).toBe(true);
    expect(records[1].endsWith(',,')).toBe(true);
    const xlsxFile = join(dir, 'extra.xlsx');
    await writeSpendXlsx(xlsxFile, linesOf(columns), columns);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsxFile);
    const last = (name: string) => {
      const values = (book.getWorksheet(name)?.getRow(name === 'Summary' ? 5 : 1).values ??
        []) as string[];
      return values.slice(-2);
    };
    expect(last('Awards')).toEqual(['Underspend risk', 'Reference length']);
    expect(last('By year')).toEqual(['Underspend risk', 'Reference length']);
    expect(last('By quarter')).toEqual(['Reference length', 'Return id']);
    expect(last('Summary')).not.toContain('Reference length');
    expect(book.getWorksheet('Awards')?.getRow(2).getCell(15).value).toBe(11);
  });

  it("shows each award's own flag on its year and quarter lines, in the workbook's order too", async () => {
    // The workbook's order: both awards' lines on the Awards sheet before any year line. The
    // first is at risk (nothing claimed or forecast, a return overdue); the second is not.
    const award = (reference: string, claimed: string, overdue: string) => ({
      ...who,
      reference,
      line: 'award',
      awarded: '30000000',
      claimed,
      forecast: '0',
      released: '0',
      overdue_returns: overdue,
    });
    const year = (reference: string) => ({
      ...who,
      reference,
      line: 'year',
      financial_year: '2025/26',
      kind: 'capital',
      awarded: '30000000',
    });
    const sheetOrder: Record<string, Cell>[] = [
      award('SSF-24-0001', '0', '1'),
      award('SSF-24-0002', '30000000', '0'),
      year('SSF-24-0001'),
      year('SSF-24-0002'),
    ];
    const order = sqlColumns(SPEND_COLUMNS);
    const target = join(dir, 'flags.xlsx');
    await writeSpendXlsx(target, {
      ...linesOf(SPEND_COLUMNS),
      lines: Readable.from(sheetOrder.map((row) => order.map((column) => row[column.key] ?? null))),
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(target);
    const flags = (name: string) => {
      const sheet = book.getWorksheet(name) as ExcelJS.Worksheet;
      const at = (sheet.getRow(1).values as unknown[]).indexOf('Underspend risk');
      return [2, 3].map((row) => sheet.getRow(row).getCell(at).value);
    };
    expect(flags('Awards')).toEqual(['yes', 'no']);
    expect(flags('By year')).toEqual(['yes', 'no']);
  });
});
