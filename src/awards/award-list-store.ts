import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../common/access';
import { applySearch, applySort } from '../common/list-query';
import type { ReturnStatus } from '../returns/delivery-return.entity';
import { WITH_BIDDER } from '../returns/return-lifecycle';
import { STANDING_DECISION_SQL } from './award-lifecycle';
import { AWARD_SORT_COLUMNS, type AwardQuery, type AwardStatus } from './award-list.dto';
import { AwardDecision } from './award.entity';

// The awards list's reads (GET /awards): a page of awards with each one's kind totals and next
// return, kept apart from AwardStore's reads and writes of one award.

// An award as the awards list shows it.
export interface ListedAwardRow {
  id: string;
  reference: string;
  bid_id: string;
  bid_title: string;
  organisation_id: string;
  organisation_name: string;
  round_id: string;
  round_code: string;
  status: AwardStatus;
  amount_pence: string;
  capital_pence: string;
  revenue_pence: string;
  published_at: Date | null;
  offer_expires_at: Date | null;
  accepted_at: Date | null;
  next_return: {
    id: string;
    financialYear: string;
    quarter: number;
    periodEndsOn: string;
    dueOn: string;
    status: ReturnStatus;
  } | null;
}

// What the award's lines hold of one kind (capital or revenue), in pence.
const sumOfKind = (kind: string) =>
  `(SELECT coalesce(sum(l.amount_pence), 0) FROM award_lines l
    WHERE l.decision_id = a.id AND l.kind = '${kind}')`;

// The earliest return of the award still with the bidder, as JSON, or null.
const NEXT_RETURN = `(SELECT json_build_object('id', d.id, 'financialYear', d.financial_year,
    'quarter', d.quarter, 'periodEndsOn', d.period_ends_on::text, 'dueOn', d.due_on::text,
    'status', d.status)
  FROM delivery_returns d
  WHERE d.award_id = a.id AND d.status IN (:...withBidder)
  ORDER BY d.due_on, d.period_starts_on LIMIT 1)`;

// Reads the awards list; the caller's transaction (manager).
@Injectable()
export class AwardListStore {
  // A page of the awards list `query` asks for, with the total of the list: one query for the
  // page and one for the count, whatever the page size. An applicant sees their organisation's
  // published awards (as GET /awards/{id}); staff every award.
  async listPage(
    manager: EntityManager,
    viewer: Pick<AuthenticatedUser, 'role' | 'organisationId'>,
    query: AwardQuery,
  ): Promise<{ rows: ListedAwardRow[]; total: number }> {
    const builder = manager
      .createQueryBuilder()
      .from(AwardDecision, 'a')
      .innerJoin('bids', 'b', 'b.id = a.bid_id')
      .innerJoin('organisations', 'o', 'o.id = a.organisation_id')
      .innerJoin('funding_rounds', 'r', 'r.id = a.round_id')
      .select([
        'a.id AS id',
        'b.reference AS reference',
        'a.bid_id AS bid_id',
        'b.title AS bid_title',
        'a.organisation_id AS organisation_id',
        'o.name AS organisation_name',
        'a.round_id AS round_id',
        'r.code AS round_code',
        'a.status AS status',
        'a.amount_pence AS amount_pence',
        `${sumOfKind('capital')} AS capital_pence`,
        `${sumOfKind('revenue')} AS revenue_pence`,
        'a.published_at AS published_at',
        'a.offer_expires_at AS offer_expires_at',
        'a.accepted_at AS accepted_at',
        `${NEXT_RETURN} AS next_return`,
      ])
      .where(`a.outcome = 'award'`)
      .setParameters({ withBidder: WITH_BIDDER })
      .offset(query.offset)
      .limit(query.limit);
    if (viewer.role === 'applicant') {
      builder.andWhere('a.organisation_id = :organisationId AND a.published_at IS NOT NULL', {
        organisationId: viewer.organisationId,
      });
    }
    if (query.roundId) {
      builder.andWhere('a.round_id = :roundId', { roundId: query.roundId });
    }
    if (query.status) {
      builder.andWhere('a.status = :status', { status: query.status });
    } else {
      builder.andWhere(STANDING_DECISION_SQL);
    }
    applySearch(builder, query.q, ['b.reference', 'b.title', 'o.name']);
    applySort(builder, AWARD_SORT_COLUMNS, query.sort, ['a.id']);
    const rows = await builder.getRawMany<ListedAwardRow>();
    const total = await builder.getCount();
    return { rows, total };
  }
}
