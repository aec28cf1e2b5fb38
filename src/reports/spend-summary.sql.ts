// Set in each transaction that runs these queries. Their cost estimates run high (the figures
// are worked out through several steps), so PostgreSQL would JIT-compile some 300 expressions
// first: seconds of compiling for a query that runs in less.
import { spendFacts } from './spend-facts.sql';
import { AWARD_MONEY, AWARD_TOTALS, MONEY_OF_TOTALS, MONEY_TOTALS } from './spend-money.sql';

export const SPEND_SETTINGS = 'SET LOCAL jit = off';
// An export reads its lines through a cursor, which PostgreSQL never runs with parallel workers:
// planned for none, it is planned as it runs.
export const EXPORT_SETTINGS = `${SPEND_SETTINGS}; SET LOCAL max_parallel_workers_per_gather = 0`;
// A CSV's or a workbook's COPY (spend-copy.sql.ts) joins year and quarter lines to their awards
// by hash (the workbook all of them, the CSV the live awards'): PostgreSQL cannot size the lists
// it joins and would sort all the lines by award for merge joins, then sort them again in the
// file's order. On the bench's 1,000,000-line round with its facts kept, the workbook 0.5 s less
// of 7.9 s; the CSV, read award by award, 3.1 s against 4.7 to 5.7 s with merge joins allowed.
// With nothing kept, 0.45 s more of 11.7 s.
export const COPY_SETTINGS = `${EXPORT_SETTINGS}; SET LOCAL enable_mergejoin = off`;

// The round's spend facts as at $2, read from the cache where it holds them (spend-facts.sql.ts).
export const SPEND_FACTS = spendFacts('read');

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
// rows with their `level` (no ORDER BY: used below and by the exports). The round, force area and
// applicant type levels are summed from each award's totals (`awardTotals`: AWARD_TOTALS, as a
// subquery or the name of a list of them already made), and the year × kind level from the year
// rows (one per award, year and kind; summed in year_kind_totals): each row is one award, so the
// awards are counted without DISTINCT (which would have PostgreSQL sort the year rows once per
// level).
export const totalsSql = (awardTotals = `(${AWARD_TOTALS})`) => `
  SELECT CASE
           WHEN GROUPING(aw.force_area_code) = 0 THEN 'forceArea'
           WHEN GROUPING(aw.applicant_type) = 0 THEN 'applicantType'
           ELSE 'round' END AS level,
         aw.force_area_code, max(aw.force_area_name) AS force_area_name, aw.applicant_type,
         NULL::text AS financial_year, NULL::text AS kind, count(*) AS awards,
         ${MONEY_OF_TOTALS}
  FROM ${awardTotals} t
  JOIN awards aw ON aw.award_id = t.award_id
  GROUP BY GROUPING SETS ((), (aw.force_area_code), (aw.applicant_type))
  UNION ALL
  SELECT 'yearAndKind', NULL, NULL, NULL, t.financial_year, t.kind, t.awards,
         ${AWARD_MONEY.map((column) => `t.${column}`).join(', ')}
  FROM year_kind_totals t`;

// The round's totals, and subtotals by force area, applicant type and financial year × kind.
export const TOTAL_ROWS = `
  WITH ${SPEND_FACTS}
  SELECT t.* FROM (${totalsSql()}) t
  ORDER BY t.level, t.force_area_code, t.applicant_type, t.financial_year, t.kind`;
