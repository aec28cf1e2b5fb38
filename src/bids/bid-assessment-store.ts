import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { BidCostLine } from './bid-lines.entity';
import { Bid, type BidStatus } from './bid.entity';

// Named reads and writes of bids for their passage through assessment and awards (their
// content stays BidStore's), always inside the caller's transaction.
@Injectable()
export class BidAssessmentStore {
  // Locks the round's bids in `statuses` in id order for the rest of the transaction.
  async lockInStatuses(
    manager: EntityManager,
    roundId: string,
    statuses: readonly BidStatus[],
  ): Promise<void> {
    await manager
      .createQueryBuilder(Bid, 'bid')
      .select('bid.id')
      .where('bid.roundId = :roundId AND bid.status IN (:...statuses)', { roundId, statuses })
      .orderBy('bid.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  // The round's bids in `statuses` with their organisations, in reference order.
  listInStatuses(
    manager: EntityManager,
    roundId: string,
    statuses: readonly BidStatus[],
  ): Promise<Bid[]> {
    return manager.find(Bid, {
      where: { roundId, status: In([...statuses]) },
      relations: { organisation: true },
      order: { reference: 'ASC' },
    });
  }

  // The bids of `ids` (each once) with their organisations, in no order.
  listWithOrganisations(manager: EntityManager, ids: string[]): Promise<Bid[]> {
    return manager.find(Bid, {
      where: { id: In([...new Set(ids)]) },
      relations: { organisation: true },
    });
  }

  // The bid's own row, unlocked; null when there is none (BidStore.lockRow locks it).
  findRow(manager: EntityManager, id: string): Promise<Bid | null> {
    return manager.findOne(Bid, { where: { id } });
  }

  // Who stands behind the bid, without its content; null when there is none.
  findParties(
    manager: EntityManager,
    id: string,
  ): Promise<Pick<
    Bid,
    'id' | 'reference' | 'organisationId' | 'createdBy' | 'submittedBy'
  > | null> {
    return manager.findOne(Bid, {
      select: {
        id: true,
        reference: true,
        organisationId: true,
        createdBy: true,
        submittedBy: true,
      },
      where: { id },
    });
  }

  // What the bid asked for, per financial year and kind.
  listCostLines(manager: EntityManager, id: string): Promise<BidCostLine[]> {
    return manager.find(BidCostLine, {
      where: { bidId: id },
      order: { financialYear: 'ASC', kind: 'ASC' },
    });
  }

  // The round's submitted bids in reference order, locked for the rest of the transaction.
  lockSubmittedOfRound(manager: EntityManager, roundId: string): Promise<Bid[]> {
    return manager.find(Bid, {
      where: { roundId, status: 'submitted' },
      order: { reference: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async writeStatus(manager: EntityManager, id: string, status: BidStatus): Promise<void> {
    await manager.update(Bid, { id }, { status });
  }
}
