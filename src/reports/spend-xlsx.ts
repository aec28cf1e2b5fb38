import ExcelJS from 'exceljs';
import type { SpendTotalDto } from './spend-summary.dto';
import type { SpendExport } from './spend-export';

const MONEY = '"£"#,##0.00';

interface Column {
  header: string;
  key: string;
  width: number;
  money?: boolean;
}

const money = (header: string, key: string): Column => ({ header, key, width: 16, money: true });
const MONEY_COLUMNS = [
  money('Awarded', 'awardedPence'),
  money('Claimed', 'claimedPence'),
  money('Approved', 'approvedPence'),
  money('Paid', 'paidPence'),
  money('Forecast', 'forecastPence'),
  money('Released', 'releasedPence'),
  money('Remaining', 'remainingPence'),
];
const WHO: Column[] = [
  { header: 'Reference', key: 'reference', width: 18 },
  { header: 'Organisation', key: 'organisationName', width: 44 },
  { header: 'Force area', key: 'forceAreaName', width: 22 },
  { header: 'Applicant type', key: 'applicantType', width: 16 },
];

// A sheet with a frozen, bold header row; money cells hold pounds as numbers shown as £.
function sheet(book: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: Column[]) {
  const worksheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.columns = columns.map(({ header, key, width, money: isMoney }) => ({
    header,
    key,
    width,
    ...(isMoney ? { style: { numFmt: MONEY } } : {}),
  }));
  worksheet.getRow(1).font = { bold: true };
  const write = (values: Record<string, unknown>) => {
    const row: Record<string, unknown> = {};
    for (const column of columns) {
      const value = values[column.key];
      row[column.key] = column.money && typeof value === 'number' ? value / 100 : value;
    }
    worksheet.addRow(row).commit();
  };
  return { worksheet, write };
}

// The summary as a workbook, streamed to disk sheet by sheet: Summary (the round, then by
// financial year and kind, force area and applicant type, and the "as at" moment), Awards,
// Years (award × financial year × kind) and Quarters (award × quarter).
export async function writeSpendXlsx(target: string, data: SpendExport): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: target, useStyles: true });
  book.creator = 'Safer Streets grants';
  book.created = data.asAt;
  book.title = `${data.round.name}: spend as at ${data.asAtLondon}`;

  const summary = sheet(book, 'Summary', [
    { header: 'Group', key: 'group', width: 26 },
    { header: 'Name', key: 'name', width: 30 },
    { header: 'Awards', key: 'awards', width: 10 },
    ...MONEY_COLUMNS,
  ]);
  const totalRow = (group: string, name: string, t: SpendTotalDto) =>
    summary.write({ group, name, ...t });
  totalRow('Round', `${data.round.code} ${data.round.name}`, data.totals.round);
  for (const t of data.totals.byYearAndKind) {
    totalRow('Financial year and kind', `${t.financialYear ?? ''} ${t.kind ?? ''}`, t);
  }
  for (const t of data.totals.byForceArea) {
    totalRow('Force area', t.forceAreaName ?? '', t);
  }
  for (const t of data.totals.byApplicantType) {
    totalRow('Applicant type', t.applicantType ?? '', t);
  }
  summary.write({ group: 'As at (UK time)', name: data.asAtLondon });
  summary.worksheet.commit();

  const awards = sheet(book, 'Awards', [
    ...WHO,
    { header: 'Status', key: 'status', width: 12 },
    ...MONEY_COLUMNS,
    { header: 'Overdue returns', key: 'overdueReturns', width: 16 },
    { header: 'Underspend risk', key: 'underspendRisk', width: 16 },
  ]);
  for await (const award of data.awards()) {
    awards.write({ ...award, underspendRisk: award.underspendRisk ? 'yes' : 'no' });
    await data.tick();
  }
  awards.worksheet.commit();

  const years = sheet(book, 'Years', [
    ...WHO,
    { header: 'Financial year', key: 'financialYear', width: 14 },
    { header: 'Kind', key: 'kind', width: 10 },
    ...MONEY_COLUMNS,
  ]);
  for await (const award of data.awards()) {
    for (const line of award.years) {
      years.write({ ...award, ...line });
    }
    await data.tick();
  }
  years.worksheet.commit();

  const quarters = sheet(book, 'Quarters', [
    ...WHO,
    { header: 'Financial year', key: 'financialYear', width: 14 },
    { header: 'Quarter', key: 'quarter', width: 9 },
    money('Profile', 'profilePence'),
    money('Claimed capital', 'claimedCapitalPence'),
    money('Claimed revenue', 'claimedRevenuePence'),
    money('Approved', 'approvedPence'),
    money('Paid', 'paidPence'),
    money('Forecast', 'forecastPence'),
    { header: 'Variance %', key: 'variancePercent', width: 11 },
    { header: 'Overdue', key: 'overdue', width: 9 },
  ]);
  for await (const award of data.awards()) {
    for (const q of award.quarters) {
      quarters.write({
        ...award,
        ...q,
        quarter: `Q${q.quarter}`,
        overdue: q.overdue ? 'yes' : 'no',
      });
    }
    await data.tick();
  }
  quarters.worksheet.commit();
  await book.commit();
}
