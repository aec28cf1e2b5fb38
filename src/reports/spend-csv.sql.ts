import { createHash } from 'node:crypto';
import { londonZonedSql } from '../common/london-time';
import {
  CSV_LEVELS,
  type ExportColumn,
  type LineLevel,
  reportText,
  sqlLiteral,
} from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { type CopyFormat, KEPT_LINES, linePartSql, spendCopy } from './spend-copy.sql';
import { csvText, csvTextSql } from './spreadsheet-text';

// The spend CSV written by PostgreSQL itself (spend-copy.sql.ts): one text per line of the file,
// byte for byte the fields writeSpendCsv writes; Node writes the BOM and the heading and turns
// COPY's text format into the file (spend-csv-copy.ts).

// Pence as pounds with two decimals (numeric × 0.01 keeps two: 5 is 0.05, -123456 is -1234.56),
// none 0.00, as pounds() writes them.
export const poundsSql = (pence: string) => `coalesce(((${pence})::numeric * 0.01)::text, '0.00')`;

// A value's field by the column's type, as writeSpendCsv writes it: money as pounds with two
// decimals (none is 0.00), whole numbers as they are, yes or no quoted, a date as it is quoted,
// the UK clock with its zone and other text quoted and guarded (csvText); nothing is empty.
function fieldSql(column: ExportColumn, value: string): string {
  switch (column.type) {
    case 'pounds':
      return poundsSql(value);
    case 'percent':
    case 'count':
      return `coalesce((${value})::text, '')`;
    case 'flag':
      return `CASE WHEN ${value} THEN ${sqlLiteral(csvText(reportText('flag', true)))}
                   WHEN NOT ${value} THEN ${sqlLiteral(csvText(reportText('flag', false)))}
                   ELSE '' END`;
    case 'date':
      // `YYYY-MM-DD`: nothing in it to guard or double.
      return `coalesce('"' || (${value}) || '"', '')`;
    case 'ukTime':
      return csvTextSql(londonZonedSql(value));
    case 'text':
    case 'label':
      return csvTextSql(value);
  }
}

// A line's parts in file order: its fields' SQL and, between them, runs of fixed text (commas,
// empty fields) as one literal each; `own`: a field the line's own (see CopyFormat.record).
interface LinePart {
  sql: string;
  fixed: boolean;
  own: boolean;
}
function lineParts(
  shown: readonly ExportColumn[],
  partOf: (column: ExportColumn) => string | undefined,
  isLineOwn: (part: string) => boolean = () => false,
): LinePart[] {
  const parts: LinePart[] = [];
  let fixed = '';
  const flush = () => {
    if (fixed) {
      parts.push({ sql: sqlLiteral(fixed), fixed: true, own: false });
      fixed = '';
    }
  };
  shown.forEach((column, at) => {
    fixed += at === 0 ? '' : ',';
    const part = partOf(column);
    if (part === undefined) {
      return;
    }
    flush();
    parts.push({ sql: part, fixed: false, own: isLineOwn(part) });
  });
  flush();
  return parts;
}
const concatSql = (parts: readonly LinePart[]) =>
  `concat(${parts.map((part) => part.sql).join(',\n           ')})`;

// The text of a line's own fields, from the first to the last (with the fixed text between), when
// nothing else comes between them: kept with the award's facts (spend-cache.sql.ts), read back
// while its `version` (of this SQL) is the file's. `at`: where it starts and ends in the parts.
function keptSpan(parts: readonly LinePart[]) {
  const first = parts.findIndex((part) => part.own);
  const last = parts.length - 1 - [...parts].reverse().findIndex((part) => part.own);
  const span = parts.slice(first, last + 1);
  if (first < 0 || span.some((part) => !part.fixed && !part.own)) {
    return undefined;
  }
  const sql = concatSql(span);
  const version = createHash('sha256').update(sql).digest('hex').slice(0, 16);
  return { sql, version, at: [first, last] as const };
}

// The CSV: long form, per award (in reference order) its year lines, then its quarter lines; the
// totals last. Every line has every column, runs of fixed text (commas, empty fields) joined as
// one literal. A year or quarter line's own fields are read as kept where the kept text is of
// this CSV's version, else worked out.
function csvFormat(columns: readonly ExportColumn[]): CopyFormat {
  const shown = columns.filter((column) => column.csv);
  return {
    shown,
    levels: CSV_LEVELS,
    // One section: per award its year lines, then its quarter lines; the totals after every award,
    // in their own order (their rank is not read).
    place: (level: LineLevel) => ({ section: 0, rank: level === 'quarter' ? 2 : 1 }),
    part: (column, value) => fieldSql(column, value),
    record: (_level, partOf, kept) => {
      const parts = lineParts(shown, partOf, kept?.isLineOwn);
      const span = kept && keptSpan(parts);
      if (!kept || !span) {
        return concatSql(parts);
      }
      const [first, last] = span.at;
      const read = `CASE WHEN ${kept.alias}.csv_version = ${sqlLiteral(span.version)}
                THEN ${kept.alias}.kept_csv ELSE ${span.sql} END`;
      return concatSql([
        ...parts.slice(0, first),
        { sql: read, fixed: false, own: false },
        ...parts.slice(last + 1),
      ]);
    },
    select: (order) => `SELECT l.record FROM lines l ORDER BY ${order}`,
  };
}

// The text a year or quarter line's own fields make in the CSV, as its query works it out from
// the line (`y` of `years`, `q` of `quarter_lines`), and its version: what an award's facts keep.
export function keptCsv(
  level: 'year' | 'quarter',
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
) {
  const format = csvFormat(columns);
  const line = KEPT_LINES[level];
  const span = keptSpan(
    lineParts(
      format.shown,
      (column) => linePartSql(format, columns, column, level),
      line?.isLineOwn,
    ),
  );
  if (!span) {
    throw new Error(`The CSV's ${level} lines have no fields of their own to keep`);
  }
  return { sql: span.sql, version: span.version };
}

// The query PostgreSQL writes the CSV's lines with (without the heading), for `COPY (…) TO
// STDOUT`.
export function spendCsvCopy(
  roundId: string,
  asAt: Date,
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
): string {
  return spendCopy(csvFormat(columns), roundId, asAt, columns);
}
