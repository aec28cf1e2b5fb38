import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { plainPounds } from '../common/money';
import type { SpendExport } from './spend-export';
import type { SpendTotalDto } from './spend-summary.dto';
import { spreadsheetText } from './spreadsheet-text';

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

// The summary as one CSV in long form: per award a `year` row for each financial year and kind
// (awarded, claimed, approved, paid, forecast, released, remaining) and a `quarter` row for
// each quarter (profile, claimed capital and revenue, approved, paid, forecast, variance,
// overdue); then `total: …` rows for the round, financial year and kind, force area and
// applicant type. Money in pounds with two decimals; every row carries the "as at" moment.
export async function writeSpendCsv(target: string, data: SpendExport): Promise<void> {
  const asAt = data.asAt.toISOString();
  async function* records() {
    for await (const award of data.awards()) {
      const who = [
        award.reference,
        award.organisationName,
        award.forceAreaCode ?? '',
        award.forceAreaName,
        award.applicantType,
        award.status,
      ].map(spreadsheetText);
      for (const line of award.years) {
        yield [asAt, 'year', ...who, line.financialYear, '', line.kind]
          .concat(
            [line.awardedPence, null, line.claimedPence, null, null, line.approvedPence]
              .concat([line.paidPence, line.forecastPence, line.releasedPence, line.remainingPence])
              .map((pence) => (pence === null ? '' : plainPounds(pence))),
          )
          .concat(['', '', award.underspendRisk ? 'yes' : 'no']);
      }
      for (const q of award.quarters) {
        const claimed = q.claimedCapitalPence + q.claimedRevenuePence;
        yield [asAt, 'quarter', ...who, q.financialYear, `Q${q.quarter}`, '']
          .concat(
            [null, q.profilePence, claimed, q.claimedCapitalPence, q.claimedRevenuePence]
              .concat([q.approvedPence, q.paidPence, q.forecastPence, null, null])
              .map((pence) => (pence === null ? '' : plainPounds(pence))),
          )
          .concat([q.variancePercent === null ? '' : String(q.variancePercent)])
          .concat([q.overdue ? 'yes' : 'no', '']);
      }
      await data.tick();
    }
    // The totals: the round, then by financial year and kind, force area and applicant type.
    const total = (level: string, t: SpendTotalDto) =>
      [asAt, `total: ${level}`, '', '']
        .concat([t.forceAreaCode ?? '', t.forceAreaName ?? '', t.applicantType ?? '', ''])
        .concat([t.financialYear ?? '', '', t.kind ?? ''].map(spreadsheetText))
        .concat(
          [t.awardedPence, null, t.claimedPence, null, null, t.approvedPence, t.paidPence]
            .concat([t.forecastPence, t.releasedPence, t.remainingPence])
            .map((pence) => (pence === null ? '' : plainPounds(pence))),
        )
        .concat(['', '', '']);
    yield total('round', data.totals.round);
    for (const t of data.totals.byYearAndKind) {
      yield total('year and kind', t);
    }
    for (const t of data.totals.byForceArea) {
      yield total('force area', t);
    }
    for (const t of data.totals.byApplicantType) {
      yield total('applicant type', t);
    }
  }
  await pipeline(
    Readable.from(records()),
    stringify({ header: true, columns: COLUMNS }),
    createWriteStream(target),
  );
}
