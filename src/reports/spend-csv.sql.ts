import { londonZonedSql } from '../common/london-time';
import {
  CSV_LEVELS,
  type ExportColumn,
  type LineLevel,
  type LineSql,
  levelsOf,
  reportText,
  sqlLiteral,
} from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { EXPORT_LISTS, LINE_SOURCES, TOTAL_ORDER } from './spend-lines.sql';
import { SPEND_FACTS } from './spend-summary.sql';
import { csvText, csvTextSql } from './spreadsheet-text';

// The spend CSV written by PostgreSQL itself: one text per line of the file, made in SQL from the
// same column definition the other writers read (spend-columns.ts), byte for byte the fields
// writeSpendCsv writes, and sent with `COPY (…) TO STDOUT`; Node writes the BOM and the heading
// and turns COPY's text format into the file (spend-csv-copy.ts).

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

// A database column's SQL on a level (a typed NULL where the level lacks it).
function rawSql(columns: readonly ExportColumn[], key: string, level: LineLevel): string {
  const column = columns.find((candidate) => candidate.key === key);
  if (!column?.sql) {
    throw new Error(`The export has no database column ${key}`);
  }
  return column.sql[level] ?? `NULL::${column.sqlType ?? 'text'}`;
}

// A column's field on a level's lines, in SQL; `award` reads the award line's columns (only where
// the line is the award's own). A field that reads nothing of the line (the export's moment) is
// worked out once, as a subquery of its own.
function columnFieldSql(
  columns: readonly ExportColumn[],
  column: ExportColumn,
  level: LineLevel,
  asAt: string,
): string {
  let readsLine = false;
  const line: LineSql = {
    get: (key) => {
      readsLine = true;
      return rawSql(columns, key, level);
    },
    award: (key) => {
      if (level !== 'award') {
        throw new Error(`${column.key} reads its award: it must be the award's own (ofAward)`);
      }
      readsLine = true;
      return rawSql(columns, key, 'award');
    },
    asAt,
  };
  let value: string;
  if (column.derive) {
    if (!column.derive.sql) {
      throw new Error(`The derived column ${column.key} has no SQL for the CSV`);
    }
    value = column.derive.sql(line);
  } else {
    value = line.get(column.key);
    if (column.label) {
      if (!column.labelSql) {
        throw new Error(`The label column ${column.key} has no labelSql for the CSV`);
      }
      value = column.labelSql(value);
    }
  }
  const field = fieldSql(column, value);
  return readsLine ? field : `(SELECT ${field})`;
}

// The award's own fields (ofAward), worked out once per award and read by its year and quarter
// lines as `w.<key>`.
const awardOwn = (column: ExportColumn, level: LineLevel) =>
  column.ofAward === true && level !== 'award' && level !== 'total';

// One line's text: its fields joined by commas, runs of fixed text (commas, empty fields) as one
// literal.
function recordSql(
  columns: readonly ExportColumn[],
  shown: readonly ExportColumn[],
  level: LineLevel,
  asAt: string,
): string {
  const parts: string[] = [];
  let fixed = '';
  shown.forEach((column, at) => {
    fixed += at === 0 ? '' : ',';
    if (!levelsOf(column).includes(level)) {
      return;
    }
    if (fixed) {
      parts.push(sqlLiteral(fixed));
      fixed = '';
    }
    parts.push(
      awardOwn(column, level) ? `w.${column.key}` : columnFieldSql(columns, column, level, asAt),
    );
  });
  if (fixed) {
    parts.push(sqlLiteral(fixed));
  }
  return `concat(${parts.join(',\n           ')})`;
}

// The keys the file is sorted by within an award, as the cursor's query sorts it
// (exportLines('csv')). The awards are in reference order, by their place in it (award_order; a
// reference is unique): one sort of the awards, so the file's sort compares whole numbers, not
// text, between awards. The award's own keys (AWARD_KEYS) order only the totals: an award's lines
// all share them.
const SORT_KEYS = ['financial_year', 'quarter', 'kind', 'force_area_code', 'applicant_type'];
const AWARD_KEYS = ['force_area_code', 'applicant_type'];

// The query PostgreSQL writes the CSV's lines with (without the heading), for `COPY (…) TO
// STDOUT`: COPY takes no parameters, so the round and the moment are written into it as literals.
// A year or quarter line reads its award's fields from award_fields (`w`), worked out once per
// award, so its own list is read without the award beside it.
export function spendCsvCopy(
  roundId: string,
  asAt: Date,
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
): string {
  const shown = columns.filter((column) => column.csv);
  const moment = '$2::timestamptz';
  const keys = (level: LineLevel) =>
    SORT_KEYS.map((key) =>
      LINE_SOURCES[level].awardId && AWARD_KEYS.includes(key)
        ? `NULL::text AS ${key}`
        : `${rawSql(columns, key, level)} AS ${key}`,
    ).join(', ');
  const branch = (level: LineLevel, section: number, rank: number, totalOrder: string) => {
    const source = LINE_SOURCES[level];
    const record = recordSql(columns, shown, level, moment);
    const lines = source.lines && !/\baw\./.test(`${record} ${keys(level)}`);
    const awardJoin = source.awardId
      ? `\n    JOIN award_fields w ON w.award_id = ${source.awardId}`
      : '';
    const awardOrder = source.awardId ? 'w.award_order' : 'NULL::bigint';
    return `
    SELECT ${section} AS section, ${rank} AS rank, ${totalOrder} AS total_order,
           ${awardOrder} AS award_order, ${keys(level)},
           ${record} AS record
    FROM ${lines ? source.lines : source.from}${awardJoin}`;
  };
  const awardFields = shown.filter((column) => column.ofAward);
  const sql = `
  WITH ${SPEND_FACTS},
  ${EXPORT_LISTS},
  award_fields AS MATERIALIZED (
    SELECT ${LINE_SOURCES.award.awardId} AS award_id,
           row_number() OVER (ORDER BY ${rawSql(columns, 'reference', 'award')}) AS award_order,
           ${awardFields
             .map(
               (column) => `${columnFieldSql(columns, column, 'award', moment)} AS ${column.key}`,
             )
             .join(',\n           ')}
    FROM ${LINE_SOURCES.award.from}
  ),
  lines AS (${CSV_LEVELS.map((level) =>
    level === 'total'
      ? branch(level, 1, 0, TOTAL_ORDER)
      : branch(level, 0, level === 'year' ? 1 : 2, '0'),
  ).join('\n    UNION ALL')}
  )
  SELECT l.record FROM lines l
  ORDER BY l.section, l.total_order, l.award_order, l.rank, l.financial_year, l.quarter, l.kind,
           l.force_area_code, l.applicant_type`;
  const values = [roundId, asAt.toISOString()];
  return `COPY (${sql.replace(/\$(\d)\b/g, (_, n: string) => sqlLiteral(values[Number(n) - 1]))}) TO STDOUT`;
}
