import { londonZonedSql } from '../common/london-time';
import {
  CSV_LEVELS,
  type ExportColumn,
  type LineLevel,
  reportText,
  sqlLiteral,
} from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { type CopyFormat, spendCopy } from './spend-copy.sql';
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

// The CSV: long form, per award (in reference order) its year lines, then its quarter lines; the
// totals last. Every line has every column, runs of fixed text (commas, empty fields) joined as
// one literal.
function csvFormat(columns: readonly ExportColumn[]): CopyFormat {
  const shown = columns.filter((column) => column.csv);
  return {
    shown,
    levels: CSV_LEVELS,
    place: (level: LineLevel) =>
      level === 'total' ? { section: 1, rank: 0 } : { section: 0, rank: level === 'year' ? 1 : 2 },
    part: (column, value) => fieldSql(column, value),
    record: (_level, partOf) => {
      const parts: string[] = [];
      let fixed = '';
      shown.forEach((column, at) => {
        fixed += at === 0 ? '' : ',';
        const part = partOf(column);
        if (part === undefined) {
          return;
        }
        if (fixed) {
          parts.push(sqlLiteral(fixed));
          fixed = '';
        }
        parts.push(part);
      });
      if (fixed) {
        parts.push(sqlLiteral(fixed));
      }
      return `concat(${parts.join(',\n           ')})`;
    },
    select: (order) => `SELECT l.record FROM lines l ORDER BY ${order}`,
  };
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
