// Set in each transaction that runs these queries. Their cost estimates run high (the figures
// are worked out through several steps), so PostgreSQL would JIT-compile some 300 expressions
// first: seconds of compiling for a query that runs in less.
import { awardProfileAtSql } from '../awards/award-lifecycle';
import { organisationNameAtSql } from '../organisations/organisation-names';
import { type ExportColumn, type LineLevel, selectList, sqlColumns } from './export-column';
import { SPEND_COLUMNS } from './spend-columns';

export const SPEND_SETTINGS = 'SET LOCAL jit = off';
// An export reads its lines through a cursor, which PostgreSQL never runs with parallel workers:
// planned for none, it is planned as it runs.
export const EXPORT_SETTINGS = `${SPEND_SETTINGS}; SET LOCAL max_parallel_workers_per_gather = 0`;

// The cells of a profile (jsonb, possibly NULL) as rows `p`.
const PROFILE_CELLS = (profile: string) =>
  `jsonb_to_recordset(coalesce(${profile}, '[]'::jsonb))
     AS p("financialYear" text, quarter int, kind text, "amountPence" bigint)`;

// The round's spend as at a moment, in SQL: $1 the round, $2 the "as at" instant. Everything is
// read as it stood then (submissions sent by then, reviews and payments recorded by then,
// releases made by then, variations approved by then, organisation names as they were then),
// so a summary as at a past moment gives the same numbers whatever arrives later. Amounts are
// bigint pence.
//
// `awards`: one row per award accepted by then, with its profile as it stood (awardProfileAtSql;
// NULL for an award never varied). `returns`: one row per award × quarter (its return), with
// where the return stood: its latest submission sent by then, sent back or approved, and its
// payment made. `facts`: one row per award × financial year × quarter × kind (and its return's
// id), with the quarter's profile (for an award never varied, the kind's award for the year spread evenly over the
// award's quarters in that year, pennies left over in the last; for a varied one, the quarter's
// cells of its profile), claimed, approved, paid and forecast; `years`: one row per award ×
// financial year × kind with the award, the release (at year end, or of everything not approved
// when the award is withdrawn) and what remains.
//
// Written as set joins that plan the same at any size: no per-row subquery or function over the
// round's returns. Each list is built once from the one before (award lines and profile cells
// per award and year, the latest submission per return, its spend lines per kind), joined on
// keys, and the year rows are summed from one list by GROUP BY, never by joining two computed
// lists on several columns, whose sizes PostgreSQL cannot estimate (it then picks nested loops
// over them, quadratic in the round's returns).
export const SPEND_FACTS = `
  awards AS MATERIALIZED (
    SELECT a.id AS award_id, b.reference, ${organisationNameAtSql('o.id', '$2::timestamptz')}
             AS organisation_name,
           b.applicant_type, b.force_area_code,
           coalesce(fa.name, 'No force area') AS force_area_name,
           CASE WHEN a.closed_at <= $2::timestamptz THEN a.status
                WHEN a.status = 'completed' AND EXISTS (
                  SELECT 1 FROM audit_events e
                  WHERE e.object_type = 'award_decision' AND e.object_id = a.id::text
                    AND e.command = 'award.complete' AND e.occurred_at <= $2::timestamptz)
                THEN 'completed'
                ELSE 'active' END AS award_status,
           r.variance_threshold_percent,
           ${awardProfileAtSql('a.id', '$2::timestamptz')} AS profile
    FROM award_decisions a
    JOIN funding_rounds r ON r.id = a.round_id
    JOIN bids b ON b.id = a.bid_id
    JOIN organisations o ON o.id = a.organisation_id
    LEFT JOIN police_force_areas fa ON fa.code = b.force_area_code
    WHERE a.round_id = $1::uuid AND a.outcome = 'award' AND a.accepted_at <= $2::timestamptz
  ),
  returns AS MATERIALIZED (
    SELECT d.id AS return_id, d.award_id, d.financial_year, d.quarter, d.due_on,
           d.period_starts_on, aw.award_status, aw.profile IS NOT NULL AS varied,
           row_number() OVER (PARTITION BY d.award_id, d.financial_year ORDER BY d.period_starts_on)
             AS position,
           count(*) OVER (PARTITION BY d.award_id, d.financial_year) AS quarters_in_year,
           lt.id AS submission_id,
           coalesce(lt.outcome = 'changes_requested' AND lt.reviewed_at <= $2::timestamptz, false)
             AS sent_back,
           coalesce(lt.outcome = 'approved' AND lt.reviewed_at <= $2::timestamptz, false) AS approved,
           coalesce(pay.status = 'made' AND pay.recorded_at <= $2::timestamptz, false) AS paid
    FROM awards aw
    JOIN delivery_returns d ON d.award_id = aw.award_id
    LEFT JOIN LATERAL (
      SELECT s.id, s.outcome, s.reviewed_at FROM return_submissions s
      WHERE s.return_id = d.id AND s.submitted_at <= $2::timestamptz
      ORDER BY s.number DESC LIMIT 1
    ) lt ON true
    LEFT JOIN return_payments pay ON pay.return_id = d.id
  ),
  -- The quarter's profile cells: for an award never varied, its award lines for the year
  -- (spread over the year's quarters in facts) with the year's total; for a varied one, its
  -- profile's cells for the quarter, with the quarter's total.
  cells AS (
    SELECT al.decision_id AS award_id, false AS varied, al.financial_year, NULL::int AS quarter,
           al.kind, al.amount_pence,
           sum(al.amount_pence) OVER (PARTITION BY al.decision_id, al.financial_year)::bigint
             AS year_total
    FROM awards aw JOIN award_lines al ON al.decision_id = aw.award_id
    WHERE aw.profile IS NULL
    UNION ALL
    SELECT aw.award_id, true, p."financialYear", p.quarter, p.kind, p."amountPence",
           sum(p."amountPence") OVER (PARTITION BY aw.award_id, p."financialYear", p.quarter)::bigint
    FROM awards aw CROSS JOIN ${PROFILE_CELLS('aw.profile')}
    WHERE aw.profile IS NOT NULL
  ),
  -- Each award's forecast from its latest live submission (read only for awards with a quarter
  -- nobody has reported on).
  forecasts AS (
    SELECT f.award_id, s.content->'forecast' AS forecast
    FROM (
      SELECT DISTINCT ON (r.award_id) r.award_id, r.submission_id
      FROM returns r
      WHERE r.submission_id IS NOT NULL AND NOT r.sent_back AND r.award_status <> 'withdrawn'
        AND r.award_id IN (SELECT u.award_id FROM returns u
                           WHERE u.submission_id IS NULL OR u.sent_back)
      ORDER BY r.award_id, r.period_starts_on DESC
    ) f
    JOIN return_submissions s ON s.id = f.submission_id
  ),
  facts AS (
    SELECT r.award_id, r.return_id, r.financial_year, r.quarter, c.kind,
           CASE WHEN r.varied THEN c.amount_pence
                WHEN r.position = r.quarters_in_year
                THEN c.amount_pence - (c.amount_pence / r.quarters_in_year) * (r.quarters_in_year - 1)
                ELSE c.amount_pence / r.quarters_in_year END AS profile,
           CASE WHEN r.varied THEN c.year_total
                WHEN r.position = r.quarters_in_year
                THEN c.year_total - (c.year_total / r.quarters_in_year) * (r.quarters_in_year - 1)
                ELSE c.year_total / r.quarters_in_year END AS quarter_profile,
           coalesce(CASE WHEN r.sent_back OR (r.award_status = 'withdrawn' AND NOT r.approved) THEN 0
                         ELSE l.claimed_pence END, 0) AS claimed,
           coalesce(CASE WHEN r.approved THEN l.approved_pence ELSE 0 END, 0) AS approved,
           coalesce(CASE WHEN r.approved AND r.paid THEN l.approved_pence ELSE 0 END, 0) AS paid,
           CASE WHEN r.submission_id IS NOT NULL AND NOT r.sent_back THEN 0
                ELSE coalesce((
                  SELECT sum((x->>'amountPence')::bigint) FROM jsonb_array_elements(fc.forecast) x
                  WHERE x->>'financialYear' = r.financial_year AND (x->>'quarter')::int = r.quarter
                    AND x->>'kind' = c.kind), 0) END AS forecast,
           (r.due_on < ($2::timestamptz AT TIME ZONE 'Europe/London')::date
             AND (r.submission_id IS NULL OR r.sent_back) AND r.award_status = 'active') AS overdue
    FROM returns r
    JOIN cells c ON c.award_id = r.award_id AND c.financial_year = r.financial_year
      AND (NOT c.varied OR c.quarter = r.quarter)
    -- The latest submission's spend line for the return's year and the kind, by its primary key:
    -- joined through a list of the round's claims instead, PostgreSQL (which cannot estimate that
    -- list) compared every fact with every claim, quadratic in the round's returns.
    LEFT JOIN return_spend_lines l ON l.submission_id = r.submission_id
      AND l.financial_year = r.financial_year AND l.kind = c.kind
    LEFT JOIN forecasts fc ON fc.award_id = r.award_id
  ),
  years AS (
    SELECT y.award_id, y.financial_year, y.kind, sum(y.awarded) AS awarded,
           sum(y.claimed) AS claimed, sum(y.approved) AS approved, sum(y.paid) AS paid,
           sum(y.forecast) AS forecast,
           CASE WHEN bool_or(y.withdrawn) THEN sum(y.awarded) - sum(y.approved)
                ELSE sum(y.released) END AS released
    FROM (
      SELECT al.award_id, al.financial_year, al.kind, al.amount_pence AS awarded,
             0::bigint AS claimed, 0::bigint AS approved, 0::bigint AS paid, 0::bigint AS forecast,
             coalesce(rel.amount_pence, 0) AS released, aw.award_status = 'withdrawn' AS withdrawn
      FROM awards aw
      JOIN (
        SELECT c.award_id, c.financial_year, c.kind, c.amount_pence
        FROM cells c WHERE NOT c.varied
        UNION ALL
        -- A varied award's lines as they stood: its profile summed per year and kind.
        SELECT c.award_id, c.financial_year, c.kind, sum(c.amount_pence)::bigint
        FROM cells c WHERE c.varied
        GROUP BY c.award_id, c.financial_year, c.kind HAVING sum(c.amount_pence) > 0
      ) al ON al.award_id = aw.award_id
      -- Looked up by its key for each line: joined whole, PostgreSQL hashed every release of every
      -- round (101,100 of them in the benchmark, 30 ms) for a round of 50 awards.
      LEFT JOIN LATERAL (
        SELECT rel.amount_pence FROM year_end_releases rel
        WHERE rel.award_id = aw.award_id AND rel.financial_year = al.financial_year
          AND rel.kind = al.kind AND rel.released_at <= $2::timestamptz
        LIMIT 1 -- (one at most: the key) keeps it a lookup, never pulled up into a join
      ) rel ON true
      UNION ALL
      SELECT f.award_id, f.financial_year, f.kind, 0, f.claimed, f.approved, f.paid, f.forecast,
             0, false
      FROM facts f
    ) y
    GROUP BY y.award_id, y.financial_year, y.kind
  )`;

// The money columns every level of the summary has, summed from `years` rows `y`.
export const MONEY_TOTALS = `
  sum(y.awarded)::bigint AS awarded, sum(y.claimed)::bigint AS claimed,
  sum(y.approved)::bigint AS approved, sum(y.paid)::bigint AS paid,
  sum(y.forecast)::bigint AS forecast, sum(y.released)::bigint AS released,
  sum(y.awarded - y.approved - y.released)::bigint AS remaining`;

// One row per award, in reference order: its totals, its year lines and quarter lines as JSON,
// and its flags. `$3`/`$4` page it (limit, offset).
export const AWARD_ROWS = `
  WITH ${SPEND_FACTS},
  year_lines AS MATERIALIZED (
    SELECT y.award_id,
           jsonb_agg(jsonb_build_object(
             'financialYear', y.financial_year, 'kind', y.kind,
             'awardedPence', y.awarded, 'claimedPence', y.claimed,
             'approvedPence', y.approved, 'paidPence', y.paid,
             'forecastPence', y.forecast, 'releasedPence', y.released,
             'remainingPence', y.awarded - y.approved - y.released)
             ORDER BY y.financial_year, y.kind) AS years,
           ${MONEY_TOTALS}
    FROM years y JOIN awards aw ON aw.award_id = y.award_id
    GROUP BY y.award_id
  ),
  quarter_lines AS MATERIALIZED (
    SELECT f.award_id,
           jsonb_agg(jsonb_build_object(
             'financialYear', f.financial_year, 'quarter', f.quarter, 'kind', f.kind,
             'profilePence', f.profile, 'quarterProfilePence', f.quarter_profile,
             'claimedPence', f.claimed,
             'approvedPence', f.approved, 'paidPence', f.paid, 'forecastPence', f.forecast,
             'overdue', f.overdue)
             ORDER BY f.financial_year, f.quarter, f.kind) AS quarters,
           count(DISTINCT (f.financial_year, f.quarter)) FILTER (WHERE f.overdue)
             AS overdue_returns
    FROM facts f
    GROUP BY f.award_id
  )
  SELECT aw.award_id, aw.reference, aw.organisation_name, aw.applicant_type, aw.force_area_code,
         aw.force_area_name, aw.award_status, yl.awarded, yl.claimed, yl.approved, yl.paid,
         yl.forecast, yl.released, yl.remaining, yl.years, ql.quarters,
         coalesce(ql.overdue_returns, 0) AS overdue_returns, aw.variance_threshold_percent
  FROM awards aw
  JOIN year_lines yl ON yl.award_id = aw.award_id
  LEFT JOIN quarter_lines ql ON ql.award_id = aw.award_id
  ORDER BY aw.reference
  LIMIT $3 OFFSET $4`;

// The round's spend per quarter (all awards, both kinds), for the report's chart.
export const QUARTER_TOTALS = `
  WITH ${SPEND_FACTS}
  SELECT f.financial_year, f.quarter, sum(f.profile)::bigint AS profile,
         sum(f.claimed)::bigint AS claimed, sum(f.approved)::bigint AS approved,
         sum(f.paid)::bigint AS paid
  FROM facts f
  GROUP BY f.financial_year, f.quarter
  ORDER BY f.financial_year, f.quarter`;

// The round's totals and subtotals by force area, applicant type and financial year × kind, as
// rows with their `level` (no ORDER BY: used below and by the exports).
const TOTALS = `
  SELECT CASE
           WHEN GROUPING(aw.force_area_code) = 0 THEN 'forceArea'
           WHEN GROUPING(aw.applicant_type) = 0 THEN 'applicantType'
           WHEN GROUPING(y.financial_year) = 0 THEN 'yearAndKind'
           ELSE 'round' END AS level,
         aw.force_area_code, max(aw.force_area_name) AS force_area_name, aw.applicant_type,
         y.financial_year, y.kind, count(DISTINCT aw.award_id) AS awards, ${MONEY_TOTALS}
  FROM awards aw JOIN years y ON y.award_id = aw.award_id
  GROUP BY GROUPING SETS ((), (aw.force_area_code), (aw.applicant_type),
                          (y.financial_year, y.kind))`;

// The round's totals, and subtotals by force area, applicant type and financial year × kind.
export const TOTAL_ROWS = `
  WITH ${SPEND_FACTS}
  SELECT t.* FROM (${TOTALS}) t
  ORDER BY t.level, t.force_area_code, t.applicant_type, t.financial_year, t.kind`;

// Everything a CSV or Excel export holds, one row per line of the file, flat, in the order the
// file is written, so it is streamed from a cursor and written as it comes, once. The columns
// are the database columns of the export's column definition (spend-columns.ts), each UNION
// branch's select list generated from it (a typed NULL where a level lacks a column). `line` says
// what a row is: 'award' (its totals), 'year' (award × financial year × kind), 'quarter' (award
// × quarter, capital and revenue side by side) or one of the totals, 'total: round', 'total:
// year and kind', 'total: force area', 'total: applicant type'. Money is bigint pence.
// CSV order: per award its award row, year rows and quarter rows, in reference order; the
// totals last. Excel order: sheet by sheet: the totals (Summary), awards, years, quarters.
// The lists every export's lines are read from, after SPEND_FACTS: each return's quarter line
// (capital and revenue side by side), each award's totals and its overdue returns.
export const EXPORT_LISTS = `
  quarter_lines AS (
    SELECT f.award_id, f.return_id, f.financial_year, f.quarter,
           min(f.quarter_profile) AS profile,
           sum(f.claimed) AS claimed,
           coalesce(sum(f.claimed) FILTER (WHERE f.kind = 'capital'), 0) AS claimed_capital,
           coalesce(sum(f.claimed) FILTER (WHERE f.kind = 'revenue'), 0) AS claimed_revenue,
           sum(f.approved) AS approved, sum(f.paid) AS paid, sum(f.forecast) AS forecast,
           bool_or(f.overdue) AS overdue
    FROM facts f
    -- (The return names the award, year and quarter: grouping by it too adds no groups.)
    GROUP BY f.award_id, f.financial_year, f.quarter, f.return_id
  ),
  award_totals AS (
    SELECT y.award_id, ${MONEY_TOTALS} FROM years y GROUP BY y.award_id
  ),
  overdue AS (
    SELECT q.award_id, count(*) FILTER (WHERE q.overdue) AS overdue_returns
    FROM quarter_lines q GROUP BY q.award_id
  )`;

// Where each level's lines are read from, with the aliases the column definition's SQL uses (see
// ExportColumn.sql), and the award each belongs to.
export const LINE_SOURCES: Record<LineLevel, { from: string; awardId: string | null }> = {
  award: {
    from: `award_totals a
    JOIN awards aw ON aw.award_id = a.award_id
    LEFT JOIN overdue o ON o.award_id = a.award_id`,
    awardId: 'a.award_id',
  },
  year: { from: 'years y JOIN awards aw ON aw.award_id = y.award_id', awardId: 'y.award_id' },
  quarter: {
    from: `quarter_lines q JOIN awards aw ON aw.award_id = q.award_id
    -- The return by its key: joined on award, year and quarter, PostgreSQL multiplied the three
    -- columns' selectivities, expected one row where a 10,000-line round has 4,000, and joined
    -- the awards to that in a nested loop (2,000,000 comparisons, 60% of that export's query).
    JOIN delivery_returns d ON d.id = q.return_id`,
    awardId: 'q.award_id',
  },
  total: { from: `(${TOTALS}) t`, awardId: null },
};
// The totals' order in a file: the round, by financial year and kind, force area, applicant type.
export const TOTAL_ORDER = `CASE t.level WHEN 'round' THEN 0 WHEN 'yearAndKind' THEN 1
                                   WHEN 'forceArea' THEN 2 ELSE 3 END`;

// Everything a CSV or Excel export holds, one row per line of the file, flat, in the order the
// file is written, so it is streamed from a cursor and written as it comes, once. The columns
// are the database columns of the export's column definition (spend-columns.ts), each UNION
// branch's select list generated from it (a typed NULL where a level lacks a column). `line` says
// what a row is: 'award' (its totals), 'year' (award × financial year × kind), 'quarter' (award
// × quarter, capital and revenue side by side) or one of the totals, 'total: round', 'total:
// year and kind', 'total: force area', 'total: applicant type'. Money is bigint pence.
// CSV order: per award its award row, year rows and quarter rows, in reference order; the
// totals last. Excel order: sheet by sheet: the totals (Summary), awards, years, quarters.
// (The CSV job has PostgreSQL write the file itself: spend-csv.sql.ts.)
export function exportLines(
  order: 'csv' | 'xlsx',
  columns: readonly ExportColumn[] = SPEND_COLUMNS,
): string {
  const sort =
    order === 'csv'
      ? 'l.section, l.total_order, l.reference, l.rank, l.financial_year, l.quarter, l.kind, l.force_area_code, l.applicant_type'
      : 'l.sheet, l.total_order, l.reference, l.financial_year, l.quarter, l.kind, l.force_area_code, l.applicant_type';
  return `
  WITH ${SPEND_FACTS},
  ${EXPORT_LISTS},
  lines AS (
    SELECT 0 AS section, 1 AS sheet, 0 AS rank, 0 AS total_order,
           ${selectList(columns, 'award')}
    FROM ${LINE_SOURCES.award.from}
    UNION ALL
    SELECT 0, 2, 1, 0,
           ${selectList(columns, 'year')}
    FROM ${LINE_SOURCES.year.from}
    UNION ALL
    SELECT 0, 3, 2, 0,
           ${selectList(columns, 'quarter')}
    FROM ${LINE_SOURCES.quarter.from}
    UNION ALL
    SELECT 1, 0, 0, ${TOTAL_ORDER},
           ${selectList(columns, 'total')}
    FROM ${LINE_SOURCES.total.from}
  )
  SELECT ${sqlColumns(columns)
    .map((column) => `l.${column.key}`)
    .join(', ')}
  FROM lines l
  ORDER BY ${sort}`;
}

export const EXPORT_LINES = { csv: exportLines('csv'), xlsx: exportLines('xlsx') } as const;

// About how many lines an export of the round holds: its awards, their award lines (year rows)
// and returns (quarter rows), counted from the keys.
export const EXPORT_SIZE = `
  SELECT count(*)
         + coalesce(sum((SELECT count(*) FROM award_lines al WHERE al.decision_id = a.id)), 0)
         + coalesce(sum((SELECT count(*) FROM delivery_returns d WHERE d.award_id = a.id)), 0)
           AS lines
  FROM award_decisions a
  WHERE a.round_id = $1::uuid AND a.outcome = 'award' AND a.accepted_at <= $2::timestamptz`;
