import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../common/access';
import { applySearch, applySort } from '../common/list-query';
import { preparedQuery } from '../database/prepared-query';
import { submittedBidSql } from './bid-lifecycle';
import { BID_SORT_COLUMNS, type BidQuery } from './bid.dto';
import { Bid } from './bid.entity';
import type { LoadedBid } from './loaded-bid';
import { type WholeBidRaw, wholeBidFromRow, wholeBidsSql } from './whole-bid-sql';

// Pages of whole bids, as a viewer may list them, in one query whatever the page's size.
@Injectable()
export class BidListStore {
  // The page of `query` among the bids `viewer` may read (as mayRead decides for one bid),
  // with the total of the list.
  async loadVisiblePage(
    manager: EntityManager,
    viewer: Pick<AuthenticatedUser, 'role' | 'organisationId'>,
    query: BidQuery,
  ): Promise<{ bids: LoadedBid[]; total: number }> {
    const builder = manager
      .createQueryBuilder(Bid, 'b')
      .innerJoin('organisations', 'o', 'o.id = b.organisation_id')
      .select('b.id', 'id')
      .addSelect('count(*) OVER ()', 'total');
    applySort(builder, BID_SORT_COLUMNS, query.sort, ['b.reference', 'b.id']);
    if (viewer.role !== 'applicant') {
      builder.where(submittedBidSql('b'));
    } else {
      // The viewer's own bids, and for a PCC office the submitted bids of its force area (as
      // mayRead decides for one bid), the area read in the same query.
      builder.where(
        `(b.organisation_id = :own OR (b.force_area_code = (SELECT pcc.force_area_code
           FROM organisations pcc WHERE pcc.id = :own AND pcc.type = 'pcc') AND ${submittedBidSql('b')}))`,
        { own: viewer.organisationId },
      );
    }
    const filters: [keyof BidQuery, string][] = [
      ['roundId', 'round_id'],
      ['status', 'status'],
      ['organisationId', 'organisation_id'],
      ['forceAreaCode', 'force_area_code'],
      ['applicantType', 'applicant_type'],
    ];
    for (const [field, column] of filters) {
      if (query[field] !== undefined) {
        builder.andWhere(`b.${column} = :${field}`, { [field]: query[field] });
      }
    }
    applySearch(builder, query.q, ['b.reference', 'b.title', 'o.name']);
    const page = await this.loadPage(manager, builder.getQueryAndParameters(), query);
    // A page past the end has no row to carry the total: only then is it counted apart.
    const total = page.total ?? (query.offset > 0 ? await builder.getCount() : 0);
    return { bids: page.bids, total };
  }

  // A page of whole bids in one query: `list` (SQL and its values) selects the list's bid ids
  // in order, each with the total count of the list (`id`, `total`); `page` says which of them.
  // An empty page has no row to carry the total: its total is null.
  private async loadPage(
    manager: EntityManager,
    list: [string, unknown[]],
    page: { limit: number; offset: number },
  ): Promise<{ bids: LoadedBid[]; total: number | null }> {
    // The limit and offset as values, so that every page is one prepared statement.
    const values = [...list[1], page.limit, page.offset];
    const sql = `${list[0]} LIMIT $${values.length - 1} OFFSET $${values.length}`;
    // Materialised, the page keeps the order of its ORDER BY for row_number() to number.
    const rows = await preparedQuery<WholeBidRaw & { page_total: string }>(
      manager,
      `WITH page AS MATERIALIZED (${sql}),
            ranked AS (SELECT id, total, row_number() OVER () AS n FROM page)
       ${wholeBidsSql(manager, 'ranked JOIN bids bid ON bid.id = ranked.id', ', ranked.total AS page_total')}
       ORDER BY ranked.n`,
      values,
    );
    return {
      bids: rows.map((row) => wholeBidFromRow(manager, row)),
      total: rows.length > 0 ? Number(rows[0].page_total) : null,
    };
  }
}
