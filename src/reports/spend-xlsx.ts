import { createWriteStream } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { formatLondonZoned } from '../common/london-time';
import {
  type Cell,
  cellOf,
  type ExportColumn,
  LINE_LEVELS,
  type LineLevel,
  reportText,
  SHEET_NAMES,
  type ColumnType,
} from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { columnsByLevel, type ExportLine, lineReader, type SpendLines } from './spend-export';

// Every cell of a type gets the same frozen style object: ExcelJS looks a style object up by
// identity before working out its XML, so shared objects make that lookup all it does.
const STYLES: Record<ColumnType, Partial<ExcelJS.Style>> = {
  pounds: Object.freeze({ numFmt: '"£"#,##0.00' }),
  // A whole percent (spendVariancePercent), held as a fraction: -10% is -0.1.
  percent: Object.freeze({ numFmt: '0%' }),
  date: Object.freeze({ numFmt: 'd mmm yyyy' }),
  ukTime: Object.freeze({}),
  count: Object.freeze({ numFmt: '0' }),
  text: Object.freeze({}),
  label: Object.freeze({}),
  flag: Object.freeze({}),
};
const BOLD: Partial<ExcelJS.Font> = Object.freeze({ bold: true });
// Back-pressure: after this many lines the writer waits for the compressor to catch up, which it
// has when nothing more reaches the file for QUIET_MS (the compressor emits a block every few
// milliseconds while it has work). What waits in memory is then at most one batch of rows' XML.
const LINES_PER_PAUSE = 5_000;
const QUIET_MS = 15;

// A cell's value as the workbook holds it: money as pounds, a percent as a fraction, a date as a
// date (midnight UTC, which Excel shows as that calendar day), flags as yes or no.
function cellValue(type: ColumnType, value: Cell): ExcelJS.CellValue {
  if (value === null) {
    return type === 'pounds' ? 0 : null;
  }
  switch (type) {
    case 'pounds':
      return Number(value) / 100;
    case 'percent':
      return Number(value) / 100;
    case 'count':
      return Number(value);
    case 'date':
      return new Date(`${String(value)}T00:00:00Z`);
    case 'ukTime':
    case 'flag':
      // In words, as the printed report shows them.
      return reportText(type, value);
    case 'text':
    case 'label':
      return String(value);
  }
}

// Header and footer text is a code of its own: `&` starts one, so a literal one is doubled.
const headerText = (text: string) => text.replace(/&/g, '&&');

// The summary as a workbook, streamed to disk sheet by sheet as the lines come (the query gives
// them in the sheets' order): Summary (a title and "as at" block, then the round's totals and
// subtotals), Awards, By year (award × financial year × kind) and By quarter (award × quarter).
// Each sheet's columns are those of the definition (spend-columns.ts) its level has; every table
// has a bold, frozen header row with a filter, repeated on every printed page; money is pounds
// shown as £, variance a percent, dates real dates. Printed A4 landscape, one page wide, with the
// round and moment in the header and "Page n of m" in the footer. A sheet is written whole
// before the next begins, so nothing waits in memory.
export async function writeSpendXlsx(
  target: string,
  data: SpendLines,
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
): Promise<void> {
  // The workbook is written through a stream of ours that counts what reaches the file.
  let written = 0;
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => {
    written += chunk.length;
  });
  const file = pipeline(output, createWriteStream(target));
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true });
  const title = `Spend summary: ${data.round.code} ${data.round.name}`;
  const asAt = formatLondonZoned(data.asAt);
  book.creator = 'Safer Streets grants';
  book.created = data.asAt;
  book.title = `${title}, as at ${asAt}`;
  const shown = columns.filter((column) => column.excel);
  const onLevel = columnsByLevel(shown);
  const read = lineReader(columns, data.asAt);
  let current = -1;
  let sheet:
    | { worksheet: ExcelJS.Worksheet; columns: ExportColumn[]; header: number; rows: number }
    | undefined;
  let count = 0;

  const close = () => {
    if (!sheet) {
      return;
    }
    const { worksheet, header, rows } = sheet;
    worksheet.autoFilter = {
      from: { row: header, column: 1 },
      to: { row: rows, column: sheet.columns.length },
    };
    worksheet.commit();
  };
  const add = (values: ExcelJS.CellValue[], styles?: Partial<ExcelJS.Style>[]) => {
    const current = sheet as { worksheet: ExcelJS.Worksheet; rows: number };
    const row = current.worksheet.addRow(values);
    current.rows = row.number;
    if (styles) {
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cell.style = styles[column - 1] ?? STYLES.text;
      });
    }
    return row;
  };
  // Closes the sheet being written and opens the ones up to `level`'s (empty ones stay empty).
  const moveTo = (level: LineLevel): void => {
    const index = LINE_LEVELS.indexOf(level);
    while (current < index) {
      close();
      current += 1;
      const name = SHEET_NAMES[LINE_LEVELS[current]];
      const sheetColumns = shown.filter((column) => onLevel[LINE_LEVELS[current]].has(column));
      // The Summary sheet opens with the title and "as at" block; its table starts below.
      const header = current === 0 ? 5 : 1;
      const worksheet = book.addWorksheet(name, {
        views: [{ state: 'frozen', ySplit: header }],
        pageSetup: {
          paperSize: 9,
          orientation: 'landscape',
          fitToPage: true,
          fitToWidth: 1,
          fitToHeight: 0,
          printTitlesRow: `${header}:${header}`,
        },
        headerFooter: {
          oddHeader: `&L${headerText(title)}&R${headerText(name)}`,
          oddFooter: `&LAs at ${headerText(asAt)}&RPage &P of &N`,
        },
      });
      worksheet.columns = sheetColumns.map((column) => ({ key: column.key, width: column.width }));
      sheet = { worksheet, columns: sheetColumns, header, rows: 0 };
      if (current === 0) {
        add([title]).font = Object.freeze({ bold: true, size: 14 });
        add(['As at', asAt]);
        add(['As at (UTC)', data.asAt.toISOString()]);
        add([]);
      }
      const headings = add(sheetColumns.map((column) => column.heading));
      headings.font = BOLD;
      headings.commit();
    }
  };
  const write = (line: ExportLine) => {
    const { level, context } = read(line);
    moveTo(level);
    const sheetColumns = (sheet as { columns: ExportColumn[] }).columns;
    add(
      sheetColumns.map((column) => cellValue(column.type, cellOf(column, context))),
      sheetColumns.map((column) => STYLES[column.type]),
    ).commit();
  };

  // Back-pressure through ExcelJS's public API only (it writes to the stream it is given): see
  // LINES_PER_PAUSE.
  const pause = async () => {
    let seen = -1;
    while (seen !== written) {
      seen = written;
      await setTimeout(QUIET_MS);
    }
  };
  await pipeline(
    data.lines,
    new Writable({
      objectMode: true,
      write(line: ExportLine, _encoding, done) {
        write(line);
        count += 1;
        const waits = [
          data.tick(count),
          count % LINES_PER_PAUSE === 0 ? pause() : undefined,
        ].filter((wait) => wait !== undefined);
        if (waits.length > 0) {
          Promise.all(waits).then(() => done(), done);
        } else {
          done();
        }
      },
    }),
  );
  moveTo(LINE_LEVELS[LINE_LEVELS.length - 1]);
  close();
  await book.commit();
  await file;
}
