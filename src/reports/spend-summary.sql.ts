// The round's spend as at a moment, in SQL: $1 the round, $2 the "as at" instant. Everything is
// read as it stood then (submissions sent by then, reviews and payments recorded by then,
// releases made by then), so a summary as at a past moment gives the same numbers whatever
// arrives later. Amounts are bigint pence.
//
// `facts`: one row per award × financial year × quarter × kind, with the quarter's profile (the
// kind's award for the year spread evenly over the award's quarters in that year, pennies left
// over in the last), claimed, approved, paid and forecast; `years`: one row per award ×
// financial year × kind with the award, the release at year end and what remains.
export const SPEND_FACTS = `
  params AS (
    SELECT $1::uuid AS round_id, $2::timestamptz AS as_at,
           ($2::timestamptz AT TIME ZONE 'Europe/London')::date AS as_at_date
  ),
  awards AS (
    SELECT a.id AS award_id, b.reference, o.name AS organisation_name, o.type AS applicant_type,
           coalesce(b.force_area_code, o.force_area_code) AS force_area_code,
           coalesce(fa.name, 'No force area') AS force_area_name,
           CASE WHEN a.closed_at <= p.as_at THEN a.status ELSE 'active' END AS award_status,
           r.variance_threshold_percent
    FROM award_decisions a
    JOIN params p ON a.round_id = p.round_id
    JOIN funding_rounds r ON r.id = a.round_id
    JOIN bids b ON b.id = a.bid_id
    JOIN organisations o ON o.id = a.organisation_id
    LEFT JOIN police_force_areas fa ON fa.code = coalesce(b.force_area_code, o.force_area_code)
    WHERE a.outcome = 'award' AND a.accepted_at <= p.as_at
  ),
  quarters AS (
    SELECT d.id AS return_id, d.award_id, d.financial_year, d.quarter, d.due_on,
           row_number() OVER (PARTITION BY d.award_id, d.financial_year ORDER BY d.period_starts_on)
             AS position,
           count(*) OVER (PARTITION BY d.award_id, d.financial_year) AS quarters_in_year
    FROM delivery_returns d JOIN awards aw ON aw.award_id = d.award_id
  ),
  latest AS (
    SELECT DISTINCT ON (s.return_id) s.id, s.return_id, s.submitted_at, s.content,
           coalesce(s.outcome = 'changes_requested' AND s.reviewed_at <= p.as_at, false)
             AS sent_back,
           coalesce(s.outcome = 'approved' AND s.reviewed_at <= p.as_at, false) AS approved
    FROM return_submissions s JOIN quarters q ON q.return_id = s.return_id CROSS JOIN params p
    WHERE s.submitted_at <= p.as_at
    ORDER BY s.return_id, s.number DESC
  ),
  spend AS (
    SELECT q.award_id, l.financial_year, q.quarter, l.kind,
           CASE WHEN lt.sent_back THEN 0 ELSE l.claimed_pence END AS claimed,
           CASE WHEN lt.approved THEN l.approved_pence ELSE 0 END AS approved,
           CASE WHEN lt.approved AND pay.status = 'made' AND pay.recorded_at <= p.as_at
                THEN l.approved_pence ELSE 0 END AS paid
    FROM latest lt
    JOIN quarters q ON q.return_id = lt.return_id
    JOIN return_spend_lines l ON l.submission_id = lt.id
    LEFT JOIN return_payments pay ON pay.return_id = lt.return_id
    CROSS JOIN params p
  ),
  forecast AS (
    SELECT f.award_id, x->>'financialYear' AS financial_year, (x->>'quarter')::int AS quarter,
           x->>'kind' AS kind, (x->>'amountPence')::bigint AS amount
    FROM (
      SELECT DISTINCT ON (q.award_id) q.award_id, lt.content
      FROM latest lt JOIN quarters q ON q.return_id = lt.return_id
      ORDER BY q.award_id, lt.submitted_at DESC
    ) f
    CROSS JOIN jsonb_array_elements(f.content->'forecast') AS x
  ),
  facts AS (
    SELECT q.award_id, q.financial_year, q.quarter, al.kind,
           CASE WHEN q.position = q.quarters_in_year
                THEN al.amount_pence - (al.amount_pence / q.quarters_in_year) * (q.quarters_in_year - 1)
                ELSE al.amount_pence / q.quarters_in_year END AS profile,
           coalesce(sp.claimed, 0) AS claimed, coalesce(sp.approved, 0) AS approved,
           coalesce(sp.paid, 0) AS paid, coalesce(fc.amount, 0) AS forecast,
           (q.due_on < p.as_at_date
             AND NOT EXISTS (SELECT 1 FROM latest lt WHERE lt.return_id = q.return_id
                             AND NOT lt.sent_back)
             AND aw.award_status = 'active') AS overdue
    FROM quarters q
    JOIN awards aw ON aw.award_id = q.award_id
    JOIN award_lines al ON al.decision_id = q.award_id AND al.financial_year = q.financial_year
    LEFT JOIN spend sp ON sp.award_id = q.award_id AND sp.financial_year = q.financial_year
      AND sp.quarter = q.quarter AND sp.kind = al.kind
    LEFT JOIN forecast fc ON fc.award_id = q.award_id AND fc.financial_year = q.financial_year
      AND fc.quarter = q.quarter AND fc.kind = al.kind
    CROSS JOIN params p
  ),
  years AS (
    SELECT al.decision_id AS award_id, al.financial_year, al.kind, al.amount_pence AS awarded,
           coalesce(sum(f.claimed), 0) AS claimed, coalesce(sum(f.approved), 0) AS approved,
           coalesce(sum(f.paid), 0) AS paid, coalesce(sum(f.forecast), 0) AS forecast,
           coalesce(max(rel.amount_pence), 0) AS released
    FROM award_lines al
    JOIN awards aw ON aw.award_id = al.decision_id
    LEFT JOIN facts f ON f.award_id = al.decision_id AND f.financial_year = al.financial_year
      AND f.kind = al.kind
    LEFT JOIN year_end_releases rel ON rel.award_id = al.decision_id
      AND rel.financial_year = al.financial_year AND rel.kind = al.kind
      AND rel.released_at <= (SELECT as_at FROM params)
    GROUP BY al.decision_id, al.financial_year, al.kind, al.amount_pence
  )`;

// The money columns every level of the summary has, summed from `years` rows `y`.
export const MONEY_TOTALS = `
  sum(y.awarded)::bigint AS awarded, sum(y.claimed)::bigint AS claimed,
  sum(y.approved)::bigint AS approved, sum(y.paid)::bigint AS paid,
  sum(y.forecast)::bigint AS forecast, sum(y.released)::bigint AS released,
  sum(CASE WHEN aw.award_status = 'active' OR aw.award_status = 'completed'
           THEN y.awarded - y.approved - y.released ELSE 0 END)::bigint AS remaining`;

// One row per award, in reference order: its totals, its year lines and quarter lines as JSON,
// and its flags. `$3`/`$4` page it (limit, offset).
export const AWARD_ROWS = `
  WITH ${SPEND_FACTS}
  SELECT aw.award_id, aw.reference, aw.organisation_name, aw.applicant_type, aw.force_area_code,
         aw.force_area_name, aw.award_status, ${MONEY_TOTALS},
         (SELECT jsonb_agg(jsonb_build_object(
                   'financialYear', y2.financial_year, 'kind', y2.kind,
                   'awardedPence', y2.awarded, 'claimedPence', y2.claimed,
                   'approvedPence', y2.approved, 'paidPence', y2.paid,
                   'forecastPence', y2.forecast, 'releasedPence', y2.released,
                   'remainingPence', CASE WHEN aw.award_status = 'withdrawn' THEN 0
                                          ELSE y2.awarded - y2.approved - y2.released END)
                   ORDER BY y2.financial_year, y2.kind)
          FROM years y2 WHERE y2.award_id = aw.award_id) AS years,
         (SELECT jsonb_agg(jsonb_build_object(
                   'financialYear', f.financial_year, 'quarter', f.quarter, 'kind', f.kind,
                   'profilePence', f.profile, 'claimedPence', f.claimed,
                   'approvedPence', f.approved, 'paidPence', f.paid, 'forecastPence', f.forecast,
                   'overdue', f.overdue)
                   ORDER BY f.financial_year, f.quarter, f.kind)
          FROM facts f WHERE f.award_id = aw.award_id) AS quarters,
         (SELECT count(DISTINCT (f.financial_year, f.quarter)) FROM facts f
          WHERE f.award_id = aw.award_id AND f.overdue) AS overdue_returns,
         aw.variance_threshold_percent
  FROM awards aw JOIN years y ON y.award_id = aw.award_id
  GROUP BY aw.award_id, aw.reference, aw.organisation_name, aw.applicant_type,
           aw.force_area_code, aw.force_area_name, aw.award_status, aw.variance_threshold_percent
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
