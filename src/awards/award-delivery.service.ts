import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { BidProgressService } from '../bids/bid-progress.service';
import type { YearKindAmount } from '../returns/return.rules';
import { RoundStore } from '../rounds/round-store';
import type { OpenOffer, OutstandingItem } from '../rounds/rounds.rules';
import type { BidParties } from '../users/separation.rules';
import { AWARD_UNSETTLED_SQL, awardProfileAtSql, offerOpenSql } from './award-lifecycle';
import { AwardDecision, AwardLine, type DecisionStatus } from './award.entity';
import type { ProfileCell } from './variation.rules';
import { roundError } from '../rounds/rounds.errors';
import { notFound } from '../common/common.errors';

// What delivery returns need of an award: its money per year and kind, the bid's interventions
// and targets, and the round's settings for returns and payments.
export interface AwardForDelivery {
  id: string;
  bidId: string;
  reference: string;
  title: string;
  organisationId: string;
  organisationName: string;
  roundId: string;
  roundCode: string;
  status: DecisionStatus;
  lines: YearKindAmount[];
  // The quarterly profile an approved variation set, or null for an award never varied (its
  // lines are then spread evenly over each year's quarters).
  profile: ProfileCell[] | null;
  interventions: {
    id: string;
    type: string;
    outputMeasure: string | null;
    outputTarget: number | null;
  }[];
  varianceThresholdPercent: number;
  paymentDays: number;
}

// The award as the returns module sees it: read (or locked, so that returns of one award are
// submitted and reviewed one at a time) and, once everything is approved and paid, completed.
@Injectable()
export class AwardDeliveryService {
  constructor(
    private readonly bids: BidProgressService,
    private readonly rounds: RoundStore,
    private readonly audit: AuditService,
  ) {}

  async find(manager: EntityManager, id: string, lock = false): Promise<AwardForDelivery> {
    const award = await manager.findOne(AwardDecision, {
      where: { id, outcome: 'award' },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    const round = award?.publishedAt
      ? await this.rounds.findPublished(manager, award.roundId, null)
      : null;
    if (!award || !round) {
      throw notFound('Award');
    }
    // Every change to an award's returns and payments locks it: none once the round is closed out.
    if (lock && round.status === 'closed_out') {
      throw roundError('round-closed-out', {
        message: `Round ${round.code} is closed out: nothing about its money changes any more.`,
      });
    }
    const bid = await this.bids.readSubmitted(manager, award.bidId);
    const lines = await manager.find(AwardLine, {
      where: { decisionId: id },
      order: { financialYear: 'ASC', kind: 'ASC' },
    });
    const targets = await this.variedTargets(manager, id);
    const [{ profile }] = await manager.query<{ profile: ProfileCell[] | null }[]>(
      `SELECT ${awardProfileAtSql('$1::uuid', 'now()')} AS profile`,
      [id],
    );
    return {
      id,
      bidId: award.bidId,
      reference: bid.reference,
      title: bid.title,
      organisationId: award.organisationId,
      organisationName: bid.organisationName,
      roundId: round.id,
      roundCode: round.code,
      status: award.status,
      lines: lines.map(({ financialYear, kind, amountPence }) => ({
        financialYear,
        kind,
        amountPence,
      })),
      profile,
      interventions: bid.interventions.map(
        ({ id: interventionId, type, outputMeasure, outputTarget }) => ({
          id: interventionId,
          type,
          outputMeasure: outputMeasure ?? null,
          outputTarget: targets.get(interventionId) ?? outputTarget ?? null,
        }),
      ),
      varianceThresholdPercent: round.varianceThresholdPercent,
      paymentDays: round.paymentDays,
    };
  }

  // Output targets changed by approved variations, the latest per intervention.
  private async variedTargets(manager: EntityManager, awardId: string) {
    const rows = await manager.query<{ intervention_id: string; output_target: number }[]>(
      `SELECT DISTINCT ON (t."interventionId") t."interventionId" AS intervention_id,
              t."outputTarget" AS output_target
       FROM award_variations v
       CROSS JOIN jsonb_to_recordset(v.output_targets) AS t("interventionId" text, "outputTarget" int)
       WHERE v.award_id = $1 AND v.status = 'approved' AND v.output_targets IS NOT NULL
       ORDER BY t."interventionId", v.approved_at DESC`,
      [awardId],
    );
    return new Map(rows.map((row) => [row.intervention_id, Number(row.output_target)]));
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
