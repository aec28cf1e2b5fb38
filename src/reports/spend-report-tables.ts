import {
  type Cell,
  cellOf,
  type ColumnType,
  type ExportColumn,
  type LineContext,
  type ReportTable,
  reportHeading,
  reportText,
} from './export-column';
import type { QuarterTotal } from './spend-export';
import type {
  SpendAwardDto,
  SpendMoneyDto,
  SpendQuarterDto,
  SpendTotalDto,
  SpendTotalsDto,
} from './spend-summary.dto';

// The printed report's tables written from the column definition (spend-columns.ts): each table
// shows the columns whose `html` names it, in the definition's order, with the report's headings
// and the type's text (reportHeading, reportText). The report reads the same figures as the JSON
// summary (its DTOs); below is the one place a DTO's fields are given the columns' keys, so a
// derived column is worked out as for the files. A column read from the database that the
// summary does not carry has no value here: the report refuses to be written and names it.

// What a template loops over: header cells, then rows of cells, the text ready to print.
export interface ReportCell {
  text: string;
  // Figures are set right, under a heading set right.
  number: boolean;
  // The cells in words a row starts with name it (a force area; a financial year and kind).
  rowHeader: boolean;
}
export interface ReportTableCells {
  headings: { text: string; number: boolean }[];
  rows: ReportCell[][];
}

const NUMBERS: ReadonlySet<ColumnType> = new Set(['pounds', 'percent', 'count']);
const WORDS: ReadonlySet<ColumnType> = new Set(['text', 'label']);

const moneyValues = (money: SpendMoneyDto): Record<string, Cell> => ({
  awarded: money.awardedPence,
  claimed: money.claimedPence,
  approved: money.approvedPence,
  paid: money.paidPence,
  forecast: money.forecastPence,
  released: money.releasedPence,
  remaining: money.remainingPence,
});

function totalValues(total: SpendTotalDto): Record<string, Cell> {
  return {
    ...moneyValues(total),
    awards: total.awards,
    force_area_code: total.forceAreaCode ?? null,
    force_area_name: total.forceAreaName ?? null,
    applicant_type: total.applicantType ?? null,
    financial_year: total.financialYear ?? null,
    kind: total.kind ?? null,
  };
}

// Who an award is: on its own line and, as in the files, on each of its quarters.
const awardWho = (award: SpendAwardDto): Record<string, Cell> => ({
  reference: award.reference,
  organisation_name: award.organisationName,
  force_area_code: award.forceAreaCode,
  force_area_name: award.forceAreaName,
  applicant_type: award.applicantType,
  award_status: award.status,
});

const awardValues = (award: SpendAwardDto): Record<string, Cell> => ({
  ...awardWho(award),
  ...moneyValues(award),
  overdue_returns: award.overdueReturns,
});

// A quarter is named as the files name it ('Q' and its number).
const quarterName = (quarter: number) => `Q${quarter}`;

function awardQuarterValues(award: SpendAwardDto, quarter: SpendQuarterDto): Record<string, Cell> {
  return {
    ...awardWho(award),
    financial_year: quarter.financialYear,
    quarter: quarterName(quarter.quarter),
    profile: quarter.profilePence,
    claimed: quarter.claimedCapitalPence + quarter.claimedRevenuePence,
    claimed_capital: quarter.claimedCapitalPence,
    claimed_revenue: quarter.claimedRevenuePence,
    approved: quarter.approvedPence,
    paid: quarter.paidPence,
    forecast: quarter.forecastPence,
    overdue: quarter.overdue,
  };
}

const roundQuarterValues = (quarter: QuarterTotal): Record<string, Cell> => ({
  financial_year: quarter.financialYear,
  quarter: quarterName(quarter.quarter),
  profile: quarter.profilePence,
  claimed: quarter.claimedPence,
  approved: quarter.approvedPence,
  paid: quarter.paidPence,
});

// Reading a line's values by key, as a derived column does; a key the summary lacks stops the
// report with the column's name rather than printing a blank.
function reader(table: ReportTable, values: Record<string, Cell>): (key: string) => Cell {
  return (key) => {
    if (!Object.hasOwn(values, key)) {
      throw new Error(
        `The printed report's ${table} table has no value for the column ${key}: the spend summary does not carry it (see spend-report-tables.ts)`,
      );
    }
    return values[key];
  };
}

// The report's tables for one column list and moment.
export class ReportTables {
  private readonly shown: Record<ReportTable, ExportColumn[]>;

  constructor(
    columns: readonly ExportColumn[],
    private readonly asAt: Date,
  ) {
    const on = (table: ReportTable) => columns.filter((column) => column.html?.includes(table));
    this.shown = {
      round: on('round'),
      byYearAndKind: on('byYearAndKind'),
      byForceArea: on('byForceArea'),
      byApplicantType: on('byApplicantType'),
      roundQuarters: on('roundQuarters'),
      awardQuarters: on('awardQuarters'),
    };
  }

  // The round's totals and subtotals (one table each), and its quarters.
  totals(
    totals: SpendTotalsDto,
    quarters: QuarterTotal[],
  ): Record<Exclude<ReportTable, 'awardQuarters'>, ReportTableCells> {
    const of = (table: ReportTable, lines: Record<string, Cell>[]) =>
      this.table(table, lines, null);
    return {
      round: of('round', [totalValues(totals.round)]),
      byYearAndKind: of('byYearAndKind', totals.byYearAndKind.map(totalValues)),
      byForceArea: of('byForceArea', totals.byForceArea.map(totalValues)),
      byApplicantType: of('byApplicantType', totals.byApplicantType.map(totalValues)),
      roundQuarters: of('roundQuarters', quarters.map(roundQuarterValues)),
    };
  }

  // An award's quarters.
  awardQuarters(award: SpendAwardDto): ReportTableCells {
    return this.table(
      'awardQuarters',
      award.quarters.map((quarter) => awardQuarterValues(award, quarter)),
      reader('awardQuarters', awardValues(award)),
    );
  }

  private table(
    table: ReportTable,
    lines: Record<string, Cell>[],
    award: LineContext['award'],
  ): ReportTableCells {
    const columns = this.shown[table];
    // (A table all in words is named by its first column.)
    const figures = columns.findIndex((column) => !WORDS.has(column.type));
    const naming = figures === -1 ? Math.min(1, columns.length) : figures;
    return {
      headings: columns.map((column) => ({
        text: reportHeading(column),
        number: NUMBERS.has(column.type),
      })),
      rows: lines.map((values) => {
        const line: LineContext = { get: reader(table, values), award, asAt: this.asAt };
        return columns.map((column, index) => ({
          text: reportText(column.type, cellOf(column, line)),
          number: NUMBERS.has(column.type),
          rowHeader: index < naming,
        }));
      }),
    };
  }
}
