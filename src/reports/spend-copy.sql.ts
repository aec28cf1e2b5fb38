import {
  type ExportColumn,
  type LineLevel,
  type LineSql,
  levelsOf,
  sqlLiteral,
} from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { EXPORT_LISTS, LINE_SOURCES, MOMENT_LINE_COLUMNS, TOTAL_ORDER } from './spend-lines.sql';
import { SPEND_FACTS } from './spend-summary.sql';

// The exports PostgreSQL writes itself, sent with `COPY (…) TO STDOUT`: one text per line of the
// file, made in SQL from the column definition the other writers read (spend-columns.ts). What is
// the same for every such file is here: each column's value on each level's lines, the award's
// own values worked out once per award, the levels' lines side by side and their order. What a
// file makes of a value (a CSV field, a workbook cell) and of a line is its format's
// (spend-csv.sql.ts, spend-xlsx.sql.ts).

// A database column's SQL on a level (a typed NULL where the level lacks it).
function rawSql(columns: readonly ExportColumn[], key: string, level: LineLevel): string {
  const column = columns.find((candidate) => candidate.key === key);
  if (!column?.sql) {
    throw new Error(`The export has no database column ${key}`);
  }
  return column.sql[level] ?? `NULL::${column.sqlType ?? 'text'}`;
}

// A column's value on a level's lines, in SQL (a label column's words); `award` reads the award
// line's columns (only where the line is the award's own). `readsLine`: false for a value that
// reads nothing of the line (the export's moment), which a format works out once.
function valueSql(
  columns: readonly ExportColumn[],
  column: ExportColumn,
  level: LineLevel,
  asAt: string,
): { sql: string; readsLine: boolean } {
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
  if (column.derive) {
    if (!column.derive.sql) {
      throw new Error(
        `The derived column ${column.key} has no SQL for the files PostgreSQL writes`,
      );
    }
    return { sql: column.derive.sql(line), readsLine };
  }
  let sql = line.get(column.key);
  if (column.label) {
    if (!column.labelSql) {
      throw new Error(
        `The label column ${column.key} has no labelSql for the files PostgreSQL writes`,
      );
    }
    sql = column.labelSql(sql);
  }
  return { sql, readsLine };
}

// The award's own columns (ofAward) on a level: worked out once per award (award_fields) and read
// by its year and quarter lines as `w.<key>`.
const awardOwn = (column: ExportColumn, level: LineLevel) =>
  column.ofAward === true && level !== 'award' && level !== 'total';

// What a file format makes of the lines.
export interface CopyFormat {
  // The columns the file shows.
  shown: readonly ExportColumn[];
  // The levels whose lines the file holds, and where each stands in the file: lines are in
  // `section` order, then (for the totals) their order, then by award (reference order), then in
  // `rank` order within an award, then by their keys. In a file of one section the totals come
  // after every award's lines, in their order (their `rank` is ignored).
  levels: readonly LineLevel[];
  place: (level: LineLevel) => { section: number; rank: number };
  // A column's part of a line from its value's SQL (an award's own part is worked out once per
  // award, on the award's lines, and read from there).
  part: (column: ExportColumn, value: string) => string;
  // A line's text, from the SQL of its shown columns' parts (undefined: the level lacks it).
  // `kept`, for the year and quarter lines: their line's alias, and whether a part is the line's
  // own (reads the line alone, and nothing worked out as at the moment), so a format may keep
  // such parts' text with the award's facts (spend-cache.sql.ts) and read it back.
  record: (
    level: LineLevel,
    parts: (column: ExportColumn) => string | undefined,
    kept?: { alias: string; isLineOwn: (part: string) => boolean },
  ) => string;
  // A line of its own that starts each section (before every other), its text from the
  // section's number in SQL; none when absent.
  start?: (section: string) => string;
  // The query's last SELECT, reading `lines l` (record, section, rank, total_order, award_order
  // and the keys) and ordering it by `order`.
  select: (order: string) => string;
}

// The column's part of a level's line in SQL: the award's own from award_fields, a part that
// reads nothing of the line as a subquery of its own (worked out once).
function partSql(
  format: CopyFormat,
  columns: readonly ExportColumn[],
  column: ExportColumn,
  level: LineLevel,
  asAt: string,
): string | undefined {
  if (!levelsOf(column).includes(level)) {
    return undefined;
  }
  if (awardOwn(column, level)) {
    return `w.${column.key}`;
  }
  const value = valueSql(columns, column, level, asAt);
  const part = format.part(column, value.sql);
  return value.readsLine ? part : `(SELECT ${part})`;
}

// A column's part of a level's line in a file's query (the moment is its parameter $2).
export const linePartSql = (
  format: CopyFormat,
  columns: readonly ExportColumn[],
  column: ExportColumn,
  level: LineLevel,
) => partSql(format, columns, column, level, '$2::timestamptz');

// The keys the lines are sorted by after their award. The awards are in reference order, by their
// place in it (award_order; a reference is unique): one sort of the awards, so the file's sort
// compares whole numbers, not text, between awards. The award's own keys (AWARD_KEYS) order only
// the totals: an award's lines all share them.
const SORT_KEYS = ['financial_year', 'quarter', 'kind', 'force_area_code', 'applicant_type'];
const AWARD_KEYS = ['force_area_code', 'applicant_type'];
const sortKeys = (alias: string) => SORT_KEYS.map((key) => `${alias}${key}`).join(', ');
const LINE_ORDER = `l.section, l.total_order, l.award_order, l.rank, ${sortKeys('l.')}`;
// A file of one section: each award's lines together, awards in reference order, then the totals
// (no award: after every award), in their order, which their `rank` holds.
const withinAward = (alias: string) => `${alias}rank, ${sortKeys(alias)}`;
const awardLineOrder = (alias: string) => `${alias}award_order, ${withinAward(alias)}`;

// The levels whose lines' own parts may be kept with the award's facts, by their line's alias: a
// part is the line's own when it reads the line, every column it reads is the line's and none of
// them is worked out as at the moment (MOMENT_LINE_COLUMNS), and it reads no parameter (the
// moment). Fixed text reads nothing: it needs no keeping.
const lineOwn = (alias: string) => ({
  alias,
  isLineOwn: (part: string) => {
    const read = [...part.matchAll(/\b([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\b/g)];
    return (
      !/\$\d/.test(part) &&
      read.length > 0 &&
      read.every(([, table, column]) => table === alias && !MOMENT_LINE_COLUMNS.includes(column))
    );
  },
});
export const KEPT_LINES: Partial<
  Record<LineLevel, { alias: string; isLineOwn: (part: string) => boolean }>
> = {
  year: lineOwn('y'),
  quarter: lineOwn('q'),
};

// The query PostgreSQL writes a file's lines with, for `COPY (…) TO STDOUT`: COPY takes no
// parameters, so the round and the moment are written into it as literals. A year or quarter
// line reads its award's parts from award_fields (`w`), worked out once per award, so its own
// list is read without the award beside it.
//
// A file of one section (the CSV) is read award by award: the kept lines of each award whose
// facts the cache holds are looked up by the award's key, award after award in reference order,
// so PostgreSQL need only sort each award's few lines; the live awards' lines and the totals are
// sorted apart and merged in. The last ORDER BY alone decides the file's order: the others only
// let PostgreSQL merge rather than sort everything again. Unable to size the lists these lines
// are joined from, it otherwise hashed 600,000 kept lines with their text to join them to their
// awards, then sorted them all on disk (on the bench's 1,000,000-line round).
export function spendCopy(
  format: CopyFormat,
  roundId: string,
  asAt: Date,
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
): string {
  const sections = [...new Set(format.levels.map((level) => format.place(level).section))];
  const byAward = !format.start && sections.length === 1;
  const keys = (level: LineLevel) =>
    SORT_KEYS.map((key) =>
      LINE_SOURCES[level].awardId && AWARD_KEYS.includes(key)
        ? `NULL::text AS ${key}`
        : `${rawSql(columns, key, level)} AS ${key}`,
    ).join(', ');
  const record = (level: LineLevel) =>
    format.record(
      level,
      (column) => linePartSql(format, columns, column, level),
      KEPT_LINES[level],
    );
  // The level's lines read from `from`, where their award's parts are `w`.
  const select = (level: LineLevel, from: string) => {
    const { section, rank } = format.place(level);
    const totalOrder = level === 'total' ? TOTAL_ORDER : '0';
    return `
    SELECT ${section} AS section, ${byAward && level === 'total' ? totalOrder : rank} AS rank,
           ${totalOrder} AS total_order,
           ${LINE_SOURCES[level].awardId ? 'w.award_order' : 'NULL::bigint'} AS award_order, ${keys(level)},
           ${record(level)} AS record
    FROM ${from}`;
  };
  const joinAward = (level: LineLevel, lines: string) => {
    const awardId = LINE_SOURCES[level].awardId;
    return awardId ? `${lines}\n    JOIN award_fields w ON w.award_id = ${awardId}` : lines;
  };
  // The level's own list alone, where its lines read nothing of the award but its parts.
  const ownLines = (level: LineLevel) =>
    /\baw\./.test(`${record(level)} ${keys(level)}`) ? undefined : LINE_SOURCES[level].lines;
  const branch = (level: LineLevel) =>
    select(level, joinAward(level, ownLines(level) ?? LINE_SOURCES[level].from));
  // By award: the levels whose kept lines are read award by award, each level's live lines apart.
  const keptLevels = byAward
    ? format.levels.flatMap((level) => {
        const apart = LINE_SOURCES[level].byAward;
        return apart && ownLines(level) ? [{ level, ...apart }] : [];
      })
    : [];
  const keptByAward = keptLevels.length
    ? [
        `
    (SELECT x.section, x.rank, x.total_order, w.award_order, ${sortKeys('x.')}, x.record
    FROM (SELECT * FROM award_fields WHERE cached ORDER BY award_order) w
    CROSS JOIN LATERAL (${keptLevels
      .map(({ level, keptOf }) => select(level, keptOf('w.award_id')))
      .join('\n    UNION ALL')}
    ) x
    ORDER BY w.award_order, ${withinAward('x.')})`,
        ...keptLevels.map(({ level, live }) => select(level, joinAward(level, live))),
      ]
    : [];
  const starts = (start: (section: string) => string) => `
    SELECT s AS section, 0 AS rank, -1 AS total_order, NULL::bigint AS award_order,
           ${SORT_KEYS.map((key) => `NULL::text AS ${key}`).join(', ')}, ${start('s')} AS record
    FROM unnest(ARRAY[${sections.join(', ')}]) s`;
  const awardParts = format.shown.filter(
    (column) => column.ofAward && format.levels.some((level) => awardOwn(column, level)),
  );
  const branches = [
    ...keptByAward,
    ...format.levels
      .filter((level) => !keptLevels.some((kept) => kept.level === level))
      .map(branch),
    ...(format.start ? [starts(format.start)] : []),
  ];
  const sql = `
  WITH ${SPEND_FACTS},
  ${EXPORT_LISTS},
  award_fields AS MATERIALIZED (
    SELECT ${LINE_SOURCES.award.awardId} AS award_id, aw.cached,
           row_number() OVER (ORDER BY ${rawSql(columns, 'reference', 'award')}) AS award_order${awardParts
             .map(
               (column) =>
                 `,\n           ${linePartSql(format, columns, column, 'award')} AS ${column.key}`,
             )
             .join('')}
    FROM ${LINE_SOURCES.award.from}
  ),
  lines AS (${branches.join('\n    UNION ALL')}
  )
  ${format.select(byAward ? awardLineOrder('l.') : LINE_ORDER)}`;
  const values = [roundId, asAt.toISOString()];
  return `COPY (${sql.replace(/\$(\d)\b/g, (_, n: string) => sqlLiteral(values[Number(n) - 1]))}) TO STDOUT`;
}
