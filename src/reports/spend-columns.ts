import { APPLICANT_TYPE_NAMES } from '../bids/eligibility.rules';
import {
  type Cell,
  type ExportColumn,
  LINE_LEVELS,
  type LineSql,
  REPORT_TABLES,
  sqlLiteral,
} from './export-column';
import {
  spendVariancePercent,
  spendVariancePercentSql,
  underspendRisk,
  underspendRiskSql,
} from './spend-summary.rules';

// Every column of the CSV and Excel spend exports, declared once: the SQL that reads it for each
// kind of line (exportLines() builds its UNION from these), its heading, how it is shown, its
// width in the workbook, and whether the CSV and the workbook carry it. The writers render from
// this list alone; a column added here appears in the query, the CSV and the workbook's sheets,
// and, where it says so (`html`), in the printed report's tables.

// Codes as people read them, here and in the printed report: a status or kind capitalised
// (`active` is "Active"), an applicant type by its name ("Police and Crime Commissioner").
export const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const capitalisedSql = (code: string) => `upper(left(${code}, 1)) || substr(${code}, 2)`;
const labelOf = (labels: Record<string, string>, code: Cell) =>
  code === null ? null : (labels[String(code)] ?? capitalised(String(code)));
const labelOfSql = (labels: Record<string, string>, code: string) =>
  `CASE ${code} ${Object.entries(labels)
    .map(([from, to]) => `WHEN ${sqlLiteral(from)} THEN ${sqlLiteral(to)}`)
    .join(' ')} ELSE ${capitalisedSql(code)} END`;
const APPLICANT_TYPES = Object.fromEntries(
  Object.entries(APPLICANT_TYPE_NAMES).map(([code, name]) => [code, capitalised(name)]),
);
const TOTAL_GROUPS: Record<string, string> = {
  'total: round': 'Round',
  'total: year and kind': 'Financial year and kind',
  'total: force area': 'Force area',
  'total: applicant type': 'Applicant type',
};

// The same SQL on the award, year and quarter lines (who the award is).
const ofAward = (expression: string) => ({
  award: expression,
  year: expression,
  quarter: expression,
});
const AWARD = { ofAward: true } as const;
// Money on the award, year and total lines, and on quarter lines when given.
const money = (key: string, heading: string, quarter?: string, yearSql?: string): ExportColumn => ({
  key,
  heading,
  type: 'pounds',
  width: 16,
  sqlType: 'bigint',
  sql: {
    award: `a.${key}`,
    year: yearSql ?? `y.${key}`,
    total: `t.${key}`,
    ...(quarter ? { quarter } : {}),
  },
  csv: true,
  excel: true,
});
const underspendSql = (award: LineSql['award']) =>
  underspendRiskSql(
    {
      status: award('award_status'),
      awardedPence: award('awarded'),
      claimedPence: award('claimed'),
      forecastPence: award('forecast'),
      releasedPence: award('released'),
      overdueReturns: award('overdue_returns'),
    },
    award('variance_threshold_percent'),
  );
const underspend = (award: (key: string) => Cell) =>
  underspendRisk(
    {
      status: String(award('award_status')),
      awardedPence: Number(award('awarded') ?? 0),
      claimedPence: Number(award('claimed') ?? 0),
      forecastPence: Number(award('forecast') ?? 0),
      releasedPence: Number(award('released') ?? 0),
      overdueReturns: Number(award('overdue_returns') ?? 0),
    },
    Number(award('variance_threshold_percent')),
  );

// The report's tables of the round's totals and subtotals that show the money columns.
const TOTALS_TABLES = ['round', 'byYearAndKind', 'byForceArea', 'byApplicantType'] as const;

export const SPEND_COLUMNS: readonly ExportColumn[] = [
  {
    key: 'as_at',
    heading: 'As at',
    type: 'ukTime',
    width: 28,
    derive: { levels: LINE_LEVELS, value: (line) => line.asAt, sql: (line) => line.asAt },
    csv: true,
    // The workbook names its moment once, above the Summary table.
    excel: false,
  },
  {
    key: 'line',
    heading: 'Level',
    type: 'text',
    width: 22,
    sqlType: 'text',
    sql: {
      award: `'award'`,
      year: `'year'`,
      quarter: `'quarter'`,
      total: `CASE t.level WHEN 'round' THEN 'total: round' WHEN 'yearAndKind' THEN 'total: year and kind'
                           WHEN 'forceArea' THEN 'total: force area' ELSE 'total: applicant type' END`,
    },
    csv: true,
    excel: false,
  },
  {
    key: 'total_group',
    heading: 'Total of',
    type: 'label',
    width: 24,
    derive: {
      levels: ['total'],
      value: (line) => labelOf(TOTAL_GROUPS, line.get('line')),
      sql: (line) => labelOfSql(TOTAL_GROUPS, line.get('line')),
    },
    csv: false,
    excel: true,
  },
  {
    key: 'reference',
    heading: 'Reference',
    type: 'text',
    width: 18,
    sqlType: 'text',
    sql: ofAward('aw.reference'),
    ...AWARD,
    csv: true,
    excel: true,
  },
  {
    key: 'organisation_name',
    heading: 'Organisation',
    type: 'text',
    width: 44,
    sqlType: 'text',
    sql: ofAward('aw.organisation_name'),
    ...AWARD,
    csv: true,
    excel: true,
  },
  {
    key: 'force_area_code',
    heading: 'Force area code',
    type: 'text',
    width: 14,
    sqlType: 'text',
    sql: { ...ofAward('aw.force_area_code'), total: 't.force_area_code' },
    ...AWARD,
    csv: true,
    excel: false,
  },
  {
    key: 'force_area_name',
    heading: 'Force area',
    type: 'text',
    width: 22,
    sqlType: 'text',
    sql: {
      ...ofAward('aw.force_area_name'),
      total: `CASE WHEN t.level = 'forceArea' THEN t.force_area_name END`,
    },
    ...AWARD,
    csv: true,
    excel: true,
    html: ['byForceArea'],
  },
  {
    key: 'applicant_type',
    heading: 'Applicant type code',
    type: 'text',
    width: 14,
    sqlType: 'text',
    sql: { ...ofAward('aw.applicant_type'), total: 't.applicant_type' },
    ...AWARD,
    csv: true,
    excel: false,
  },
  {
    key: 'applicant_type_name',
    heading: 'Applicant type',
    type: 'label',
    width: 30,
    derive: {
      levels: LINE_LEVELS,
      value: (line) => labelOf(APPLICANT_TYPES, line.get('applicant_type')),
      sql: (line) => labelOfSql(APPLICANT_TYPES, line.get('applicant_type')),
    },
    ...AWARD,
    csv: true,
    excel: true,
    html: ['byApplicantType'],
  },
  {
    key: 'award_status',
    heading: 'Award status',
    type: 'label',
    width: 13,
    sqlType: 'text',
    sql: ofAward('aw.award_status'),
    ...AWARD,
    label: capitalised,
    labelSql: capitalisedSql,
    csv: true,
    excel: true,
  },
  {
    key: 'variance_threshold_percent',
    heading: 'Variance threshold (%)',
    type: 'count',
    width: 10,
    sqlType: 'int',
    sql: ofAward('aw.variance_threshold_percent'),
    ...AWARD,
    csv: false,
    excel: false,
  },
  {
    key: 'financial_year',
    heading: 'Financial year',
    type: 'text',
    width: 14,
    sqlType: 'text',
    sql: { year: 'y.financial_year', quarter: 'q.financial_year', total: 't.financial_year' },
    csv: true,
    excel: true,
    html: ['byYearAndKind', 'roundQuarters', 'awardQuarters'],
  },
  {
    key: 'quarter',
    heading: 'Quarter',
    type: 'text',
    width: 9,
    sqlType: 'text',
    sql: { quarter: `'Q' || q.quarter` },
    csv: true,
    excel: true,
    html: ['roundQuarters', 'awardQuarters'],
  },
  {
    key: 'return_due',
    heading: 'Return due',
    type: 'date',
    width: 13,
    sqlType: 'text',
    sql: { quarter: `to_char(q.due_on, 'YYYY-MM-DD')` },
    csv: true,
    excel: true,
  },
  {
    key: 'kind',
    heading: 'Kind',
    type: 'label',
    width: 10,
    sqlType: 'text',
    sql: { year: 'y.kind', total: 't.kind' },
    label: capitalised,
    labelSql: capitalisedSql,
    csv: true,
    excel: true,
    html: ['byYearAndKind'],
  },
  {
    key: 'awards',
    heading: 'Awards',
    type: 'count',
    width: 9,
    sqlType: 'bigint',
    sql: { total: 't.awards' },
    csv: true,
    excel: true,
    html: ['round', 'byForceArea', 'byApplicantType'],
  },
  { ...money('awarded', 'Awarded (£)'), html: [...TOTALS_TABLES] },
  {
    key: 'profile',
    heading: 'Profile (£)',
    type: 'pounds',
    width: 16,
    sqlType: 'bigint',
    sql: { quarter: 'q.profile' },
    csv: true,
    excel: true,
    html: ['roundQuarters', 'awardQuarters'],
  },
  { ...money('claimed', 'Claimed (£)', 'q.claimed'), html: [...TOTALS_TABLES, 'roundQuarters'] },
  ...(['capital', 'revenue'] as const).map((kind): ExportColumn => ({
    key: `claimed_${kind}`,
    heading: `Claimed ${kind} (£)`,
    type: 'pounds',
    width: 16,
    sqlType: 'bigint',
    sql: { quarter: `q.claimed_${kind}` },
    csv: true,
    excel: true,
    html: ['awardQuarters'],
  })),
  { ...money('approved', 'Approved (£)', 'q.approved'), html: REPORT_TABLES },
  { ...money('paid', 'Paid (£)', 'q.paid'), html: REPORT_TABLES },
  { ...money('forecast', 'Forecast (£)', 'q.forecast'), html: ['round', 'awardQuarters'] },
  { ...money('released', 'Released (£)'), html: ['round', 'byYearAndKind'] },
  {
    ...money('remaining', 'Remaining (£)', undefined, 'y.awarded - y.approved - y.released'),
    html: ['round', 'byYearAndKind'],
  },
  {
    key: 'variance',
    heading: 'Variance (%)',
    type: 'percent',
    width: 12,
    derive: {
      levels: ['quarter'],
      value: (line) =>
        spendVariancePercent(Number(line.get('profile') ?? 0), Number(line.get('claimed') ?? 0)),
      sql: (line) => spendVariancePercentSql(line.get('profile'), line.get('claimed')),
    },
    csv: true,
    excel: true,
    html: ['awardQuarters'],
  },
  {
    key: 'overdue',
    heading: 'Overdue',
    type: 'flag',
    width: 9,
    sqlType: 'boolean',
    sql: { quarter: 'q.overdue' },
    csv: true,
    excel: true,
    html: ['awardQuarters'],
  },
  {
    key: 'overdue_returns',
    heading: 'Overdue returns',
    type: 'count',
    width: 15,
    sqlType: 'bigint',
    sql: { award: 'coalesce(o.overdue_returns, 0)' },
    csv: false,
    excel: true,
  },
  {
    key: 'underspend_risk',
    heading: 'Underspend risk',
    type: 'flag',
    width: 15,
    derive: {
      levels: ['award', 'year', 'quarter'],
      value: (line) => (line.award ? underspend(line.award) : null),
      sql: (line) => underspendSql(line.award),
      perAward: true,
    },
    ...AWARD,
    csv: true,
    excel: true,
  },
];
