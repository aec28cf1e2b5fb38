import { performance } from 'node:perf_hooks';
import type { QueryRunner } from 'typeorm';
import { AWARD_ROWS, SPEND_SETTINGS, TOTAL_ROWS } from '../src/reports/spend-summary.sql';
import type { Round } from './export-data';
import { ROUND_RETURN_LINES } from './export-floor';

const WARM_UP = 5;
const TIMES = 40;

// What `GET /rounds/{id}/spend-summary` asks PostgreSQL for a round (its totals, then its first
// page of awards, in one REPEATABLE READ transaction with the spend settings), timed end to end
// TIMES times after WARM_UP; beside it, the baseline: a plain read of the same awards' return
// lines in the same kind of transaction. HTTP, the user check and the JSON around them are not
// counted (the API benchmark measures those); the queries are what grows with the round.
export async function timeSummaryReads(db: QueryRunner, round: Round, asAt: Date) {
  const ours = () =>
    inTransaction(db, async () => {
      await db.query(TOTAL_ROWS, [round.id, asAt]);
      await db.query(AWARD_ROWS, [round.id, asAt, 50, 0]);
    });
  const plain = () => inTransaction(db, () => db.query(ROUND_RETURN_LINES, [round.id]));
  return { ours: await timings(ours), plain: await timings(plain) };
}

async function inTransaction(db: QueryRunner, work: () => Promise<unknown>): Promise<void> {
  await db.startTransaction('REPEATABLE READ');
  try {
    await db.query(SPEND_SETTINGS);
    await work();
  } finally {
    await db.rollbackTransaction();
  }
}

// Median and 95th percentile of TIMES runs, in milliseconds.
async function timings(run: () => Promise<void>) {
  for (let index = 0; index < WARM_UP; index += 1) {
    await run();
  }
  const taken: number[] = [];
  for (let index = 0; index < TIMES; index += 1) {
    const started = performance.now();
    await run();
    taken.push(performance.now() - started);
  }
  taken.sort((a, b) => a - b);
  const at = (share: number) => taken[Math.min(taken.length - 1, Math.floor(share * taken.length))];
  return { p50: at(0.5), p95: at(0.95) };
}
