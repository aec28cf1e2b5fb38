import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../common/access';
import { formatLondonZoned, londonDateOf } from '../common/london-time';
import type { Page } from '../common/pagination';
import { quarterLabel } from '../returns/return-lifecycle';
import { readStatus } from '../returns/return-schedule.rules';
import { offerLapsed } from './award.rules';
import type { AwardQuery, AwardSummaryDto } from './award-list.dto';
import { AwardListStore, type ListedAwardRow } from './award-list-store';

// GET /awards: the page AwardListStore.listPage reads for the user, each award as a summary at `now`.
@Injectable()
export class AwardList {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: AwardListStore,
  ) {}

  async list(
    user: AuthenticatedUser,
    query: AwardQuery,
    now = new Date(),
  ): Promise<Page<AwardSummaryDto>> {
    const today = londonDateOf(now);
    const { rows, total } = await this.store.listPage(this.dataSource.manager, user, query);
    return {
      items: rows.map((row) => toSummary(row, now, today)),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }
}

function toSummary(row: ListedAwardRow, now: Date, today: string): AwardSummaryDto {
  const next = row.next_return;
  return {
    id: row.id,
    reference: row.reference,
    bidId: row.bid_id,
    bidTitle: row.bid_title,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    roundId: row.round_id,
    roundCode: row.round_code,
    status: row.status,
    amountPence: Number(row.amount_pence),
    capitalPence: Number(row.capital_pence),
    revenuePence: Number(row.revenue_pence),
    publishedAt: row.published_at,
    offerExpiresAt: row.offer_expires_at,
    offerExpiresUkTime: row.offer_expires_at ? formatLondonZoned(row.offer_expires_at) : null,
    offerLapsed: offerLapsed({ status: row.status, offerExpiresAt: row.offer_expires_at }, now),
    acceptedAt: row.accepted_at,
    nextReturn: next
      ? {
          id: next.id,
          quarterLabel: quarterLabel(next),
          financialYear: next.financialYear,
          quarter: next.quarter,
          dueOn: next.dueOn,
          ...readStatus(next, today),
        }
      : null,
  };
}
