import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  CLEAR_MARKS,
  FORGET_AWARDS,
  KEEP_AWARDS,
  ROUNDS_WITH_STALE_AWARDS,
  STALE_AWARDS,
} from './spend-cache.sql';
import { SPEND_SETTINGS } from './spend-summary.sql';

// Awards kept per transaction: a round of 50,000 awards takes a few of them, none holds its locks
// for long.
const AWARDS_PER_REFRESH = 10_000;

// Keeps each award's spend facts worked out (spend-cache.sql.ts), so an export or a summary reads
// them instead of working them out again. A refresh works out the stale awards of a round in
// one REPEATABLE READ snapshot per batch, and removes the marks that snapshot saw: a change it
// did not see leaves its mark, so the award stays stale. One refresh of a round at a time
// (a session advisory lock, taken before the snapshot); a second one finds the lock taken and
// leaves the round to the first.
@Injectable()
export class SpendCacheService {
  private readonly logger = new Logger(SpendCacheService.name);

  constructor(private readonly dataSource: DataSource) {}

  // Refreshes round `roundId`: the number of awards worked out (0 when another refresh of the
  // round is running).
  async refreshRound(roundId: string): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let locked = false;
    try {
      const [lock] = await runner.manager.query<{ locked: boolean }[]>(
        `SELECT pg_try_advisory_lock(hashtext('spend-cache'), hashtext($1)) AS locked`,
        [roundId],
      );
      locked = lock.locked;
      if (!locked) {
        return 0;
      }
      let kept = 0;
      for (;;) {
        await runner.startTransaction('REPEATABLE READ');
        try {
          await runner.query(SPEND_SETTINGS);
          const stale = (
            await runner.manager.query<{ id: string }[]>(STALE_AWARDS, [
              roundId,
              AWARDS_PER_REFRESH,
            ])
          ).map((row) => row.id);
          for (const forget of FORGET_AWARDS) {
            await runner.query(forget, [stale]);
          }
          if (stale.length > 0) {
            await runner.query(KEEP_AWARDS, [roundId, 'infinity', stale]);
          }
          await runner.query(CLEAR_MARKS, [roundId, stale]);
          await runner.commitTransaction();
          kept += stale.length;
          if (stale.length < AWARDS_PER_REFRESH) {
            return kept;
          }
        } catch (error) {
          await runner.rollbackTransaction();
          throw error;
        }
      }
    } finally {
      if (locked) {
        await runner
          .query(`SELECT pg_advisory_unlock(hashtext('spend-cache'), hashtext($1))`, [roundId])
          .catch(() => undefined);
      }
      await runner.release();
    }
  }

  // Refreshes every round with stale awards; a round that fails is logged and left for the
  // next time.
  async refreshAll(): Promise<{ rounds: number; awards: number }> {
    const rounds = await this.dataSource.query<{ round_id: string }[]>(ROUNDS_WITH_STALE_AWARDS);
    let awards = 0;
    for (const { round_id: roundId } of rounds) {
      try {
        awards += await this.refreshRound(roundId);
      } catch (error) {
        this.logger.warn(`Could not keep the spend facts of round ${roundId}: ${String(error)}`);
      }
    }
    return { rounds: rounds.length, awards };
  }
}
