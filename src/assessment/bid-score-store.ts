import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { BidScore } from './bid-score.entity';

// Named reads and writes of bids' scores, always inside the caller's transaction.
@Injectable()
export class BidScoreStore {
  // The bids of the round that have a score.
  async listScoredBidIds(manager: EntityManager, roundId: string): Promise<string[]> {
    const rows = await manager.find(BidScore, { select: { bidId: true }, where: { roundId } });
    return rows.map((row) => row.bidId);
  }

  isScored(manager: EntityManager, bidId: string): Promise<boolean> {
    return manager.exists(BidScore, { where: { bidId } });
  }

  async insert(manager: EntityManager, score: Partial<BidScore>): Promise<void> {
    await manager.insert(BidScore, score);
  }

  // The bid's score, locked for the rest of the transaction; null when it has none.
  lockOfBid(manager: EntityManager, bidId: string): Promise<BidScore | null> {
    return manager.findOne(BidScore, { where: { bidId }, lock: { mode: 'pessimistic_write' } });
  }

  async writeModeration(
    manager: EntityManager,
    bidId: string,
    moderation: Pick<
      BidScore,
      'finalScoreHundredths' | 'finalBasis' | 'moderationReason' | 'moderatedBy' | 'moderatedAt'
    >,
  ): Promise<void> {
    await manager.update(BidScore, { bidId }, moderation);
  }

  listOfBids(manager: EntityManager, bidIds: string[]): Promise<BidScore[]> {
    return manager.find(BidScore, { where: { bidId: In(bidIds) } });
  }
}
