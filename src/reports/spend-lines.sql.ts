import { type ExportColumn, type LineLevel, selectList, sqlColumns } from './export-column';
import { SPEND_COLUMNS } from './spend-columns';
import { AWARD_MONEY, AWARD_TOTALS_OF_LIVE, KEPT_AWARD_TOTALS } from './spend-money.sql';
import {
  FACT_LINES,
  LIVE_AWARD_OVERDUE,
  keptOfAward,
  keptOverdueSql,
  QUARTER_MEASURES,
  eachKind,
} from './spend-facts.sql';
import { SPEND_FACTS, totalsSql } from './spend-summary.sql';

// The exports' lines in SQL, read after the round's spend facts (spend-facts.sql.ts): the lists
// they are read from, where each level's lines come from, and the query a cursor streams them
// from in a file's order.

// A quarter's money of both kinds (of those it has) from `quarters` row `q`, as a sum of them is.
const kindsSum = (measure: (typeof QUARTER_MEASURES)[number]) =>
  `(${eachKind((kind) => `coalesce(q.${measure}_${kind}, 0)`, ' + ')})::numeric`;

// The quarter lines of `quarters` (rows as `quarters` holds them), capital and revenue side by
// side, each with its sums of both kinds.
const quarterLinesOf = (quarters: string) => `
    SELECT q.award_id, q.return_id, q.financial_year, q.quarter, q.due_on,
           q.quarter_profile AS profile,
           ${kindsSum('claimed')} AS claimed,
           ${eachKind((kind) => `coalesce(q.claimed_${kind}, 0)::numeric AS claimed_${kind}`)},
           ${kindsSum('approved')} AS approved, ${kindsSum('paid')} AS paid,
           ${kindsSum('forecast')} AS forecast,
           q.overdue, q.csv_version, q.kept_csv
    FROM ${quarters} q`;

// The lists every export's lines are read from, after SPEND_FACTS: each return's quarter line,
// each award's totals and each live award's overdue returns (a cached award's are counted on
// its line: LINE_SOURCES.award).
export const EXPORT_LISTS = `
  quarter_lines AS (${quarterLinesOf('quarters')}
  ),
  live_award_totals AS (${AWARD_TOTALS_OF_LIVE}),
  award_totals AS (SELECT * FROM live_award_totals UNION ALL ${KEPT_AWARD_TOTALS}),
  live_overdue AS (${LIVE_AWARD_OVERDUE})`;

// The columns of the lines worked out as at the moment itself, never kept with an award's facts.
export const MOMENT_LINE_COLUMNS = ['overdue'];

// A level's own lines (`lines`, aliased `alias`), each with its award (`aw`) beside it; for a
// writer that reads the award's fields from elsewhere, its own list alone (`lines`).
const withAward = (lines: string, alias: string) => ({
  from: `${lines} JOIN awards aw ON aw.award_id = ${alias}.award_id`,
  lines,
  awardId: `${alias}.award_id`,
});

// Where each level's lines are read from, with the aliases the column definition's SQL uses (see
// ExportColumn.sql), and the award each belongs to. For the year and quarter lines, also apart
// (`byAward`): the live awards' lines (`live`) and the kept lines of one award (`keptOf`, by its
// id's SQL), for a file read award by award (spendCopy).
export const LINE_SOURCES: Record<
  LineLevel,
  {
    from: string;
    lines?: string;
    byAward?: { live: string; keptOf: (awardId: string) => string };
    awardId: string | null;
  }
> = {
  // Each award with year lines, its totals (`a`) as kept or summed. Read from the awards list (not
  // joined to award_totals, whose size PostgreSQL cannot tell from the awards') so the lines'
  // joins to their awards are planned for one row per award.
  award: {
    from: `awards aw
    LEFT JOIN live_award_totals lt ON lt.award_id = aw.award_id
    CROSS JOIN LATERAL (
      SELECT aw.award_id, ${AWARD_MONEY.map((column) => `CASE WHEN aw.cached THEN aw.kept_${column} ELSE lt.${column} END AS ${column}`).join(',\n             ')}
      WHERE lt.award_id IS NOT NULL OR (aw.cached AND aw.kept_awarded IS NOT NULL)
    ) a
    LEFT JOIN live_overdue lo ON lo.award_id = aw.award_id
    CROSS JOIN LATERAL (
      SELECT CASE WHEN aw.cached THEN ${keptOverdueSql('aw')} ELSE lo.overdue_returns END
        AS overdue_returns
    ) o`,
    awardId: 'a.award_id',
  },
  year: {
    ...withAward('years y', 'y'),
    byAward: {
      live: `(${FACT_LINES.year.live}) y`,
      keptOf: (awardId) => `(${FACT_LINES.year.kept(keptOfAward(awardId))}) y`,
    },
  },
  quarter: {
    ...withAward('quarter_lines q', 'q'),
    byAward: {
      live: `(${quarterLinesOf(`(${FACT_LINES.quarter.live})`)}) q`,
      keptOf: (awardId) =>
        `(${quarterLinesOf(`(${FACT_LINES.quarter.kept(keptOfAward(awardId))})`)}) q`,
    },
  },
  total: { from: `(${totalsSql('award_totals')}) t`, awardId: null },
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
