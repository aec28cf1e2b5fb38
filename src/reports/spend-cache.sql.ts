import { AWARD_TOTALS_OF_LIVE, QUARTER_COLUMNS, YEAR_COLUMNS, spendFacts } from './spend-facts.sql';

// The spend facts kept per award (migration SpendFactsCache): worked out once by the same SQL that
// works them out as at a moment (spend-facts.sql.ts), as at 'infinity', so every figure recorded
// counts; they hold as at any moment from the latest moment any of them is dated (`holds_from`)
// until something they are read from changes, which leaves a mark for the award. An export or a
// summary reads an award's kept facts only where they hold as at its moment and no mark is left;
// it works the others out as before, so what it gives is the same either way.

// The latest moment anything the facts of award `a` are read from is dated: every moment
// SPEND_FACTS compares with the "as at" instant (a unit test checks that none is missing).
export const HOLDS_FROM_SQL = `greatest(
    a.accepted_at, a.closed_at,
    (SELECT max(e.occurred_at) FROM audit_events e
     WHERE e.object_type = 'award_decision' AND e.object_id = a.id::text
       AND e.command = 'award.complete'),
    (SELECT max(v.approved_at) FROM award_variations v WHERE v.award_id = a.id),
    (SELECT max(greatest(s.submitted_at, s.reviewed_at))
     FROM delivery_returns d JOIN return_submissions s ON s.return_id = d.id
     WHERE d.award_id = a.id),
    (SELECT max(p.recorded_at) FROM return_payments p WHERE p.award_id = a.id),
    (SELECT max(rel.released_at) FROM year_end_releases rel WHERE rel.award_id = a.id))`;

// The accepted awards of round $1 whose facts are not kept, or were kept before a change (a mark
// is left), at most $2 of them.
export const STALE_AWARDS = `
  SELECT a.id FROM award_decisions a
  WHERE a.round_id = $1::uuid AND a.outcome = 'award' AND a.accepted_at IS NOT NULL
    AND (NOT EXISTS (SELECT 1 FROM spend_cache_awards c WHERE c.award_id = a.id)
         OR EXISTS (SELECT 1 FROM spend_cache_marks m WHERE m.award_id = a.id))
  ORDER BY a.id
  LIMIT $2`;

// The rounds with stale awards (as STALE_AWARDS finds them).
export const ROUNDS_WITH_STALE_AWARDS = `
  SELECT DISTINCT a.round_id FROM award_decisions a
  WHERE a.outcome = 'award' AND a.accepted_at IS NOT NULL
    AND (NOT EXISTS (SELECT 1 FROM spend_cache_awards c WHERE c.award_id = a.id)
         OR EXISTS (SELECT 1 FROM spend_cache_marks m WHERE m.award_id = a.id))`;

// What was kept of the awards $2 (uuid[]) of round $1, removed before they are kept afresh.
export const FORGET_AWARDS = ['quarters', 'years', 'awards'].map(
  (table) => `DELETE FROM spend_cache_${table} WHERE award_id = ANY($1::uuid[])`,
);

// Keeps the facts of the awards $3 (uuid[]) of round $1, worked out as at $2 ('infinity').
export const KEEP_AWARDS = `
  WITH ${spendFacts('fill')},
  kept_awards AS (
    INSERT INTO spend_cache_awards (award_id, round_id, holds_from, awarded, claimed, approved,
                                    paid, forecast, released, remaining)
    SELECT a.id, a.round_id, ${HOLDS_FROM_SQL}, t.awarded, t.claimed, t.approved, t.paid,
           t.forecast, t.released, t.remaining
    FROM awards aw
    JOIN award_decisions a ON a.id = aw.award_id
    LEFT JOIN (${AWARD_TOTALS_OF_LIVE}) t ON t.award_id = aw.award_id
    RETURNING 1
  ),
  kept_years AS (
    INSERT INTO spend_cache_years (${YEAR_COLUMNS.join(', ')})
    SELECT ${YEAR_COLUMNS.map((column) => `y.${column}`).join(', ')} FROM live_years y
    RETURNING 1
  ),
  kept_quarters AS (
    INSERT INTO spend_cache_quarters (${QUARTER_COLUMNS.join(', ')})
    SELECT ${QUARTER_COLUMNS.map((column) => `q.${column}`).join(', ')} FROM live_quarters q
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM kept_awards) AS awards,
         (SELECT count(*) FROM kept_years) AS years,
         (SELECT count(*) FROM kept_quarters) AS quarters`;

// The marks the refresh's snapshot sees for the awards $2 (uuid[]) it kept, and for the round
// $1's decisions that are no accepted award (nothing of them is kept).
export const CLEAR_MARKS = `
  DELETE FROM spend_cache_marks m
  WHERE m.award_id = ANY($2::uuid[])
     OR m.award_id IN (SELECT a.id FROM award_decisions a
                       WHERE a.round_id = $1::uuid
                         AND NOT (a.outcome = 'award' AND a.accepted_at IS NOT NULL))`;
