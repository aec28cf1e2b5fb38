import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { underspendRisk } from './spend-summary.rules';
import { type ExportLine, LINE, type SpendLines } from './spend-export';
import { variance } from '../returns/return.rules';
import { csvRecord, csvText } from './spreadsheet-text';

const COLUMNS = [
  'As at',
  'Level',
  'Reference',
  'Organisation',
  'Force area code',
  'Force area',
  'Applicant type',
  'Award status',
  'Financial year',
  'Quarter',
  'Kind',
  'Awarded (£)',
  'Profile (£)',
  'Claimed (£)',
  'Claimed capital (£)',
  'Claimed revenue (£)',
  'Approved (£)',
  'Paid (£)',
  'Forecast (£)',
  'Released (£)',
  'Remaining (£)',
  'Variance (%)',
  'Overdue',
  'Underspend risk',
];

// Pence as PostgreSQL sends bigint and numeric, a string of digits, as pounds with two decimals
// ("-5" is "-0.05"); none (a total over nothing) is 0.00.
export function pounds(pence: string | number | boolean | null): string {
  if (pence === null) {
    return '0.00';
  }
  const text = String(pence);
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

// Text cells (quoted and guarded, see csvText); an absent value is an empty field.
const text = (value: string | number | boolean | null) =>
  value === null ? '' : csvText(String(value));
const YES = csvText('yes');
const NO = csvText('no');
const pence = (value: string | number | boolean | null) => Number(value ?? 0);

// The summary as one CSV in long form: per award a `year` row for each financial year and kind
// (awarded, claimed, approved, paid, forecast, released, remaining) and a `quarter` row for
// each quarter (profile, claimed capital and revenue, approved, paid, forecast, variance,
// overdue); then `total: …` rows for the round, financial year and kind, force area and
// applicant type. Money in pounds with two decimals, every text field quoted and guarded
// against formulas (csvText); every row carries the "as at" moment.
// Written as the lines come from the cursor, a buffer's worth at a time.
export async function writeSpendCsv(target: string, data: SpendLines): Promise<void> {
  const asAt = csvText(data.asAt.toISOString());
  let who = '';
  let underspend = NO;
  let count = 0;
  let buffer = csvRecord(COLUMNS);

  // One line of the file, or '' for an award's own line, which the rows after it describe.
  const format = (line: ExportLine): string => {
    const money = (name: keyof typeof LINE) => pounds(line[LINE[name]]);
    const kind = line[LINE.line] as string;
    if (kind === 'award') {
      who = [
        line[LINE.reference],
        line[LINE.organisation_name],
        line[LINE.force_area_code],
        line[LINE.force_area_name],
        line[LINE.applicant_type],
        line[LINE.award_status],
      ]
        .map(text)
        .join(',');
      const risk = underspendRisk(
        {
          status: line[LINE.award_status] as string,
          awardedPence: pence(line[LINE.awarded]),
          claimedPence: pence(line[LINE.claimed]),
          forecastPence: pence(line[LINE.forecast]),
          releasedPence: pence(line[LINE.released]),
          overdueReturns: Number(line[LINE.overdue_returns] ?? 0),
        },
        Number(line[LINE.variance_threshold_percent]),
      );
      underspend = risk ? YES : NO;
      return '';
    }
    if (kind === 'year') {
      return (
        `${asAt},${text('year')},${who},${text(line[LINE.financial_year])},,` +
        `${text(line[LINE.kind])},${money('awarded')},,${money('claimed')},,,` +
        `${money('approved')},${money('paid')},${money('forecast')},${money('released')},` +
        `${money('remaining')},,,${underspend}\n`
      );
    }
    if (kind === 'quarter') {
      const profile = pence(line[LINE.profile]);
      const claimed = pence(line[LINE.claimed]);
      const threshold = Number(line[LINE.variance_threshold_percent]);
      const percent = claimed > 0 ? variance(profile, claimed, threshold).percent : null;
      return (
        `${asAt},${text('quarter')},${who},${text(line[LINE.financial_year])},` +
        `${text(`Q${String(line[LINE.quarter])}`)},,,${money('profile')},${money('claimed')},` +
        `${money('claimed_capital')},${money('claimed_revenue')},${money('approved')},` +
        `${money('paid')},${money('forecast')},,,${percent === null ? '' : percent},` +
        `${line[LINE.overdue] ? YES : NO},\n`
      );
    }
    // A total: the round, or by financial year and kind, force area or applicant type.
    const name = kind === 'total: force area' ? text(line[LINE.force_area_name]) : '';
    return (
      `${asAt},${text(kind)},,,${text(line[LINE.force_area_code])},${name},` +
      `${text(line[LINE.applicant_type])},,${text(line[LINE.financial_year])},,` +
      `${text(line[LINE.kind])},${money('awarded')},,${money('claimed')},,,` +
      `${money('approved')},${money('paid')},${money('forecast')},${money('released')},` +
      `${money('remaining')},,,\n`
    );
  };

  const csv = new Transform({
    writableObjectMode: true,
    transform(line: ExportLine, _encoding, done) {
      buffer += format(line);
      count += 1;
      const flush = buffer.length >= 65_536;
      const chunk = flush ? buffer : undefined;
      if (flush) {
        buffer = '';
      }
      const progress = data.tick(count);
      if (progress) {
        progress.then(() => done(null, chunk), done);
      } else {
        done(null, chunk);
      }
    },
    flush(done) {
      done(null, buffer);
    },
  });
  await pipeline(data.lines, csv, createWriteStream(target));
}
