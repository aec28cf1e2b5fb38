import { awardProfileAtSql } from '../awards/award-lifecycle';
import { COST_KINDS, type CostKind } from '../bids/bid-lines.entity';
import { londonDateOfSql } from '../common/london-time';
import { organisationNamesAtSql } from '../organisations/organisation-names';
import { AWARD_MONEY, MONEY_OF_TOTALS, MONEY_TOTALS } from './spend-money.sql';

// The round's spend facts in SQL, as at a moment: worked out from the returns, payments,
// releases and variations, or read for an award from what the cache keeps of it
// (spend-cache.sql.ts) when the cache holds it as at that moment.

// Where the facts are read from: `read`, an award's kept facts where the cache holds them as at
// the moment ($2), worked out for the others; `fill`, worked out for the awards `$3` (uuid[]),
// to be kept (with $2 'infinity': everything recorded counts).
export type FactsSource = 'read' | 'fill';

// What the cache keeps of award `a` where it holds as at $2 (`kept`, no row where it does not):
// its facts were kept, nothing they are read from has changed since (no mark left), and nothing
// of it is dated after the moment.
const KEPT_AWARD_JOIN = `LEFT JOIN spend_cache_awards kept ON kept.award_id = a.id
      AND kept.holds_from <= $2::timestamptz
      AND NOT EXISTS (SELECT 1 FROM spend_cache_marks m WHERE m.award_id = a.id)`;

// A return `r` is owed while nobody has reported on it (or it was sent back) and its award is
// active; it is overdue once owed past the day it was due. Owed holds at any moment the facts
// hold; overdue is worked out at the moment itself.
const RETURN_OWED_SQL = `((r.submission_id IS NULL OR r.sent_back) AND r.award_status = 'active')`;
// The day in London the moment ($2) falls on: quarter line `q` is overdue when owed and due
// before it.
const MOMENT_DAY = londonDateOfSql('$2::timestamptz');
const dueBeforeMomentSql = (due: string) => `${due} < ${MOMENT_DAY}`;
const overdueSql = (q: string) => `(${q}.owed AND ${dueBeforeMomentSql(`${q}.due_on`)})`;

// The cells of a profile (jsonb, possibly NULL) as rows `p`.
const PROFILE_CELLS = (profile: string) =>
  `jsonb_to_recordset(coalesce(${profile}, '[]'::jsonb))
     AS p("financialYear" text, quarter int, kind text, "amountPence" bigint)`;

// The kinds of money, side by side in a row: `sql` for each kind, joined.
export const eachKind = (sql: (kind: CostKind) => string, separator = ', ') =>
  COST_KINDS.map(sql).join(separator);
// The money a return's quarter holds of a kind besides its profile, in the order SPEND_FACTS's
// year rows list them.
export const QUARTER_MEASURES = ['claimed', 'approved', 'paid', 'forecast'] as const;
const eachMeasure = (sql: (measure: (typeof QUARTER_MEASURES)[number]) => string) =>
  QUARTER_MEASURES.map(sql).join(', ');

// A year's amount (of the award's lines, for a return `r` of an award never varied) spread evenly
// over the year's quarters, pennies left over in the last; a varied award's quarter cell as it is.
const spreadSql = (amount: string) =>
  `CASE WHEN r.varied THEN ${amount}
                WHEN r.position = r.quarters_in_year
                THEN ${amount} - (${amount} / r.quarters_in_year) * (r.quarters_in_year - 1)
                ELSE ${amount} / r.quarters_in_year END`;

// What a return `r` holds of a kind, from its latest submission's spend line `l_<kind>` and the
// award's forecast `fc`: claimed (nothing when sent back, or when the award was withdrawn before
// it was approved), approved and paid (once approved, and paid), forecast (for a quarter nobody
// has reported on, from the latest live submission's forecast).
const QUARTER_MONEY: Record<(typeof QUARTER_MEASURES)[number], (kind: CostKind) => string> = {
  claimed: (kind) =>
    `coalesce(CASE WHEN r.sent_back OR (r.award_status = 'withdrawn' AND NOT r.approved) THEN 0
                         ELSE l_${kind}.claimed_pence END, 0)`,
  approved: (kind) => `coalesce(CASE WHEN r.approved THEN l_${kind}.approved_pence ELSE 0 END, 0)`,
  paid: (kind) =>
    `coalesce(CASE WHEN r.approved AND r.paid THEN l_${kind}.approved_pence ELSE 0 END, 0)`,
  forecast: (kind) => `CASE WHEN r.submission_id IS NOT NULL AND NOT r.sent_back THEN 0
                ELSE coalesce((
                  SELECT sum((x->>'amountPence')::bigint) FROM jsonb_array_elements(fc.forecast) x
                  WHERE x->>'financialYear' = r.financial_year AND (x->>'quarter')::int = r.quarter
                    AND x->>'kind' = '${kind}'), 0) END`,
};

// The round's spend as at a moment, in SQL: $1 the round, $2 the "as at" instant. Everything is
// read as it stood then (submissions sent by then, reviews and payments recorded by then,
// releases made by then, variations approved by then, organisation names as they were then),
// so a summary as at a past moment gives the same numbers whatever arrives later. Amounts are
// bigint pence.
//
// `awards`: one row per award accepted by then, and whether the cache holds its facts as at then
// (`cached`); `live_awards`, the others, whose facts are worked out below. `returns`: one row per
// live award × quarter (its return), with
// where the return stood: its latest submission sent by then, sent back or approved, and its
// payment made. `quarters`: one row per return with a profile cell, capital and revenue side by
// side: each kind's profile (for an award never varied, the kind's award for the year spread
// evenly over the award's quarters in that year, pennies left over in the last; for a varied one,
// the quarter's cell of its profile), claimed, approved, paid and forecast, and the quarter's
// profile of both, and whether it is owed; `facts`: the same, one row per return × kind. `years`:
// one row per award × financial year × kind with the award, the release (at year end, or of
// everything not approved when the award is withdrawn) and what remains. (`live_quarters` and
// `live_years` are those of the live awards; `quarters` and `years` add the cached awards'.)
//
// Written as set joins that plan the same at any size: no per-row subquery or function over the
// round's returns. Each list is built once from the one before (award lines and profile cells
// per award and year, the latest submission per return, its spend lines per kind), joined on
// keys, and the year rows are summed from one list by GROUP BY, never by joining two computed
// lists on several columns, whose sizes PostgreSQL cannot estimate (it then picks nested loops
// over them, quadratic in the round's returns). The kinds side by side halve the rows the years
// are summed from, and a quarter's line needs no grouping at all.
export function spendFacts(source: FactsSource): string {
  return `
  awards AS MATERIALIZED (
    SELECT a.id AS award_id, b.reference, names.name AS organisation_name,
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
           ${
             source === 'read'
               ? `kept.award_id IS NOT NULL AS cached, ${AWARD_MONEY.map((column) => `kept.${column} AS kept_${column}`).join(', ')},
           kept.owed_due_on AS kept_owed_due_on`
               : `false AS cached, ${AWARD_MONEY.map((column) => `NULL::bigint AS kept_${column}`).join(', ')},
           NULL::date[] AS kept_owed_due_on`
           }
    FROM award_decisions a
    JOIN funding_rounds r ON r.id = a.round_id
    JOIN bids b ON b.id = a.bid_id
    LEFT JOIN ${organisationNamesAtSql('$2::timestamptz')} names
      ON names.organisation_id = a.organisation_id
    LEFT JOIN police_force_areas fa ON fa.code = b.force_area_code
    ${source === 'read' ? KEPT_AWARD_JOIN : ''}
    WHERE a.round_id = $1::uuid AND a.outcome = 'award' AND a.accepted_at <= $2::timestamptz
      ${source === 'fill' ? 'AND a.id = ANY($3::uuid[])' : ''}
  ),
  -- The awards whose facts are worked out here (not read from the cache), with their profile as
  -- it stood (awardProfileAtSql; NULL for an award never varied).
  live_awards AS MATERIALIZED (
    SELECT aw.award_id, aw.award_status,
           ${awardProfileAtSql('aw.award_id', '$2::timestamptz')} AS profile
    FROM awards aw WHERE NOT aw.cached
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
    FROM live_awards aw
    JOIN delivery_returns d ON d.award_id = aw.award_id
    LEFT JOIN LATERAL (
      SELECT s.id, s.outcome, s.reviewed_at FROM return_submissions s
      WHERE s.return_id = d.id AND s.submitted_at <= $2::timestamptz
      ORDER BY s.number DESC LIMIT 1
    ) lt ON true
    LEFT JOIN return_payments pay ON pay.return_id = d.id
  ),
  -- The profile cells of each award's years (an award never varied: its award lines, spread over
  -- the year's quarters in quarters below) or quarters (a varied one: its profile's cells for the
  -- quarter), each kind's amount side by side (NULL: no cell of that kind), with their total.
  cells AS (
    SELECT al.decision_id AS award_id, false AS varied, al.financial_year, NULL::int AS quarter,
           ${eachKind((kind) => `sum(al.amount_pence) FILTER (WHERE al.kind = '${kind}')::bigint AS ${kind}`)},
           sum(al.amount_pence)::bigint AS total
    FROM live_awards aw JOIN award_lines al ON al.decision_id = aw.award_id
    WHERE aw.profile IS NULL
    GROUP BY al.decision_id, al.financial_year
    UNION ALL
    SELECT aw.award_id, true, p."financialYear", p.quarter,
           ${eachKind((kind) => `sum(p."amountPence") FILTER (WHERE p.kind = '${kind}')::bigint`)},
           sum(p."amountPence")::bigint
    FROM live_awards aw CROSS JOIN ${PROFILE_CELLS('aw.profile')}
    WHERE aw.profile IS NOT NULL
    GROUP BY aw.award_id, p."financialYear", p.quarter
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
  -- One row per return with a profile cell, its kinds side by side (NULL: no cell of that kind).
  live_quarters AS (
    SELECT r.award_id, r.return_id, r.financial_year, r.quarter, r.due_on,
           ${eachKind((kind) => `${spreadSql(`c.${kind}`)} AS profile_${kind}`)},
           ${spreadSql('c.total')} AS quarter_profile,
           ${eachKind(
             (kind) =>
               `${eachMeasure((measure) => `CASE WHEN c.${kind} IS NOT NULL THEN ${QUARTER_MONEY[measure](kind)} END AS ${measure}_${kind}`)}`,
             ',\n           ',
           )},
           ${RETURN_OWED_SQL} AS owed
    FROM returns r
    JOIN cells c ON c.award_id = r.award_id AND c.financial_year = r.financial_year
      AND (NOT c.varied OR c.quarter = r.quarter)
    -- The latest submission's spend line for the return's year and each kind, by its primary key:
    -- joined through a list of the round's claims instead, PostgreSQL (which cannot estimate that
    -- list) compared every fact with every claim, quadratic in the round's returns.
    ${eachKind(
      (kind) => `LEFT JOIN return_spend_lines l_${kind} ON l_${kind}.submission_id = r.submission_id
      AND l_${kind}.financial_year = r.financial_year AND l_${kind}.kind = '${kind}'`,
      '\n    ',
    )}
    LEFT JOIN forecasts fc ON fc.award_id = r.award_id
  ),
  -- Each award's lines as they stood, per year with the kinds side by side: an award never varied
  -- its award lines, a varied one its profile summed per year and kind (kinds summing to nothing
  -- left out).
  award_years AS (
    SELECT c.award_id, c.financial_year, ${eachKind((kind) => `c.${kind}`)}
    FROM cells c WHERE NOT c.varied
    UNION ALL
    SELECT c.award_id, c.financial_year,
           ${eachKind((kind) => `CASE WHEN sum(c.${kind}) > 0 THEN sum(c.${kind})::bigint END`)}
    FROM cells c WHERE c.varied
    GROUP BY c.award_id, c.financial_year
  ),
  live_years AS (
    SELECT y.award_id, y.financial_year, k.kind, k.awarded, k.claimed, k.approved, k.paid,
           k.forecast, k.released
    FROM (
      SELECT x.award_id, x.financial_year,
             ${eachKind(
               (
                 kind,
               ) => `bool_or(x.has_${kind}) AS has_${kind}, sum(x.awarded_${kind}) AS awarded_${kind},
             sum(x.claimed_${kind}) AS claimed_${kind}, sum(x.approved_${kind}) AS approved_${kind},
             sum(x.paid_${kind}) AS paid_${kind}, sum(x.forecast_${kind}) AS forecast_${kind},
             CASE WHEN bool_or(x.withdrawn_${kind})
                  THEN sum(x.awarded_${kind}) - sum(x.approved_${kind})
                  ELSE sum(x.released_${kind}) END AS released_${kind}`,
               ',\n             ',
             )}
      FROM (
        SELECT al.award_id, al.financial_year,
               ${eachKind(
                 (kind) => `al.${kind} IS NOT NULL AS has_${kind}, al.${kind} AS awarded_${kind},
               ${eachMeasure((measure) => `CASE WHEN al.${kind} IS NOT NULL THEN 0::bigint END AS ${measure}_${kind}`)},
               CASE WHEN al.${kind} IS NOT NULL THEN coalesce(rel_${kind}.amount_pence, 0) END
                 AS released_${kind},
               CASE WHEN al.${kind} IS NOT NULL THEN aw.award_status = 'withdrawn' END
                 AS withdrawn_${kind}`,
                 ',\n               ',
               )}
        FROM live_awards aw
        JOIN award_years al ON al.award_id = aw.award_id
        -- Looked up by its key for each line: joined whole, PostgreSQL hashed every release of
        -- every round (101,100 of them in the benchmark, 30 ms) for a round of 50 awards.
        ${eachKind(
          (kind) => `LEFT JOIN LATERAL (
          SELECT rel.amount_pence FROM year_end_releases rel
          WHERE rel.award_id = aw.award_id AND rel.financial_year = al.financial_year
            AND rel.kind = '${kind}' AND rel.released_at <= $2::timestamptz
          LIMIT 1 -- (one at most: the key) keeps it a lookup, never pulled up into a join
        ) rel_${kind} ON true`,
          '\n        ',
        )}
        UNION ALL
        SELECT q.award_id, q.financial_year,
               ${eachKind(
                 (
                   kind,
                 ) => `q.profile_${kind} IS NOT NULL, CASE WHEN q.profile_${kind} IS NOT NULL THEN 0::bigint END,
               ${eachMeasure((measure) => `q.${measure}_${kind}`)},
               CASE WHEN q.profile_${kind} IS NOT NULL THEN 0::bigint END, NULL::boolean`,
                 ',\n               ',
               )}
        FROM live_quarters q
      ) x
      GROUP BY x.award_id, x.financial_year
    ) y
    CROSS JOIN LATERAL (VALUES ${eachKind(
      (kind) =>
        `('${kind}', y.has_${kind}, y.awarded_${kind}, y.claimed_${kind}, y.approved_${kind}, y.paid_${kind},
              y.forecast_${kind}, y.released_${kind})`,
      ',\n                              ',
    )})
      AS k(kind, present, awarded, claimed, approved, paid, forecast, released)
    WHERE k.present
  ),
  ${unified(source)}`;
}

// The columns of a quarter line (`quarters`), in order, but its overdue flag.
export const QUARTER_COLUMNS = [
  'award_id',
  'return_id',
  'financial_year',
  'quarter',
  'due_on',
  ...COST_KINDS.map((kind) => `profile_${kind}`),
  'quarter_profile',
  ...COST_KINDS.flatMap((kind) => QUARTER_MEASURES.map((measure) => `${measure}_${kind}`)),
  'owed',
] as const;
// The columns of a year line (`years`), in order.
export const YEAR_COLUMNS = [
  'award_id',
  'financial_year',
  'kind',
  'awarded',
  'claimed',
  'approved',
  'paid',
  'forecast',
  'released',
] as const;
const columnsOf = (columns: readonly string[], alias: string) =>
  columns.map((column) => `${alias}.${column}`).join(', ');

// Where an award's year and quarter lines come from, as `years` and `quarters` rows hold them:
// `live`, the live awards' (worked out above; no kept text); `kept`, the kept lines `c` of the
// awards `where` chooses (its SQL after `FROM spend_cache_… c`), each with the text kept of its
// own fields in the CSV and the version of the CSV it was written for (`kept_csv`,
// `csv_version`). A quarter line also says whether it is overdue as at the moment.
const LIVE_TEXT = 'NULL::text AS csv_version, NULL::text AS kept_csv';
const keptRows = (table: string, columns: readonly string[], where: string) =>
  `SELECT ${columnsOf(columns, 'c')}, c.csv_version, c.csv_text AS kept_csv
    FROM ${table} c ${where}`;
const withOverdue = (quarters: string) =>
  `SELECT q.*, ${overdueSql('q')} AS overdue FROM (${quarters}) q`;
export const FACT_LINES = {
  year: {
    live: `SELECT ${columnsOf(YEAR_COLUMNS, 'y')}, ${LIVE_TEXT} FROM live_years y`,
    kept: (where: string) => keptRows('spend_cache_years', YEAR_COLUMNS, where),
  },
  quarter: {
    live: withOverdue(
      `SELECT ${columnsOf(QUARTER_COLUMNS, 'q')}, ${LIVE_TEXT} FROM live_quarters q`,
    ),
    kept: (where: string) => withOverdue(keptRows('spend_cache_quarters', QUARTER_COLUMNS, where)),
  },
} as const;
// The kept lines of the awards whose facts the cache holds as at the moment; of one award (by its
// id's SQL).
const KEPT_OF_CACHED = 'JOIN awards aw ON aw.award_id = c.award_id WHERE aw.cached';
export const keptOfAward = (awardId: string) => `WHERE c.award_id = ${awardId}`;

// The quarter and year lines of every award, worked out (live_quarters, live_years) or, for the
// awards the cache holds, read from it; and `facts`, the quarter lines one row per kind.
function unified(source: FactsSource): string {
  const sources = (level: keyof typeof FACT_LINES) =>
    source === 'read'
      ? [FACT_LINES[level].live, FACT_LINES[level].kept(KEPT_OF_CACHED)]
      : [FACT_LINES[level].live];
  const lines = (level: keyof typeof FACT_LINES) => sources(level).join('\n    UNION ALL\n    ');
  // Not materialized: each list reading them scans the kept rows again, which costs less than
  // copying 400,000 lines with their text into a store of the query's own (it spills to disk).
  return `quarters AS NOT MATERIALIZED (
    ${lines('quarter')}
  ),
  years AS NOT MATERIALIZED (
    ${lines('year')}
  ),
  -- The same, one row per return and kind.
  facts AS (
    SELECT q.award_id, q.return_id, q.financial_year, q.quarter, k.kind, k.profile,
           q.quarter_profile, k.claimed, k.approved, k.paid, k.forecast, q.overdue
    FROM quarters q
    CROSS JOIN LATERAL (VALUES ${eachKind(
      (kind) =>
        `('${kind}', q.profile_${kind}, q.claimed_${kind}, q.approved_${kind}, q.paid_${kind}, q.forecast_${kind})`,
    )})
      AS k(kind, profile, claimed, approved, paid, forecast)
    WHERE k.profile IS NOT NULL
  ),
  -- Each financial year × kind's year lines (\`awards\`: one line per award) and money: the live
  -- awards' and the kept ones' summed apart, then together. Summed from \`years\` at once,
  -- PostgreSQL (unable to count the years and kinds of a union) sorted every line on disk for a
  -- handful of groups; from the kept lines' own table it counts them from its statistics and
  -- hashes them.
  year_kind_totals AS NOT MATERIALIZED (
    SELECT t.financial_year, t.kind, sum(t.awards)::bigint AS awards, ${MONEY_OF_TOTALS}
    FROM (${sources('year')
      .map(
        (years) => `
      SELECT y.financial_year, y.kind, count(*) AS awards, ${MONEY_TOTALS}
      FROM (${years}) y
      GROUP BY y.financial_year, y.kind`,
      )
      .join('\n      UNION ALL')}
    ) t
    GROUP BY t.financial_year, t.kind
  )`;
}

// Each live award's overdue returns as at the moment, counted from its quarter lines (no row for
// an award without them; nothing is overdue then).
export const LIVE_AWARD_OVERDUE = `SELECT q.award_id, count(*) FILTER (WHERE ${overdueSql('q')}) AS overdue_returns
  FROM live_quarters q GROUP BY q.award_id`;
// A cached award \`aw\`'s overdue returns as at the moment, by the same rule: the days its owed
// returns were due, as kept (OWED_DUE_DAYS, spend-cache.sql.ts), before the moment's day.
export const keptOverdueSql = (aw: string) =>
  `(SELECT count(*) FROM unnest(${aw}.kept_owed_due_on) AS d(due_on)
    WHERE ${dueBeforeMomentSql('d.due_on')})`;
