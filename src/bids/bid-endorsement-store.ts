import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RANKABLE_BID_SQL } from './bid-lifecycle';
import { Bid, type BidStatus, type EndorsementDecision } from './bid.entity';

// Named reads and writes of a PCC's endorsement and ranking of its area's bids, always inside
// the caller's transaction.
@Injectable()
export class BidEndorsementStore {
  async writeEndorsement(
    manager: EntityManager,
    id: string,
    decision: EndorsementDecision,
    reason: string | null,
    by: string,
    at: Date,
  ): Promise<void> {
    await manager.update(
      Bid,
      { id },
      {
        endorsementDecision: decision,
        endorsementReason: reason,
        endorsementBy: by,
        endorsementAt: at,
      },
    );
  }

  // The bids of the area its PCC ranks in the round (RANKABLE_BID_SQL), in reference order.
  listRankable(
    manager: EntityManager,
    roundId: string,
    forceAreaCode: string,
  ): Promise<{ id: string; reference: string; pcc_rank: number }[]> {
    return manager.query<{ id: string; reference: string; pcc_rank: number }[]>(
      `SELECT b.id, b.reference, b.pcc_rank FROM bids b
       WHERE b.round_id = $1 AND b.force_area_code = $2 AND ${RANKABLE_BID_SQL}
       ORDER BY b.reference`,
      [roundId, forceAreaCode],
    );
  }

  // The area's ranking in the round replaced by `bidIds` in order: every rank cleared, then
  // each bid's set.
  async writeRanking(
    manager: EntityManager,
    roundId: string,
    forceAreaCode: string,
    bidIds: string[],
  ): Promise<void> {
    await manager.query(
      `UPDATE bids SET pcc_rank = NULL WHERE round_id = $1 AND force_area_code = $2`,
      [roundId, forceAreaCode],
    );
    for (const [index, bidId] of bidIds.entries()) {
      await manager.update(Bid, { id: bidId }, { pccRank: index + 1 });
    }
  }

  // A bid leaving the round (withdrawn, failed): the ranks after it in its area's ranking close
  // up (read from the row, so several departures in one transaction each see the last), then its
  // status and why are set and its rank cleared.
  async writeDeparture(
    manager: EntityManager,
    id: string,
    departure: Partial<Bid> & { status: Extract<BidStatus, 'withdrawn' | 'eligibility_failed'> },
  ): Promise<void> {
    await manager.query(
      `UPDATE bids b SET pcc_rank = b.pcc_rank - 1
       FROM bids gone
       WHERE gone.id = $1 AND b.round_id = gone.round_id
         AND b.force_area_code = gone.force_area_code AND b.pcc_rank > gone.pcc_rank`,
      [id],
    );
    await manager.update(Bid, { id }, { ...departure, pccRank: null });
  }

  // Every bid of the area in the round with its organisation, in reference order.
  listOfArea(manager: EntityManager, roundId: string, forceAreaCode: string): Promise<Bid[]> {
    return manager.find(Bid, {
      where: { roundId, forceAreaCode },
      relations: { organisation: true },
      order: { reference: 'ASC' },
    });
  }
}
