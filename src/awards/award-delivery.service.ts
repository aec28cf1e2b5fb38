import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { BidProgressService } from '../bids/bid-progress.service';
import type { OpenOffer, OutstandingItem } from '../rounds/rounds.rules';
import type { BidParties } from '../users/separation.rules';
import { AWARD_UNSETTLED_SQL, offerOpenSql } from './award-lifecycle';
import { AwardDecision } from './award.entity';
import {
  type AwardForDelivery,
  awardForDeliveryJson,
  type AwardForDeliveryRaw,
  deliverableAward,
} from './award-for-delivery';

export type { AwardForDelivery } from './award-for-delivery';

// The award as the returns module sees it: read (or locked, so that returns of one award are
// submitted and reviewed one at a time) and, once everything is approved and paid, completed.
@Injectable()
export class AwardDeliveryService {
  constructor(
    private readonly bids: BidProgressService,
    private readonly audit: AuditService,
  ) {}

  // The award in one query (awardForDeliveryJson); `lock` first locks its row in a statement of
  // its own, so that what is read after the wait is what the holder before us committed.
  async find(manager: EntityManager, id: string, lock = false): Promise<AwardForDelivery> {
    if (lock) {
      await manager.query(
        `SELECT 1 FROM award_decisions WHERE id = $1 AND outcome = 'award' FOR UPDATE`,
        [id],
      );
    }
    const [{ award }] = await manager.query<{ award: AwardForDeliveryRaw | null }[]>(
      `SELECT ${awardForDeliveryJson('$1::uuid')} AS award`,
      [id],
    );
    return deliverableAward(award, lock);
  }

  // Offers of the round a recipient may still accept at `now`, earliest deadline first.
  async openOffers(manager: EntityManager, roundId: string, now: Date): Promise<OpenOffer[]> {
    const rows: {
      award_id: string;
      reference: string;
      organisation_name: string;
      offer_expires_at: Date;
    }[] = await manager.query(
      `SELECT a.id AS award_id, b.reference, o.name AS organisation_name, a.offer_expires_at
         FROM award_decisions a
         JOIN bids b ON b.id = a.bid_id
         JOIN organisations o ON o.id = a.organisation_id
        WHERE a.round_id = $1 AND ${offerOpenSql('$2::timestamptz')}
        ORDER BY a.offer_expires_at, b.reference`,
      [roundId, now],
    );
    return rows.map((row) => ({
      awardId: row.award_id,
      reference: row.reference,
      organisationName: row.organisation_name,
      offerExpiresAt: new Date(row.offer_expires_at),
    }));
  }

  // Awards of the round not yet finished (award-lifecycle.ts#AWARD_UNSETTLED_SQL), by reference.
  async unsettled(manager: EntityManager, roundId: string): Promise<OutstandingItem[]> {
    const rows: { id: string; reference: string; status: string; amount_pence: string }[] =
      await manager.query(
        `SELECT a.id, b.reference, a.status, a.amount_pence
           FROM award_decisions a
           JOIN bids b ON b.id = a.bid_id
          WHERE a.round_id = $1 AND ${AWARD_UNSETTLED_SQL}
          ORDER BY b.reference`,
        [roundId],
      );
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
    const { affected } = await manager.update(
      AwardDecision,
      { id, status: 'active' },
      { status: 'completed' },
    );
    if (affected !== 1) {
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
