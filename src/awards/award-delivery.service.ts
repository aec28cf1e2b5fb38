import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { BidProgressService } from '../bids/bid-progress.service';
import { DomainError } from '../common/domain-error';
import type { YearKindAmount } from '../returns/return.rules';
import { RoundsService } from '../rounds/rounds.service';
import type { BidParties } from '../users/separation.rules';
import { AwardDecision, AwardLine, type DecisionStatus } from './award.entity';

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
    private readonly rounds: RoundsService,
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
      throw DomainError.notFound('Award');
    }
    const bid = await this.bids.readSubmitted(manager, award.bidId);
    const lines = await manager.find(AwardLine, {
      where: { decisionId: id },
      order: { financialYear: 'ASC', kind: 'ASC' },
    });
    const targets = await this.variedTargets(manager, id);
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
