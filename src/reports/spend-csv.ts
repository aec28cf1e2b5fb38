import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { formatLondonZoned } from '../common/london-time';
import {
  type Cell,
  CSV_LEVELS,
  type ExportColumn,
  type LineContext,
  type LineLevel,
  levelsOf,
  reportText,
  sqlColumns,
} from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { type ExportLine, lineReader, type SpendLines } from './spend-export';
import { CSV_BOM, CSV_LINE_END, csvRecord, csvText } from './spreadsheet-text';

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

// The words for a flag are the report's (reportText), quoted once.
const YES = csvText(reportText('flag', true));
const NO = csvText(reportText('flag', false));

// How one column is written on the lines of one level: a fixed field (the level lacks the
// column), or worked out from the line (`award` counts the award lines read so far, so it tells
// which award the line belongs to).
type FieldWriter = string | ((line: ExportLine, context: LineContext, award: number) => string);

// Text fields repeat: an award's who-it-is cells are the same on each of its dozen lines, and a
// label is one of a few. Each text column keeps the fields it has written lately (emptied when
// it holds too many, so memory stays flat), so csvText runs about once per award, not per line.
const RECENT_TEXTS = 1_024;
function remembered(write: (text: string) => string): (text: string) => string {
  let recent = new Map<string, string>();
  return (text) => {
    let field = recent.get(text);
    if (field === undefined) {
      field = write(text);
      if (recent.size >= RECENT_TEXTS) {
        recent = new Map();
      }
      recent.set(text, field);
    }
    return field;
  };
}

// A cell's value as a CSV field, by the column's type.
function fieldOf(column: ExportColumn, asAt: Date): (value: Cell) => string {
  const text = remembered(csvText);
  switch (column.type) {
    case 'pounds':
      return (value) => pounds(value as string | number | null);
    case 'percent':
    case 'count':
      return (value) => (value === null ? '' : String(Number(value)));
    case 'flag':
      return (value) => (value === null ? '' : value ? YES : NO);
    case 'ukTime': {
      // The moment is the same on every row: written out once.
      const moment = csvText(formatLondonZoned(asAt));
      return (value) =>
        value instanceof Date
          ? value.getTime() === asAt.getTime()
            ? moment
            : csvText(formatLondonZoned(value))
          : '';
    }
    case 'text':
    case 'label':
    case 'date':
      return (value) => (value === null ? '' : text(String(value)));
  }
}

// The writer of each shown column on a level's lines, worked out once from the definition: a
// database column is read by its index; a derived one through the line's context, once per
// award when it is the award's (perAward).
function fieldWriters(
  shown: readonly ExportColumn[],
  columns: readonly ExportColumn[],
  level: LineLevel,
  asAt: Date,
): FieldWriter[] {
  const index = new Map(sqlColumns(columns).map((column, at) => [column.key, at]));
  return shown.map((column): FieldWriter => {
    if (!levelsOf(column).includes(level)) {
      return '';
    }
    const field = fieldOf(column, asAt);
    const derive = column.derive;
    if (derive?.perAward) {
      let of = -1;
      let last = '';
      return (_line, context, award) => {
        if (award !== of) {
          of = award;
          last = field(derive.value(context));
        }
        return last;
      };
    }
    if (derive) {
      return (_line, context) => field(derive.value(context));
    }
    const at = index.get(column.key) as number;
    const label = column.label;
    return label
      ? (line) => {
          const value = line[at];
          return field(value === null ? null : label(String(value)));
        }
      : (line) => field(line[at]);
  });
}

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
  const read = lineReader(columns, data.asAt);
  // Each CSV level's writers; an award's own line is not written (see CSV_LEVELS).
  const writers = new Map(
    CSV_LEVELS.map((level) => [level, fieldWriters(shown, columns, level, data.asAt)]),
  );
  let count = 0;
  let buffer =
    CSV_BOM +
    csvRecord(
      shown.map((column) => column.heading),
      CSV_LINE_END,
    );

  let awards = 0;
  const format = (line: ExportLine): string => {
    const { level, context } = read(line);
    awards += level === 'total' || level === 'award' ? 1 : 0;
    const fields = writers.get(level);
    if (!fields) {
      return '';
    }
    let record = '';
    for (let at = 0; at < fields.length; at += 1) {
      const field = fields[at];
      record +=
        (at === 0 ? '' : ',') + (typeof field === 'string' ? field : field(line, context, awards));
    }
    return record + CSV_LINE_END;
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
