import { formatLondonZoned, formatUkDate } from '../common/london-time';
import { formatPounds } from '../common/money';

// What an export column is (spend-columns.ts declares the spend exports' columns): the kinds of
// line it can stand on, its type and how a person reads each type, where it is shown, and how the
// query's select lists and a line's cells are made from a list of columns.

// The kinds of line an export holds: an award's totals, its financial year × kind lines, its
// quarters, and the round's totals and subtotals. In the workbook each has its own sheet.
export const LINE_LEVELS = ['total', 'award', 'year', 'quarter'] as const;
export type LineLevel = (typeof LINE_LEVELS)[number];
export const SHEET_NAMES: Record<LineLevel, string> = {
  total: 'Summary',
  award: 'Awards',
  year: 'By year',
  quarter: 'By quarter',
};
// The CSV is long form: an award's own line is not written; its year and quarter lines carry
// who it is and its flags.
export const CSV_LEVELS: readonly LineLevel[] = ['year', 'quarter', 'total'];

// text: as it is; label: a code shown as words; pounds: bigint pence shown as pounds; percent: a
// whole percent (see spendVariancePercent); date: a calendar date `YYYY-MM-DD`; ukTime: an
// instant shown on the UK clock with its zone; count: a whole number; flag: yes or no.
export type ColumnType =
  'text' | 'label' | 'pounds' | 'percent' | 'date' | 'ukTime' | 'count' | 'flag';
export type Cell = string | number | boolean | Date | null;

// A value of each type as people read it in the printed report: pounds with the £ and thousands
// ("£1,234.56", as the workbook's number format shows them; none is £0.00, as in the files), a
// percent with its sign ("-10%"), a date on the UK calendar ("31 July 2026"), a moment on the UK
// clock with its zone, yes or no; nothing else is blank. The CSV keeps plain figures for machines.
export function reportText(type: ColumnType, value: Cell): string {
  if (value === null) {
    return type === 'pounds' ? formatPounds(0) : '';
  }
  switch (type) {
    case 'pounds':
      return formatPounds(typeof value === 'number' ? value : String(value));
    case 'percent':
      return `${Number(value)}%`;
    case 'count':
      return String(Number(value));
    case 'date':
      return formatUkDate(String(value));
    case 'ukTime':
      return value instanceof Date ? formatLondonZoned(value) : String(value);
    case 'flag':
      return value ? 'yes' : 'no';
    case 'text':
    case 'label':
      return String(value);
  }
}
// The report writes those units in every cell, so its headings leave out the "(£)" or "(%)" the
// files' headings carry.
const UNIT_IN_CELL: Partial<Record<ColumnType, string>> = { pounds: '£', percent: '%' };
export function reportHeading(column: ExportColumn): string {
  const unit = UNIT_IN_CELL[column.type];
  return unit && column.heading.endsWith(` (${unit})`)
    ? column.heading.slice(0, -` (${unit})`.length)
    : column.heading;
}

// The printed report's tables (spend-html.ts): the round's totals, its subtotals by financial
// year and kind, force area and applicant type, the round's quarters (its chart's figures), and
// each award's quarters.
export const REPORT_TABLES = [
  'round',
  'byYearAndKind',
  'byForceArea',
  'byApplicantType',
  'roundQuarters',
  'awardQuarters',
] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

// What a derived column is worked out from: a value of the line being written (by key), the
// award the line belongs to (its own `award` line, read just before its year and quarter lines),
// and the export's moment.
export interface LineContext {
  get: (key: string) => Cell;
  award: ((key: string) => Cell) | null;
  asAt: Date;
}

// What a derived column's SQL is worked out from (the SQL form of LineContext, for exports
// PostgreSQL writes itself): the SQL of a database column on the line being written, of one on
// its award's line, and of the export's moment.
export interface LineSql {
  get: (key: string) => string;
  award: (key: string) => string;
  asAt: string;
}

export interface ExportColumn {
  key: string;
  heading: string;
  type: ColumnType;
  // Width in the workbook, in characters.
  width: number;
  // Read from the database: the SQL for each level that has the column (the UNION branches'
  // aliases: `aw` the award, `a` its totals, `o` its overdue returns, `y` a year line, `q` a
  // quarter line (a return), `t` a total), and its PostgreSQL type for the levels without.
  sql?: Partial<Record<LineLevel, string>>;
  sqlType?: 'text' | 'bigint' | 'int' | 'boolean';
  // Or worked out when written, for these levels. `perAward`: worked out from the award alone
  // (line.award), so a writer works it out once per award rather than on each of its lines.
  // `sql`: the same value worked out in SQL, for the CSV that PostgreSQL writes (a column
  // without it cannot be in that CSV).
  derive?: {
    levels: readonly LineLevel[];
    value: (line: LineContext) => Cell;
    sql?: (line: LineSql) => string;
    perAward?: true;
  };
  // The award's own: on its year and quarter lines the same as on its award line (so the CSV
  // PostgreSQL writes works its field out once per award).
  ofAward?: true;
  // A code read from the database shown as words (type label), and the same in SQL.
  label?: (code: string) => string;
  labelSql?: (code: string) => string;
  // Shown in the CSV, in the workbook (on the sheets of the levels that have it); false for a
  // column only other columns are worked out from.
  csv: boolean;
  excel: boolean;
  // The printed report's tables that show it, in the definition's order (none when absent).
  html?: readonly ReportTable[];
}

// Text as an SQL string literal.
export const sqlLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

// The levels a column has a value on.
export function levelsOf(column: ExportColumn): readonly LineLevel[] {
  return column.derive?.levels ?? LINE_LEVELS.filter((level) => column.sql?.[level] !== undefined);
}

// The columns read from the database, in the order the query selects them (lines arrive as
// arrays in this order).
export function sqlColumns(columns: readonly ExportColumn[]): ExportColumn[] {
  return columns.filter((column) => column.sql !== undefined);
}

// The select list of one UNION branch: each database column's SQL for the level, or a typed NULL
// where the level has none, named by its key.
export function selectList(columns: readonly ExportColumn[], level: LineLevel): string {
  return sqlColumns(columns)
    .map(
      (column) => `${column.sql?.[level] ?? `NULL::${column.sqlType ?? 'text'}`} AS ${column.key}`,
    )
    .join(',\n           ');
}

// The value of a column on a line of a level that has it.
export function cellOf(column: ExportColumn, line: LineContext): Cell {
  if (column.derive) {
    return column.derive.value(line);
  }
  const value = line.get(column.key);
  return column.label && value !== null ? column.label(String(value)) : value;
}
