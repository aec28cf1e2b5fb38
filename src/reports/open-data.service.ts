import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CSV_BOM, csvRecord } from './spreadsheet-text';
import {
  CSV_COLUMNS,
  FUNDER,
  type Grant,
  GRANT_PREFIX,
  grantOf,
  OPEN_GOVERNMENT_LICENCE,
  type OpenDataAward,
} from './open-data.rules';
import { commonError } from '../common/common.errors';
import { publishedRoundSql } from '../rounds/round-lifecycle';
import { PAYMENT_MADE_SQL } from '../returns/return-lifecycle';

export interface GrantPackage {
  version: string;
  title: string;
  description: string;
  identifier: string;
  issued: string;
  publisher: { identifier: string; name: string };
  license: string;
  grants: Grant[];
}

// The round's accepted awards (active or completed: never offers, declines or withdrawals), in
// reference order, with what has been paid.
const ACCEPTED_AWARDS = `
  SELECT b.reference, b.title, b.summary, b.requested_pence::text AS requested_pence,
         a.amount_pence::text AS awarded_pence,
         (SELECT coalesce(sum(p.amount_pence), 0)::text FROM return_payments p
          WHERE p.award_id = a.id AND ${PAYMENT_MADE_SQL}) AS paid_pence,
         to_char(a.published_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS award_date,
         o.id AS organisation_id, o.name AS organisation_name, o.charity_number, o.company_number,
         fa.code AS force_area_code, fa.name AS force_area_name,
         r.code AS round_code, r.name AS round_name, r.award_type,
         r.delivery_starts_on::text AS delivery_starts_on,
         r.delivery_ends_on::text AS delivery_ends_on
  FROM award_decisions a
  JOIN funding_rounds r ON r.id = a.round_id
  JOIN bids b ON b.id = a.bid_id
  JOIN organisations o ON o.id = a.organisation_id
  LEFT JOIN police_force_areas fa ON fa.code = coalesce(b.force_area_code, o.force_area_code)
  WHERE upper(r.code) = upper($1) AND a.outcome = 'award' AND a.published_at IS NOT NULL
    AND a.status IN ('active', 'completed')
  ORDER BY b.reference`;

type AwardRow = Record<
  | 'reference'
  | 'title'
  | 'summary'
  | 'requested_pence'
  | 'awarded_pence'
  | 'paid_pence'
  | 'award_date'
  | 'organisation_id'
  | 'organisation_name'
  | 'round_code'
  | 'round_name'
  | 'award_type'
  | 'delivery_starts_on'
  | 'delivery_ends_on',
  string
> &
  Record<
    'charity_number' | 'company_number' | 'force_area_code' | 'force_area_name',
    string | null
  >;

function toAward(row: AwardRow): OpenDataAward {
  return {
    reference: row.reference,
    title: row.title,
    summary: row.summary,
    requestedPence: Number(row.requested_pence),
    awardedPence: Number(row.awarded_pence),
    paidPence: Number(row.paid_pence),
    awardDate: row.award_date,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    charityNumber: row.charity_number,
    companyNumber: row.company_number,
    forceAreaCode: row.force_area_code,
    forceAreaName: row.force_area_name,
    roundCode: row.round_code,
    roundName: row.round_name,
    competitive: row.award_type === 'competitive',
    deliveryStartsOn: row.delivery_starts_on,
    deliveryEndsOn: row.delivery_ends_on,
  };
}

// A round's accepted awards published as a 360Giving data package, as JSON or CSV.
@Injectable()
export class OpenDataService {
  constructor(private readonly dataSource: DataSource) {}

  async package(roundCode: string, now = new Date()): Promise<GrantPackage> {
    const rows = await this.dataSource.query<AwardRow[]>(ACCEPTED_AWARDS, [roundCode]);
    if (rows.length === 0) {
      const round = await this.dataSource.query<unknown[]>(
        `SELECT 1 FROM funding_rounds r WHERE upper(r.code) = upper($1) AND ${publishedRoundSql('r')}`,
        [roundCode],
      );
      throw commonError('not-found', {
        message:
          round.length === 0
            ? `There is no published round with the code ${roundCode}.`
            : `Round ${roundCode} has no accepted awards to publish yet.`,
      });
    }
    return {
      version: '1.4',
      title: `${rows[0].round_name}: grants awarded`,
      description: `Grants of the Home Office's ${rows[0].round_name} accepted by their recipients, with the amounts paid so far.`,
      identifier: `${GRANT_PREFIX}-${rows[0].round_code}`,
      issued: now.toISOString(),
      publisher: { identifier: FUNDER.id, name: FUNDER.name },
      license: OPEN_GOVERNMENT_LICENCE,
      grants: rows.map((row) => grantOf(toAward(row))),
    };
  }

  // Every text field quoted and guarded against formulas (csvRecord), amounts as numbers; with
  // the byte-order mark and CRLF line ends, as every CSV we write.
  async csv(roundCode: string): Promise<string> {
    const { grants } = await this.package(roundCode);
    return [
      CSV_BOM,
      csvRecord(CSV_COLUMNS.map(([title]) => title)),
      ...grants.map((grant) => csvRecord(CSV_COLUMNS.map(([, value]) => value(grant)))),
    ].join('');
  }
}
