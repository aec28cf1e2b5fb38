// The money every level of the spend summary shows (an award, a year line, a total), in SQL, and
// each award's, read after the round's spend facts (spend-facts.sql.ts).

// The money columns every level of the summary has, as a `years` row `y` holds them.
const YEAR_MONEY = {
  awarded: 'y.awarded',
  claimed: 'y.claimed',
  approved: 'y.approved',
  paid: 'y.paid',
  forecast: 'y.forecast',
  released: 'y.released',
  remaining: 'y.awarded - y.approved - y.released',
} as const;
// The money columns of an award's totals, in order.
export const AWARD_MONEY = Object.keys(YEAR_MONEY) as (keyof typeof YEAR_MONEY)[];
const moneySums = (of: (column: keyof typeof YEAR_MONEY) => string) =>
  AWARD_MONEY.map((column) => `sum(${of(column)})::bigint AS ${column}`).join(', ');

// The money columns, summed from `years` rows `y`.
export const MONEY_TOTALS = moneySums((column) => YEAR_MONEY[column]);
// The same, summed from rows `t` that hold them already summed (an award's totals).
export const MONEY_OF_TOTALS = moneySums((column) => `t.${column}`);

// Each live award's money, summed from its year lines.
export const AWARD_TOTALS_OF_LIVE = `SELECT y.award_id, ${MONEY_TOTALS} FROM live_years y GROUP BY y.award_id`;
// Each cached award's money, as kept (none for an award without year lines).
export const KEPT_AWARD_TOTALS = `SELECT aw.award_id, ${AWARD_MONEY.map((column) => `aw.kept_${column} AS ${column}`).join(', ')}
  FROM awards aw WHERE aw.cached AND aw.kept_awarded IS NOT NULL`;
// Each award's money: a live award's summed from its year lines, a cached one's as kept.
export const AWARD_TOTALS = `${AWARD_TOTALS_OF_LIVE}
  UNION ALL
  ${KEPT_AWARD_TOTALS}`;
