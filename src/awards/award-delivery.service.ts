import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { BidProgressService } from '../bids/bid-progress.service';
import type { OpenOffer, OutstandingItem } from '../rounds/rounds.rules';
import type { BidParties } from '../users/separation.rules';
import { type AwardForDelivery, deliverableAward } from './award-for-delivery';
import { AwardStore } from './award-store';

export type { AwardForDelivery } from './award-for-delivery';

// The award as the returns module sees it: read (or locked, so that returns of one award are
// submitted and reviewed one at a time) and, once everything is approved and paid, completed.
@Injectable()
export class AwardDeliveryService {
  constructor(
    private readonly bids: BidProgressService,
    private readonly store: AwardStore,
    private readonly audit: AuditService,
  ) {}

  // The award in one query; `lock` locks its row first (AwardStore.findForDelivery).
  async find(manager: EntityManager, id: string, lock = false): Promise<AwardForDelivery> {
    return deliverableAward(await this.store.findForDelivery(manager, id, lock), lock);
  }

  // Offers of the round a recipient may still accept at `now`, earliest deadline first.
  openOffers(manager: EntityManager, roundId: string, now: Date): Promise<OpenOffer[]> {
    return this.store.openOffers(manager, roundId, now);
  }

  // Awards of the round not yet finished (award-lifecycle.ts#AWARD_UNSETTLED_SQL), by reference.
  async unsettled(manager: EntityManager, roundId: string): Promise<OutstandingItem[]> {
    const rows = await this.store.unsettled(manager, roundId);
    const what: Record<string, string> = {
      pending_second_approval: 'waiting for a second approver',
      offered: 'offered, neither accepted, declined nor withdrawn',
      accepted: 'accepted, its delivery not started',
      active: 'active: returns or payments still to come',
    };
    return rows.map((row) => ({
      kind: 'award' as const,
      id: row.id,
      reference: row.reference,
      outstanding: what[row.status] ?? row.status,
      amountPence: Number(row.amount_pence),
    }));
  }

  // Who stands behind the award's bid, for separation of duties.
  bidParties(
    manager: EntityManager,
    award: AwardForDelivery,
  ): Promise<BidParties & { reference: string }> {
    return this.bids.parties(manager, award.bidId);
  }

  // Every return approved and every payment made: an active award is done. Called with it locked.
  async complete(manager: EntityManager, actor: AuditActor, id: string): Promise<void> {
    if (!(await this.store.markCompleted(manager, id))) {
      return;
    }
    await this.audit.record(manager, actor, {
      command: 'award.complete',
      objectType: 'award_decision',
      objectId: id,
      changes: { status: { before: 'active', after: 'completed' } },
    });
  }
}
