import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BidProgressService } from '../bids/bid-progress.service';
import { UsersService } from '../users/users.service';
import type { DecisionResponseDto } from './award-response.dto';
import type { AwardDecision } from './award.entity';
import { AwardStore } from './award-store';
import { notFound } from '../common/common.errors';

// Decisions as staff read them: with the bid, the organisation and who decided.
@Injectable()
export class DecisionViews {
  constructor(
    private readonly bids: BidProgressService,
    private readonly users: UsersService,
    private readonly store: AwardStore,
  ) {}

  async one(manager: EntityManager, id: string): Promise<DecisionResponseDto> {
    const row = await this.store.find(manager, id);
    if (!row) {
      throw notFound('Decision');
    }
    return (await this.render(manager, [row]))[0];
  }

  async render(manager: EntityManager, rows: AwardDecision[]): Promise<DecisionResponseDto[]> {
    if (rows.length === 0) {
      return [];
    }
    const bids = await this.bids.findMany(
      manager,
      rows.map((row) => row.bidId),
    );
    const lines = await this.store.linesOf(
      manager,
      rows.map((row) => row.id),
    );
    const names = await this.users.namesOf(
      rows.flatMap((row) => [
        row.decidedBy,
        ...(row.secondApproverId ? [row.secondApproverId] : []),
      ]),
      manager,
    );
    return rows.map((row) => {
      const bid = bids.get(row.bidId);
      return {
        id: row.id,
        roundId: row.roundId,
        bidId: row.bidId,
        reference: bid?.reference ?? '',
        bidTitle: bid?.title ?? '',
        organisationId: row.organisationId,
        organisationName: bid?.organisationName ?? '',
        outcome: row.outcome,
        status: row.status,
        requestedPence: bid?.requestedPence ?? 0,
        amountPence: row.amountPence,
        lines: lines
          .filter((line) => line.decisionId === row.id)
          .map(({ financialYear, kind, amountPence }) => ({ financialYear, kind, amountPence })),
        conditions: row.conditions,
        rejectionReason: row.rejectionReason,
        feedback: row.feedback,
        dueDiligenceAcceptance: row.dueDiligenceAcceptance,
        decidedBy: row.decidedBy,
        decidedByName: names.get(row.decidedBy) ?? '',
        decidedAt: row.decidedAt,
        secondApproverId: row.secondApproverId,
        secondApproverName: row.secondApproverId ? (names.get(row.secondApproverId) ?? '') : null,
        secondDecidedAt: row.secondDecidedAt,
        secondReason: row.secondReason,
        publishedAt: row.publishedAt,
        offerExpiresAt: row.offerExpiresAt,
        closedAt: row.closedAt,
        closeReason: row.closeReason,
        version: row.version,
      };
    });
  }
}
