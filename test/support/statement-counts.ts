import { DataSource } from 'typeorm';
import { ACCOUNT_CHANGES_CHANNEL } from '../../src/auth/sessions/account-change-notices';
import type { TestApp } from './app';
import { type ModeratedRound, moderatedRound } from './awards';
import { openRound, validBid } from './bids';
import { activeAward, type ReturnsWorld } from './returns';
import { readCost, type ReadCost, transactionsOf } from './rows-fetched';

// What the statement-count suites (statement-counts-writes, statement-counts-reads) measure
// against: an active award with its returns, a round with twenty drafts of the PCC's (so a page
// of 1 and a page of 20 both come back full), and a round in assessment whose one bid its
// assessor has yet to mark. Counted on the app's own pool, so a statement added to a hot path
// fails there instead of creeping back unnoticed. Every request's count includes its user check:
// the account checks each API process remembers (SignedInCache) are dropped before the work,
// so whether one was still remembered (for up to SIGNED_IN_CACHE_SECONDS, less on a slow
// machine) does not change a count.

export interface Counts {
  total: number;
  // Statements inside the request's transaction (BEGIN and COMMIT left out); the largest when
  // it has several.
  inTransaction: number;
}

export interface CountingWorld {
  setup: ReturnsWorld;
  t: TestApp;
  dataSource: DataSource;
  draftRound: Awaited<ReturnType<typeof openRound>>;
  marking: ModeratedRound;
  // The work's answer and what it cost.
  counted<T>(work: () => Promise<T>): Promise<[T, Counts]>;
}

export async function startCounting(): Promise<CountingWorld> {
  const setup = await activeAward();
  const { t, as, pcc } = setup.world;
  const dataSource = t.app.get(DataSource);
  const draftRound = await openRound(t, as('admin'));
  for (let n = 0; n < 20; n += 1) {
    await t.http().post('/api/v1/bids').set(pcc.headers).send(validBid(draftRound)).expect(201);
  }
  const marking = await moderatedRound(setup.world, [pcc], 1, {}, 1);
  return {
    setup,
    t,
    dataSource,
    draftRound,
    marking,
    async counted<T>(work: () => Promise<T>): Promise<[T, Counts]> {
      // Announced as any change is; the pool connection that sends it hears it before the
      // query returns, and the cache forgets everything on `*`.
      await dataSource.query(`SELECT pg_notify($1, '*')`, [ACCOUNT_CHANGES_CHANNEL]);
      const { result, cost } = await readCost(dataSource, work);
      return [result, countsOf(cost)];
    },
  };
}

function countsOf(cost: ReadCost): Counts {
  const transactions = transactionsOf(cost.statements);
  return {
    total: cost.queries,
    inTransaction: Math.max(0, ...transactions.map((statements) => statements.length)),
  };
}
