import type { Readable } from 'node:stream';
import {
  type Cell,
  type ExportColumn,
  type LineContext,
  type LineLevel,
  levelsOf,
  sqlColumns,
} from './export-column';
import type { SpendAwardDto, SpendTotalsDto } from './spend-summary.dto';

export interface QuarterTotal {
  financialYear: string;
  quarter: number;
  profilePence: number;
  claimedPence: number;
  approvedPence: number;
  paidPence: number;
}

// What the HTML report is written from: the round, the moment, its totals, and its awards as a
// stream that can be read again (each call is a new pass over the same snapshot). `tick` is
// called once per award read, for progress.
export interface SpendExport {
  round: { code: string; name: string };
  asAt: Date;
  asAtLondon: string;
  totals: SpendTotalsDto;
  quarterTotals: QuarterTotal[];
  awards: () => AsyncIterable<SpendAwardDto>;
  tick: () => Promise<void>;
}

// One line of a CSV or Excel export as PostgreSQL sends it (EXPORT_LINES, read in array mode):
// the database columns of the column definition in its order (sqlColumns); text as strings,
// money (bigint pence) as strings of digits, flags as booleans, null where a kind of line has no
// such column.
export type ExportLine = Cell[];

// Reads the lines of an export in the file's order: each line's level and what its cells are
// worked out from (see LineContext). An award's own line comes before its year and quarter
// lines (just before them in the CSV's order; in the workbook's, on the Awards sheet before every
// year line), so they are read with it, found by the award's reference; a total belongs to no
// award. The reader keeps one context and
// points it at each line in turn (a million lines are read: nothing is made per line), so a
// context is good until the next line is read.
export function lineReader(
  columns: readonly ExportColumn[],
  asAt: Date,
): (line: ExportLine) => { level: LineLevel; context: LineContext } {
  const index = new Map(sqlColumns(columns).map((column, at) => [column.key, at]));
  const at = (key: string) => {
    const found = index.get(key);
    if (found === undefined) {
      throw new Error(`The export has no database column ${key}`);
    }
    return found;
  };
  const lineAt = at('line');
  const referenceAt = at('reference');
  const awards = new Map<Cell, ExportLine>();
  let current: ExportLine = [];
  let award: ExportLine | null = null;
  const awardGet = (key: string) => (award ? award[at(key)] : null);
  const read = {
    level: 'total' as LineLevel,
    context: { get: (key: string) => current[at(key)], award: null, asAt } as LineContext,
  };
  return (line) => {
    const kind = line[lineAt];
    const level: LineLevel =
      kind === 'award' || kind === 'year' || kind === 'quarter' ? kind : 'total';
    if (level === 'award') {
      award = line;
      awards.set(line[referenceAt], line);
    } else {
      award = level === 'total' ? null : (awards.get(line[referenceAt]) ?? null);
    }
    current = line;
    read.level = level;
    read.context.award = award ? awardGet : null;
    return read;
  };
}

// The columns a format shows on each level's lines, in the definition's order.
export function columnsByLevel(
  shown: readonly ExportColumn[],
): Record<LineLevel, ReadonlySet<ExportColumn>> {
  const on = (level: LineLevel) =>
    new Set(shown.filter((column) => levelsOf(column).includes(level)));
  return { total: on('total'), award: on('award'), year: on('year'), quarter: on('quarter') };
}

// What the CSV and Excel exports are written from: the round, the moment, and every line of the
// file from a cursor, once, in the file's order (see EXPORT_LINES). `tick` is called with the
// number of lines written so far; it answers a promise only when progress is to be recorded.
export interface SpendLines {
  round: { code: string; name: string };
  asAt: Date;
  asAtLondon: string;
  lines: Readable;
  tick: (lines: number) => Promise<void> | undefined;
}

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
} as const;
