import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { variance } from '../returns/return.rules';
import { type ExportLine, LINE, type SpendLines } from './spend-export';
import { underspendRisk } from './spend-summary.rules';

const MONEY = '"£"#,##0.00';
// Every cell gets one of these two objects as its style: ExcelJS looks a style object up by
// identity before working out its XML, so shared objects make that lookup all it does.
const MONEY_STYLE: Partial<ExcelJS.Style> = Object.freeze({ numFmt: MONEY });
const PLAIN_STYLE: Partial<ExcelJS.Style> = Object.freeze({});
// How much of a sheet's XML may wait for the compressor before the next lines are read.
const BACKLOG_BYTES = 256 * 1024;

interface Column {
  header: string;
  width: number;
  money?: boolean;
}

const money = (header: string): Column => ({ header, width: 16, money: true });
const MONEY_COLUMNS = ['Awarded', 'Claimed', 'Approved', 'Paid', 'Forecast', 'Released'].map(
  (header) => money(header),
);
MONEY_COLUMNS.push(money('Remaining'));
const WHO: Column[] = [
  { header: 'Reference', width: 18 },
  { header: 'Organisation', width: 44 },
  { header: 'Force area', width: 22 },
  { header: 'Applicant type', width: 16 },
];

// The workbook's sheets, in order, each with its columns; a line's `line` names its sheet.
const SHEETS: { name: string; columns: Column[] }[] = [
  {
    name: 'Summary',
    columns: [
      { header: 'Group', width: 26 },
      { header: 'Name', width: 30 },
      { header: 'Awards', width: 10 },
      ...MONEY_COLUMNS,
    ],
  },
  {
    name: 'Awards',
    columns: [
      ...WHO,
      { header: 'Status', width: 12 },
      ...MONEY_COLUMNS,
      { header: 'Overdue returns', width: 16 },
      { header: 'Underspend risk', width: 16 },
    ],
  },
  {
    name: 'Years',
    columns: [
      ...WHO,
      { header: 'Financial year', width: 14 },
      { header: 'Kind', width: 10 },
      ...MONEY_COLUMNS,
    ],
  },
  {
    name: 'Quarters',
    columns: [
      ...WHO,
      { header: 'Financial year', width: 14 },
      { header: 'Quarter', width: 9 },
      money('Profile'),
      money('Claimed capital'),
      money('Claimed revenue'),
      money('Approved'),
      money('Paid'),
      money('Forecast'),
      { header: 'Variance %', width: 11 },
      { header: 'Overdue', width: 9 },
    ],
  },
];
const SHEET_OF: Record<string, number> = { award: 1, year: 2, quarter: 3 };
const TOTAL_GROUPS: Record<string, string> = {
  'total: round': 'Round',
  'total: year and kind': 'Financial year and kind',
  'total: force area': 'Force area',
  'total: applicant type': 'Applicant type',
};

const value = (line: ExportLine, name: keyof typeof LINE) => line[LINE[name]];
const pounds = (line: ExportLine, name: keyof typeof LINE) => Number(line[LINE[name]] ?? 0) / 100;
const text = (line: ExportLine, name: keyof typeof LINE) => String(line[LINE[name]] ?? '');
const who = (line: ExportLine) =>
  [text(line, 'reference'), text(line, 'organisation_name')].concat([
    text(line, 'force_area_name'),
    text(line, 'applicant_type'),
  ]);
const moneyOf = (line: ExportLine) =>
  (['awarded', 'claimed', 'approved', 'paid', 'forecast', 'released', 'remaining'] as const).map(
    (name) => pounds(line, name),
  );

// The summary as a workbook, streamed to disk sheet by sheet as the lines come, in the sheets'
// order: Summary (the round, then by financial year and kind, force area and applicant type, and
// the "as at" moment), Awards, Years (award × financial year × kind) and Quarters (award ×
// quarter). Each sheet has a frozen, bold header row; money cells hold pounds as numbers shown
// as £. A sheet is written whole before the next begins, so nothing waits in memory.
export async function writeSpendXlsx(target: string, data: SpendLines): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: target, useStyles: true });
  book.creator = 'Safer Streets grants';
  book.created = data.asAt;
  book.title = `${data.round.name}: spend as at ${data.asAtLondon}`;
  let current = -1;
  let worksheet: ExcelJS.Worksheet | undefined;
  let count = 0;
  let styles: Partial<ExcelJS.Style>[] = [];

  // Closes the sheet being written and opens the ones up to `index` (empty ones stay empty).
  const moveTo = (index: number): void => {
    while (current < index) {
      if (current === 0 && worksheet) {
        add(['As at (UK time)', data.asAtLondon]);
      }
      worksheet?.commit();
      current += 1;
      const { name, columns } = SHEETS[current];
      worksheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
      worksheet.columns = columns.map(({ header, width, money: isMoney }) => ({
        header,
        width,
        ...(isMoney ? { style: { numFmt: MONEY } } : {}),
      }));
      worksheet.getRow(1).font = { bold: true };
      styles = columns.map((column) => (column.money ? MONEY_STYLE : PLAIN_STYLE));
    }
  };
  function add(values: unknown[]) {
    const row = (worksheet as ExcelJS.Worksheet).addRow(values);
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cell.style = styles[column - 1] ?? PLAIN_STYLE;
    });
    row.commit();
  }
  // The sheet's XML goes to the zip through a stream that never pushes back (ExcelJS's); the
  // first stream it pipes to (archiver's, readable-stream's PassThrough) queues what the
  // compressor has not taken yet. Past BACKLOG_BYTES, lines wait for it to drain.
  const backlog = (): Writable | undefined => {
    type Queue = Writable & { _writableState?: { length?: number } };
    const stream = (worksheet as unknown as { stream?: { pipes?: Queue[] } } | undefined)?.stream;
    const sink = stream?.pipes?.[0];
    return (sink?._writableState?.length ?? 0) > BACKLOG_BYTES ? sink : undefined;
  };

  const write = (line: ExportLine) => {
    const kind = value(line, 'line') as string;
    const sheet = SHEET_OF[kind] ?? 0;
    moveTo(sheet);
    if (sheet === 0) {
      const group = TOTAL_GROUPS[kind];
      const name =
        kind === 'total: round'
          ? `${data.round.code} ${data.round.name}`
          : kind === 'total: year and kind'
            ? `${text(line, 'financial_year')} ${text(line, 'kind')}`
            : kind === 'total: force area'
              ? text(line, 'force_area_name')
              : text(line, 'applicant_type');
      add([group, name, Number(value(line, 'awards') ?? 0), ...moneyOf(line)]);
    } else if (sheet === 1) {
      const risk = underspendRisk(
        {
          status: value(line, 'award_status') as string,
          awardedPence: Number(value(line, 'awarded') ?? 0),
          claimedPence: Number(value(line, 'claimed') ?? 0),
          forecastPence: Number(value(line, 'forecast') ?? 0),
          releasedPence: Number(value(line, 'released') ?? 0),
          overdueReturns: Number(value(line, 'overdue_returns') ?? 0),
        },
        Number(value(line, 'variance_threshold_percent')),
      );
      add([
        ...who(line),
        text(line, 'award_status'),
        ...moneyOf(line),
        Number(value(line, 'overdue_returns') ?? 0),
        risk ? 'yes' : 'no',
      ]);
    } else if (sheet === 2) {
      add([...who(line), text(line, 'financial_year'), text(line, 'kind'), ...moneyOf(line)]);
    } else {
      const profile = Number(value(line, 'profile') ?? 0);
      const claimed = Number(value(line, 'claimed') ?? 0);
      const threshold = Number(value(line, 'variance_threshold_percent'));
      add([
        ...who(line),
        text(line, 'financial_year'),
        `Q${text(line, 'quarter')}`,
        ...(['profile', 'claimed_capital', 'claimed_revenue', 'approved', 'paid'] as const).map(
          (name) => pounds(line, name),
        ),
        pounds(line, 'forecast'),
        claimed > 0 ? variance(profile, claimed, threshold).percent : null,
        value(line, 'overdue') ? 'yes' : 'no',
      ]);
    }
  };

  await pipeline(
    data.lines,
    new Writable({
      objectMode: true,
      write(line: ExportLine, _encoding, done) {
        write(line);
        count += 1;
        const sink = backlog();
        const waits = [data.tick(count), sink ? once(sink, 'drain') : undefined].filter(
          (wait) => wait !== undefined,
        );
        if (waits.length > 0) {
          Promise.all(waits).then(() => done(), done);
        } else {
          done();
        }
      },
    }),
  );
  moveTo(SHEETS.length - 1);
  worksheet?.commit();
  await book.commit();
}
