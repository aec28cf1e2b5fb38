import { sqlLiteral } from './export-column';
import { keptCsv } from './spend-csv.sql';
import { QUARTER_COLUMNS, YEAR_COLUMNS, spendFacts } from './spend-facts.sql';
import { AWARD_MONEY } from './spend-money.sql';
import { EXPORT_LISTS } from './spend-lines.sql';

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

// The version of the CSV text kept with the year and quarter lines (keptCsv): text of another
// version (the CSV's columns changed since) is not read, and its awards are kept afresh.
const CSV_VERSION = `${keptCsv('year').version}/${keptCsv('quarter').version}`;

// An accepted award `a` whose facts are not kept, were kept before a change (a mark is left), or
// with text of another version of the CSV.
const STALE_AWARD_SQL = `a.outcome = 'award' AND a.accepted_at IS NOT NULL
    AND (NOT EXISTS (SELECT 1 FROM spend_cache_awards c
                     WHERE c.award_id = a.id AND c.csv_version = ${sqlLiteral(CSV_VERSION)})
         OR EXISTS (SELECT 1 FROM spend_cache_marks m WHERE m.award_id = a.id))`;

// The stale awards of round $1, at most $2 of them.
export const STALE_AWARDS = `
  SELECT a.id FROM award_decisions a
  WHERE a.round_id = $1::uuid AND ${STALE_AWARD_SQL}
  ORDER BY a.id
  LIMIT $2`;

// The rounds with stale awards.
export const ROUNDS_WITH_STALE_AWARDS = `
  SELECT DISTINCT a.round_id FROM award_decisions a WHERE ${STALE_AWARD_SQL}`;

// What was kept of the awards $2 (uuid[]) of round $1, removed before they are kept afresh.
export const FORGET_AWARDS = ['quarters', 'years', 'awards'].map(
  (table) => `DELETE FROM spend_cache_${table} WHERE award_id = ANY($1::uuid[])`,
);

// The days each live award's owed returns were due, in order (an empty list where none is owed;
// no row for an award without quarter lines): kept to count its overdue returns as at a moment
// by (keptOverdueSql).
const OWED_DUE_DAYS = `SELECT q.award_id,
         coalesce(array_agg(q.due_on ORDER BY q.due_on) FILTER (WHERE q.owed), '{}') AS owed_due_on
  FROM live_quarters q GROUP BY q.award_id`;

// Keeps the facts of the awards $3 (uuid[]) of round $1, worked out as at $2 ('infinity'): the
// award's totals, and its year and quarter lines, each with the text of its own fields in the CSV
// (keptCsv) and the CSV's version.
function keepAwards(): string {
  const [year, quarter] = [keptCsv('year'), keptCsv('quarter')];
  return `
  WITH ${spendFacts('fill')},
  ${EXPORT_LISTS},
  kept_awards AS (
    INSERT INTO spend_cache_awards (award_id, round_id, holds_from, csv_version,
                                    ${AWARD_MONEY.join(', ')}, owed_due_on)
    SELECT a.id, a.round_id, ${HOLDS_FROM_SQL}, ${sqlLiteral(CSV_VERSION)},
           ${AWARD_MONEY.map((column) => `t.${column}`).join(', ')}, owed.owed_due_on
    FROM awards aw
    JOIN award_decisions a ON a.id = aw.award_id
    LEFT JOIN live_award_totals t ON t.award_id = aw.award_id
    LEFT JOIN (${OWED_DUE_DAYS}) owed ON owed.award_id = aw.award_id
    RETURNING 1
  ),
  kept_years AS (
    INSERT INTO spend_cache_years (${YEAR_COLUMNS.join(', ')}, csv_version, csv_text)
    SELECT ${YEAR_COLUMNS.map((column) => `y.${column}`).join(', ')}, ${sqlLiteral(year.version)},
           ${year.sql}
    FROM years y
    -- In the order of the key, which the exports read them in.
    ORDER BY y.award_id, y.financial_year, y.kind
    RETURNING 1
  ),
  kept_quarters AS (
    INSERT INTO spend_cache_quarters (${QUARTER_COLUMNS.join(', ')}, csv_version, csv_text)
    SELECT ${QUARTER_COLUMNS.map((column) => `lq.${column}`).join(', ')},
           ${sqlLiteral(quarter.version)}, ${quarter.sql}
    FROM live_quarters lq JOIN quarter_lines q ON q.return_id = lq.return_id
    ORDER BY lq.award_id, lq.return_id
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM kept_awards) AS awards,
         (SELECT count(*) FROM kept_years) AS years,
         (SELECT count(*) FROM kept_quarters) AS quarters`;
}
export const KEEP_AWARDS = keepAwards();

// The marks the refresh's snapshot sees for the awards $2 (uuid[]) it kept, and for the round
// $1's decisions that are no accepted award (nothing of them is kept).
export const CLEAR_MARKS = `
  DELETE FROM spend_cache_marks m
  WHERE m.award_id = ANY($2::uuid[])
     OR m.award_id IN (SELECT a.id FROM award_decisions a
                       WHERE a.round_id = $1::uuid
                         AND NOT (a.outcome = 'award' AND a.accepted_at IS NOT NULL))`;
