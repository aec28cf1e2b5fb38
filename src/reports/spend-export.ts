import type { Readable } from 'node:stream';
import { EXPORT_COLUMNS } from './spend-summary.sql';
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
// text as strings, money (bigint pence) as strings of digits, flags as booleans, null where a
// kind of line has no such column. Indexed by the column names in LINE.
export type ExportLine = (string | number | boolean | null)[];
export const LINE = Object.fromEntries(EXPORT_COLUMNS.map((name, index) => [name, index])) as {
  readonly [Name in (typeof EXPORT_COLUMNS)[number]]: number;
};

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
