// The money every level of the spend summary shows (an award, a year line, a total), in SQL.

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
  (Object.keys(YEAR_MONEY) as (keyof typeof YEAR_MONEY)[])
    .map((column) => `sum(${of(column)})::bigint AS ${column}`)
    .join(', ');

// The money columns, summed from `years` rows `y`.
export const MONEY_TOTALS = moneySums((column) => YEAR_MONEY[column]);
// The same, summed from rows `t` that hold them already summed (an award's totals).
export const MONEY_OF_TOTALS = moneySums((column) => `t.${column}`);
