import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { formatLondonZoned } from '../common/london-time';
import { type Cell, cellOf, CSV_LEVELS, type ExportColumn, SPEND_COLUMNS } from './spend-columns';
import { columnsByLevel, type ExportLine, lineReader, type SpendLines } from './spend-export';
import { csvRecord, csvText } from './spreadsheet-text';

// Pence as PostgreSQL sends bigint and numeric, a string of digits, as pounds with two decimals
// ("-5" is "-0.05"); none (a total over nothing) is 0.00.
export function pounds(pence: string | number | null): string {
  if (pence === null) {
    return '0.00';
  }
  const text = String(pence);
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

const YES = csvText('yes');
const NO = csvText('no');
// Excel on Windows reads a CSV as UTF-8 only with the byte-order mark (else "£" is "Â£"); it and
// other readers expect CRLF line ends (RFC 4180).
export const CSV_BOM = '\uFEFF';
export const CSV_LINE_END = '\r\n';

// The summary as one CSV in long form (CSV_LEVELS): per award a `year` row for each financial
// year and kind and a `quarter` row for each quarter, then `total: …` rows for the round,
// financial year and kind, force area and applicant type; the columns those of the definition
// the CSV shows (spend-columns.ts), blank where a row's level lacks one. Money in pounds with two
// decimals, variance a whole percent (spendVariancePercent), codes shown as words beside the
// codes, dates `YYYY-MM-DD`, the "as at" moment on the UK clock with its zone on every row; every
// text field quoted and guarded against formulas (csvText).
// Written as the lines come from the cursor, a buffer's worth at a time.
export async function writeSpendCsv(
  target: string,
  data: SpendLines,
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
): Promise<void> {
  const shown = columns.filter((column) => column.csv);
  const onLevel = columnsByLevel(shown);
  const read = lineReader(columns, data.asAt);
  const csvLevels = new Set(CSV_LEVELS);
  let count = 0;
  let buffer =
    CSV_BOM +
    csvRecord(
      shown.map((column) => column.heading),
      CSV_LINE_END,
    );
  // The moment is the same on every row: written out once.
  let moment: [number, string] = [NaN, ''];
  const ukTime = (instant: Date) => {
    if (moment[0] !== instant.getTime()) {
      moment = [instant.getTime(), csvText(formatLondonZoned(instant))];
    }
    return moment[1];
  };

  const field = (column: ExportColumn, value: Cell): string => {
    switch (column.type) {
      case 'pounds':
        return pounds(value as string | number | null);
      case 'percent':
      case 'count':
        return value === null ? '' : String(Number(value));
      case 'flag':
        return value === null ? '' : value ? YES : NO;
      case 'ukTime':
        return value instanceof Date ? ukTime(value) : '';
      case 'text':
      case 'label':
      case 'date':
        return value === null ? '' : csvText(String(value));
    }
  };
  const format = (line: ExportLine): string => {
    const { level, context } = read(line);
    if (!csvLevels.has(level)) {
      return '';
    }
    const has = onLevel[level];
    return (
      shown
        .map((column) => (has.has(column) ? field(column, cellOf(column, context)) : ''))
        .join(',') + CSV_LINE_END
    );
  };
  const csv = new Transform({
    writableObjectMode: true,
    transform(line: ExportLine, _encoding, done) {
      buffer += format(line);
      count += 1;
      const flush = buffer.length >= 65_536;
      const chunk = flush ? buffer : undefined;
      if (flush) {
        buffer = '';
      }
      const progress = data.tick(count);
      if (progress) {
        progress.then(() => done(null, chunk), done);
      } else {
        done(null, chunk);
      }
    },
    flush(done) {
      done(null, buffer);
    },
  });
  await pipeline(data.lines, csv, createWriteStream(target));
}
