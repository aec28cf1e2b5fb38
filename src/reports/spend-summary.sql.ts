// The round's spend as at a moment, in SQL: $1 the round, $2 the "as at" instant. Everything is
// read as it stood then (submissions sent by then, reviews and payments recorded by then,
// releases made by then), so a summary as at a past moment gives the same numbers whatever
// arrives later. Amounts are bigint pence.
//
// `facts`: one row per award × financial year × quarter × kind, with the quarter's profile (the
// kind's award for the year spread evenly over the award's quarters in that year, pennies left
// over in the last), claimed, approved, paid and forecast; `years`: one row per award ×
// financial year × kind with the award, the release (at year end, or of everything not approved
// when the award is withdrawn) and what remains.
export const SPEND_FACTS = `
  awards AS (
    SELECT a.id AS award_id, b.reference, o.name AS organisation_name,
           b.applicant_type, b.force_area_code,
           coalesce(fa.name, 'No force area') AS force_area_name,
           CASE WHEN a.closed_at <= $2::timestamptz THEN a.status
                WHEN a.status = 'completed' AND EXISTS (
                  SELECT 1 FROM audit_events e
                  WHERE e.object_type = 'award_decision' AND e.object_id = a.id::text
                    AND e.command = 'award.complete' AND e.occurred_at <= $2::timestamptz)
                THEN 'completed'
                ELSE 'active' END AS award_status,
           r.variance_threshold_percent
    FROM award_decisions a
    JOIN funding_rounds r ON r.id = a.round_id
    JOIN bids b ON b.id = a.bid_id
    JOIN organisations o ON o.id = a.organisation_id
    LEFT JOIN police_force_areas fa ON fa.code = b.force_area_code
    WHERE a.round_id = $1::uuid AND a.outcome = 'award' AND a.accepted_at <= $2::timestamptz
  ),
  quarters AS (
    SELECT d.id AS return_id, d.award_id, d.financial_year, d.quarter, d.due_on,
           d.period_starts_on,
           (SELECT sum(al.amount_pence) FROM award_lines al
            WHERE al.decision_id = d.award_id AND al.financial_year = d.financial_year)::bigint
             AS year_total,
           row_number() OVER (PARTITION BY d.award_id, d.financial_year ORDER BY d.period_starts_on)
             AS position,
           count(*) OVER (PARTITION BY d.award_id, d.financial_year) AS quarters_in_year
    FROM delivery_returns d JOIN awards aw ON aw.award_id = d.award_id
  ),
  latest AS (
    SELECT DISTINCT ON (s.return_id) s.id, s.return_id, s.submitted_at, s.content,
           coalesce(s.outcome = 'changes_requested' AND s.reviewed_at <= $2::timestamptz, false)
             AS sent_back,
           coalesce(s.outcome = 'approved' AND s.reviewed_at <= $2::timestamptz, false) AS approved
    FROM return_submissions s JOIN quarters q ON q.return_id = s.return_id
    WHERE s.submitted_at <= $2::timestamptz
    ORDER BY s.return_id, s.number DESC
  ),
  spend AS (
    SELECT q.award_id, l.financial_year, q.quarter, l.kind,
           CASE WHEN lt.sent_back OR (aw.award_status = 'withdrawn' AND NOT lt.approved) THEN 0
                ELSE l.claimed_pence END AS claimed,
           CASE WHEN lt.approved THEN l.approved_pence ELSE 0 END AS approved,
           CASE WHEN lt.approved AND pay.status = 'made' AND pay.recorded_at <= $2::timestamptz
                THEN l.approved_pence ELSE 0 END AS paid
    FROM latest lt
    JOIN quarters q ON q.return_id = lt.return_id
    JOIN awards aw ON aw.award_id = q.award_id
    JOIN return_spend_lines l ON l.submission_id = lt.id
    LEFT JOIN return_payments pay ON pay.return_id = lt.return_id
   
  ),
  forecast AS (
    SELECT f.award_id, x->>'financialYear' AS financial_year, (x->>'quarter')::int AS quarter,
           x->>'kind' AS kind, (x->>'amountPence')::bigint AS amount
    FROM (
      SELECT DISTINCT ON (q.award_id) q.award_id, lt.content
      FROM latest lt
      JOIN quarters q ON q.return_id = lt.return_id
      JOIN awards aw ON aw.award_id = q.award_id AND aw.award_status <> 'withdrawn'
      WHERE NOT lt.sent_back
      ORDER BY q.award_id, q.period_starts_on DESC
    ) f
    CROSS JOIN jsonb_array_elements(f.content->'forecast') AS x
  ),
  facts AS (
    SELECT q.award_id, q.financial_year, q.quarter, al.kind,
           CASE WHEN q.position = q.quarters_in_year
                THEN al.amount_pence - (al.amount_pence / q.quarters_in_year) * (q.quarters_in_year - 1)
                ELSE al.amount_pence / q.quarters_in_year END AS profile,
           CASE WHEN q.position = q.quarters_in_year
                THEN q.year_total - (q.year_total / q.quarters_in_year) * (q.quarters_in_year - 1)
                ELSE q.year_total / q.quarters_in_year END AS quarter_profile,
           coalesce(sp.claimed, 0) AS claimed, coalesce(sp.approved, 0) AS approved,
           coalesce(sp.paid, 0) AS paid,
           CASE WHEN lt.return_id IS NOT NULL AND NOT lt.sent_back THEN 0
                ELSE coalesce(fc.amount, 0) END AS forecast,
           (q.due_on < ($2::timestamptz AT TIME ZONE 'Europe/London')::date AND (lt.return_id IS NULL OR lt.sent_back)
             AND aw.award_status = 'active') AS overdue
    FROM quarters q
    JOIN awards aw ON aw.award_id = q.award_id
    LEFT JOIN latest lt ON lt.return_id = q.return_id
    JOIN award_lines al ON al.decision_id = q.award_id AND al.financial_year = q.financial_year
    LEFT JOIN spend sp ON sp.award_id = q.award_id AND sp.financial_year = q.financial_year
      AND sp.quarter = q.quarter AND sp.kind = al.kind
    LEFT JOIN forecast fc ON fc.award_id = q.award_id AND fc.financial_year = q.financial_year
      AND fc.quarter = q.quarter AND fc.kind = al.kind
   
  ),
  years AS (
    SELECT al.decision_id AS award_id, al.financial_year, al.kind, al.amount_pence AS awarded,
           coalesce(sum(f.claimed), 0) AS claimed, coalesce(sum(f.approved), 0) AS approved,
           coalesce(sum(f.paid), 0) AS paid, coalesce(sum(f.forecast), 0) AS forecast,
           CASE WHEN max(aw.award_status) = 'withdrawn'
                THEN al.amount_pence - coalesce(sum(f.approved), 0)
                ELSE coalesce(max(rel.amount_pence), 0) END AS released
    FROM award_lines al
    JOIN awards aw ON aw.award_id = al.decision_id
    LEFT JOIN facts f ON f.award_id = al.decision_id AND f.financial_year = al.financial_year
      AND f.kind = al.kind
    LEFT JOIN year_end_releases rel ON rel.award_id = al.decision_id
      AND rel.financial_year = al.financial_year AND rel.kind = al.kind
      AND rel.released_at <= $2::timestamptz
    GROUP BY al.decision_id, al.financial_year, al.kind, al.amount_pence
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

// The round's totals, and subtotals by force area, applicant type and financial year × kind.
export const TOTAL_ROWS = `
  WITH ${SPEND_FACTS}
  SELECT CASE
           WHEN GROUPING(aw.force_area_code) = 0 THEN 'forceArea'
           WHEN GROUPING(aw.applicant_type) = 0 THEN 'applicantType'
           WHEN GROUPING(y.financial_year) = 0 THEN 'yearAndKind'
           ELSE 'round' END AS level,
         aw.force_area_code, max(aw.force_area_name) AS force_area_name, aw.applicant_type,
         y.financial_year, y.kind, count(DISTINCT aw.award_id) AS awards, ${MONEY_TOTALS}
  FROM awards aw JOIN years y ON y.award_id = aw.award_id
  GROUP BY GROUPING SETS ((), (aw.force_area_code), (aw.applicant_type),
                          (y.financial_year, y.kind))
  ORDER BY level, aw.force_area_code, aw.applicant_type, y.financial_year, y.kind`;
