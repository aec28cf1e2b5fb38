import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { columnsSql, entityFromRow } from '../database/entity-rows';
import { effectiveClosesAtSql } from '../rounds/round-deadlines';
import { Bid } from './bid.entity';
import { BidCostLine, BidIntervention, BidMatchFunding } from './bid-lines.entity';
import type { LoadedBid } from './loaded-bid';

// How BidStore reads a bid whole, in SQL: the bid's own columns, its round's and organisation's
// names, its own close time and each list of its lines as JSON; and the LoadedBid made of a row.

// Each list of a bid's lines as a JSON array of objects shaped like its entity (amounts are
// bigint, which JSON carries as numbers), for the bid `bid` of the surrounding query.
export const BID_LINES_JSON = {
  costLines: `(SELECT coalesce(json_agg(json_build_object(
      'financialYear', l.financial_year, 'kind', l.kind, 'amountPence', l.amount_pence)
      ORDER BY l.financial_year, l.kind), '[]')
    FROM bid_cost_lines l WHERE l.bid_id = bid.id)`,
  matchFunding: `(SELECT coalesce(json_agg(json_build_object(
      'id', l.id, 'position', l.position, 'source', l.source, 'kind', l.kind,
      'amountPence', l.amount_pence) ORDER BY l.position), '[]')
    FROM bid_match_funding l WHERE l.bid_id = bid.id)`,
  interventions: `(SELECT coalesce(json_agg(json_build_object(
      'id', l.id, 'position', l.position, 'category', l.category, 'type', l.type,
      'description', l.description, 'evidence', l.evidence, 'costPence', l.cost_pence,
      'outputMeasure', l.output_measure, 'outputTarget', l.output_target) ORDER BY l.position), '[]')
    FROM bid_interventions l WHERE l.bid_id = bid.id)`,
};

export interface BidLinesRaw {
  cost_lines: Omit<BidCostLine, 'bidId'>[];
  match_funding: Omit<BidMatchFunding, 'bidId'>[];
  interventions: Omit<BidIntervention, 'bidId'>[];
}

// Bids read whole with plain SQL (they serve every page of bids): the bids `bid` of `from`
// with their round's and organisation's names, and each list of lines gathered into JSON by
// its own subquery. Joining the lists together instead would return the product of their
// lengths (4 cost lines, 50 match-funding lines and 50 interventions: 10,000 rows, each with
// the whole bid).
export function wholeBidsSql(manager: EntityManager, from: string, more = ''): string {
  return `SELECT ${columnsSql(manager, Bid, 'bid')}, r.code AS round_code, r.name AS round_name, o.name AS organisation_name,
      ${effectiveClosesAtSql('r', 'bid.organisation_id')} AS own_closes_at,
      ${BID_LINES_JSON.costLines} AS cost_lines,
      ${BID_LINES_JSON.matchFunding} AS match_funding,
      ${BID_LINES_JSON.interventions} AS interventions${more}
    FROM ${from}
    JOIN funding_rounds r ON r.id = bid.round_id
    JOIN organisations o ON o.id = bid.organisation_id`;
}

// The same read added to `query` over `bid` joined to its round `round`: the organisation's
// name, the bid's own close time and its lists of lines, for a read that also locks.
export function selectWholeBid(query: SelectQueryBuilder<Bid>): SelectQueryBuilder<Bid> {
  return query
    .innerJoin('bid.organisation', 'organisation')
    .addSelect(['organisation.id', 'organisation.name'])
    .addSelect(effectiveClosesAtSql('round', 'bid.organisation_id'), 'own_closes_at')
    .addSelect(BID_LINES_JSON.costLines, 'cost_lines')
    .addSelect(BID_LINES_JSON.matchFunding, 'match_funding')
    .addSelect(BID_LINES_JSON.interventions, 'interventions');
}

export interface WholeBidRaw extends BidLinesRaw, Record<string, unknown> {
  round_code: string;
  round_name: string;
  organisation_name: string;
  own_closes_at: Date;
}

// The bid with its lists of lines from their JSON (each line given its bid's id) and its own
// close time.
export function withLines<T extends Bid>(
  bid: T,
  row: BidLinesRaw & { own_closes_at: Date },
): T & Pick<LoadedBid, 'costLines' | 'matchFunding' | 'interventions' | 'closesAt'> {
  const ofBid = <Line>(lines: Line[]) => lines.map((line) => ({ ...line, bidId: bid.id }));
  return Object.assign(bid, {
    closesAt: row.own_closes_at,
    costLines: ofBid(row.cost_lines),
    matchFunding: ofBid(row.match_funding),
    interventions: ofBid(row.interventions),
  });
}

// A bid read by wholeBidsSql.
export function wholeBidFromRow(manager: EntityManager, row: WholeBidRaw): LoadedBid {
  const bid = entityFromRow(manager, Bid, row);
  return Object.assign(withLines(bid, row), {
    round: { id: bid.roundId, code: row.round_code, name: row.round_name },
    organisation: { id: bid.organisationId, name: row.organisation_name },
  });
}
