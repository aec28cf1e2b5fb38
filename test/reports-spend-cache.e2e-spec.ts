import { DataSource, type EntityManager } from 'typeorm';
import { SpendCacheService } from '../src/reports/spend-cache.service';
import {
  CLEAR_MARKS,
  FORGET_AWARDS,
  KEEP_AWARDS,
  STALE_AWARDS,
} from '../src/reports/spend-cache.sql';
import { spendCsvCopy } from '../src/reports/spend-csv.sql';
import { EXPORT_LINES } from '../src/reports/spend-lines.sql';
import {
  AWARD_ROWS,
  QUARTER_TOTALS,
  SPEND_FACTS,
  SPEND_SETTINGS,
  TOTAL_ROWS,
} from '../src/reports/spend-summary.sql';
import { addDays, londonDateOf, startOfLondonDay } from '../src/common/london-time';
import { twoYearRound, type ReturnsWorld } from './support/reports';

// Each award's spend facts are kept once worked out (spend-cache.sql.ts); an export or a summary
// reads them where they hold as at its moment. What it gives must be what working them out gives,
// at every moment, after any change, and a change a refresh did not see must never be lost.
describe('reports: the kept spend facts give what working them out gives', () => {
  let setup: ReturnsWorld;
  let db: DataSource;
  let cache: SpendCacheService;

  beforeAll(async () => {
    setup = await twoYearRound();
    db = setup.world.t.app.get(DataSource);
    cache = setup.world.t.app.get(SpendCacheService);
  }, 90_000);
  afterAll(() => setup.world.close());

  // Everything the summary and the exports read of round `roundId` as at `asAt`: the CSV's lines
  // as PostgreSQL writes them, both formats' lines, and the summary's awards, totals and quarters.
  const outputs = async (manager: EntityManager, roundId: string, asAt: Date) => {
    const copy = spendCsvCopy(roundId, asAt);
    const csv = copy.slice('COPY ('.length, copy.length - ') TO STDOUT'.length);
    return {
      csv: await manager.query(csv),
      csvLines: await manager.query(EXPORT_LINES.csv, [roundId, asAt]),
      xlsxLines: await manager.query(EXPORT_LINES.xlsx, [roundId, asAt]),
      awards: await manager.query(AWARD_ROWS, [roundId, asAt, null, 0]),
      totals: await manager.query(TOTAL_ROWS, [roundId, asAt]),
      quarters: await manager.query(QUARTER_TOTALS, [roundId, asAt]),
    };
  };
  // The same, with nothing kept: the round's kept facts removed in a transaction rolled back.
  const workedOut = (roundId: string, asAt: Date) =>
    db
      .transaction(async (manager) => {
        await manager.query(SPEND_SETTINGS);
        await manager.query(`DELETE FROM spend_cache_awards WHERE round_id = $1`, [roundId]);
        const found = await outputs(manager, roundId, asAt);
        throw Object.assign(new Error('rolled back'), { found });
      })
      .catch((error: { found?: Awaited<ReturnType<typeof outputs>> }) => {
        if (!error.found) {
          throw error;
        }
        return error.found;
      });
  const read = (roundId: string, asAt: Date) =>
    db.transaction(async (manager) => {
      await manager.query(SPEND_SETTINGS);
      return outputs(manager, roundId, asAt);
    });
  // How many of the round's awards are read from what is kept as at `asAt`.
  const cachedAwards = async (roundId: string, asAt: Date) => {
    const [row] = await db.query<{ cached: string; awards: string }[]>(
      `WITH ${SPEND_FACTS} SELECT count(*) FILTER (WHERE cached) AS cached, count(*) AS awards
       FROM awards`,
      [roundId, asAt],
    );
    return { cached: Number(row.cached), awards: Number(row.awards) };
  };
  // Every moment something of the round's awards is dated, and a millisecond before each: where
  // a kept award's facts start to hold, and where they would wrongly hold were a date missed.
  // Also where each return falls overdue (the start of the day after it was due, in London), past
  // and to come: kept facts count overdue returns from the days kept, not from their lines.
  const momentsOf = async (roundId: string): Promise<Date[]> => {
    const rows = await db.query<{ at: Date }[]>(
      `SELECT DISTINCT m.at FROM award_decisions a
       CROSS JOIN LATERAL (
         SELECT a.accepted_at UNION ALL SELECT a.closed_at
         UNION ALL SELECT s.submitted_at FROM delivery_returns d
           JOIN return_submissions s ON s.return_id = d.id WHERE d.award_id = a.id
         UNION ALL SELECT s.reviewed_at FROM delivery_returns d
           JOIN return_submissions s ON s.return_id = d.id WHERE d.award_id = a.id
         UNION ALL SELECT p.recorded_at FROM return_payments p WHERE p.award_id = a.id
         UNION ALL SELECT r.released_at FROM year_end_releases r WHERE r.award_id = a.id
         UNION ALL SELECT v.approved_at FROM award_variations v WHERE v.award_id = a.id
         UNION ALL SELECT e.occurred_at FROM audit_events e
           WHERE e.object_type = 'award_decision' AND e.object_id = a.id::text
       ) m(at)
       WHERE a.round_id = $1 AND a.outcome = 'award' AND m.at IS NOT NULL AND m.at <= now()`,
      [roundId],
    );
    const dueDays = await db.query<{ day: string }[]>(
      `SELECT DISTINCT d.due_on::text AS day
       FROM delivery_returns d JOIN award_decisions a ON a.id = d.award_id
       WHERE a.round_id = $1`,
      [roundId],
    );
    const overdueFrom = dueDays.map(({ day }) => ({ at: startOfLondonDay(addDays(day, 1)) }));
    return [...rows, ...overdueFrom].flatMap(({ at }) => [new Date(at.getTime() - 1), at]);
  };

  // Refreshed, the round's awards are all read from what is kept as at now, and what is read at
  // every moment is what is worked out.
  const sameAtEveryMoment = async (roundId: string, code: string) => {
    await cache.refreshRound(roundId);
    const now = new Date();
    const { cached, awards } = await cachedAwards(roundId, now);
    expect({ code, cached }).toEqual({ code, cached: awards });
    for (const asAt of [...(await momentsOf(roundId)), now]) {
      expect({ code, asAt, ...(await read(roundId, asAt)) }).toEqual({
        code,
        asAt,
        ...(await workedOut(roundId, asAt)),
      });
    }
  };

  it('reads the same figures from what is kept as worked out, at every moment of every round', async () => {
    const rounds = await db.query<{ id: string; code: string }[]>(
      `SELECT DISTINCT r.id, r.code FROM funding_rounds r
       JOIN award_decisions a ON a.round_id = r.id AND a.outcome = 'award'
         AND a.accepted_at IS NOT NULL
       WHERE r.id = $1 OR r.code LIKE 'SSF-DEMO%'`,
      [setup.roundId],
    );
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    // The award's returns still owed fall due two years later (a change like any other: it leaves
    // a mark), after everything else of it is dated: the moments they fall overdue are then where
    // its kept facts hold, and count them from the days kept.
    await db.query(
      `UPDATE delivery_returns d SET due_on = d.due_on + 730
       WHERE d.award_id = $1
         AND NOT EXISTS (SELECT 1 FROM return_submissions s WHERE s.return_id = d.id)`,
      [setup.awardId],
    );
    for (const round of rounds) {
      await sameAtEveryMoment(round.id, round.code);
    }
    const [owed] = await db.query<{ later: string }[]>(
      `SELECT count(*) AS later FROM spend_cache_awards k
       CROSS JOIN LATERAL unnest(k.owed_due_on) AS d(due_on)
       WHERE k.award_id = $1 AND d.due_on > k.holds_from::date`,
      [setup.awardId],
    );
    expect(Number(owed.later)).toBeGreaterThan(0);
  }, 120_000);

  it('reads a change at once, and keeps it once the facts are worked out again', async () => {
    const { world, roundId, awardId, returns } = setup;
    await cache.refreshRound(roundId);
    const before = await read(roundId, new Date());
    await world.t
      .http()
      .post(`/api/v1/returns/${returns[2].id}/approve`)
      .set(world.as('finance'))
      .send({})
      .expect(200);
    const marks = await db.query(`SELECT 1 FROM spend_cache_marks WHERE award_id = $1`, [awardId]);
    expect(marks.length).toBeGreaterThan(0);
    const now = new Date();
    expect(await cachedAwards(roundId, now)).toEqual({ cached: 0, awards: 1 });
    const after = await read(roundId, now);
    expect(after).toEqual(await workedOut(roundId, now));
    expect(after.totals).not.toEqual(before.totals);

    expect(await cache.refreshRound(roundId)).toBe(1);
    // One moment for both: the files show it to the second.
    const kept = new Date();
    expect(await cachedAwards(roundId, kept)).toEqual({ cached: 1, awards: 1 });
    expect(await read(roundId, kept)).toEqual(await workedOut(roundId, kept));
    expect(await cache.refreshRound(roundId)).toBe(0);
    // The review is now the award's latest moment.
    await sameAtEveryMoment(roundId, 'reviewed last');

    // Text kept for another version of the CSV (its columns changed since) is never read.
    for (const table of ['spend_cache_years', 'spend_cache_quarters']) {
      await db.query(
        `UPDATE ${table} SET csv_version = 'an older CSV', csv_text = 'not these fields'
         WHERE award_id = $1`,
        [awardId],
      );
    }
    const later = new Date();
    const older = await read(roundId, later);
    expect(JSON.stringify(older.csv)).not.toContain('not these fields');
    expect(older).toEqual(await workedOut(roundId, later));
    // And such an award is kept afresh.
    await db.query(
      `UPDATE spend_cache_awards SET csv_version = 'an older CSV' WHERE award_id = $1`,
      [awardId],
    );
    expect(await cache.refreshRound(roundId)).toBe(1);
    expect(await read(roundId, later)).toEqual(older);
  });

  it('leaves stale an award changed while its facts were being worked out', async () => {
    const { world, roundId, awardId, returns, payer } = setup;
    await db.query(`DELETE FROM spend_cache_awards WHERE award_id = $1`, [awardId]);
    const [payment] = await db.query<{ id: string }[]>(
      `SELECT id FROM return_payments WHERE return_id = $1 AND status = 'to_make'`,
      [returns[2].id],
    );
    expect(payment).toBeDefined();
    // A refresh takes its snapshot, the payment is recorded and committed, then the refresh keeps
    // what its snapshot saw and removes the marks it saw.
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      const stale = (await runner.query(STALE_AWARDS, [roundId, 100])) as { id: string }[];
      expect(stale.map((row) => row.id)).toEqual([awardId]);
      await world.t
        .http()
        .post(`/api/v1/payments/${payment.id}/record`)
        .set(payer)
        .send({ paidOn: londonDateOf(new Date()), reference: 'BACS-3' })
        .expect(200);
      for (const forget of FORGET_AWARDS) {
        await runner.query(forget, [[awardId]]);
      }
      await runner.query(KEEP_AWARDS, [roundId, 'infinity', [awardId]]);
      await runner.query(CLEAR_MARKS, [roundId, [awardId]]);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    const now = new Date();
    expect(await cachedAwards(roundId, now)).toEqual({ cached: 0, awards: 1 });
    const paid = await read(roundId, now);
    expect(paid).toEqual(await workedOut(roundId, now));
    expect(await cache.refreshRound(roundId)).toBe(1);
    expect(await read(roundId, now)).toEqual(paid);
    // The payment is now the award's latest moment.
    await sameAtEveryMoment(roundId, 'paid last');
  });
});
