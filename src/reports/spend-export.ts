import type { SpendAwardDto, SpendTotalsDto } from './spend-summary.dto';

export interface QuarterTotal {
  financialYear: string;
  quarter: number;
  profilePence: number;
  claimedPence: number;
  approvedPence: number;
  paidPence: number;
}

// What an export file is written from: the round, the moment, its totals, and its awards as a
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

// How many passes over the awards each format makes, so progress adds up to 100%.
export const FORMAT_PASSES = { csv: 1, xlsx: 3, html: 1 } as const;

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
} as const;
