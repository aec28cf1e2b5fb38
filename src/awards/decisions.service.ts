import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ModerationService } from '../assessment/moderation.service';
import { AuditActor, AuditService } from '../audit/audit.service';
import { BidForAssessment, BidProgressService } from '../bids/bid-progress.service';
import type { AuthenticatedUser } from '../common/access';
import type { RoundWithParts } from '../rounds/round-views';
import { RoundStore } from '../rounds/round-store';
import { SeparationOfDutiesService } from '../users/separation-of-duties.service';
import type { DecisionDto, SecondApprovalDto } from './award.dto';
import type { DecisionResponseDto, FundingLineDto, RoundDecisionsDto } from './award-response.dto';
import type { AwardDecision } from './award.entity';
import { LIVE_AWARD_STATUSES } from './award-lifecycle';
import { AwardStore } from './award-store';
import {
  awardLineErrors,
  budgetRefusal,
  dueDiligenceRefusal,
  fundingLine,
  needsSecondApproval,
  offerLapsed,
  sumPence,
} from './award.rules';
import { lockRoundForDecisions } from './decision-round';
import { DecisionViews } from './decision-views';
import { DueDiligenceService } from './due-diligence.service';
import { awardError } from './awards.errors';
import { notFound } from '../common/common.errors';

// Approvers' decisions on finally scored bids, within the round's budget. Every decision locks
// the round row first, so the budget check and the write happen as one, whoever else decides.
@Injectable()
export class DecisionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rounds: RoundStore,
    private readonly bids: BidProgressService,
    private readonly moderation: ModerationService,
    private readonly dueDiligence: DueDiligenceService,
    private readonly views: DecisionViews,
    private readonly store: AwardStore,
    private readonly duties: SeparationOfDutiesService,
    private readonly audit: AuditService,
  ) {}

  decide(
    actor: AuditActor,
    user: AuthenticatedUser,
    bidId: string,
    input: DecisionDto,
    now = new Date(),
  ) {
    return this.dataSource.transaction(async (manager): Promise<DecisionResponseDto> => {
      const { roundId } = await this.bids.find(manager, bidId);
      const round = await lockRoundForDecisions(this.rounds, manager, roundId);
      const bid = await this.bids.find(manager, bidId, true);
      await this.duties.refuseIfTied(manager, user.id, bid, 'decide');
      if (bid.status !== 'moderated') {
        throw awardError('bid-not-finally-scored', {
          message: `Bid ${bid.reference} is ${bid.status}; only a bid with a final score can be decided.`,
        });
      }
      const standing = await this.standing(manager, bidId);
      if (standing) {
        throw awardError('bid-already-decided', {
          message: `Bid ${bid.reference} already has a decision (${standing.outcome}, ${standing.status}).`,
        });
      }
      const decision =
        input.outcome === 'award'
          ? await this.awardFields(manager, round, bid, input)
          : {
              outcome: 'reject' as const,
              status: 'rejected' as const,
              amountPence: 0,
              lines: [],
              conditions: [],
              rejectionReason: input.reason as string,
              feedback: input.feedback as string,
              dueDiligenceAcceptance: null,
            };
      const { lines, ...fields } = decision;
      const id = await this.store.insert(
        manager,
        {
          ...fields,
          roundId: round.id,
          bidId,
          organisationId: bid.organisationId,
          decidedBy: user.id,
          decidedAt: now,
        },
        lines,
      );
      await this.audit.record(manager, actor, {
        command: `decision.${input.outcome}`,
        objectType: 'award_decision',
        objectId: id,
        changes: {
          bidId: { before: null, after: bidId },
          status: { before: null, after: decision.status },
          amountPence: { before: null, after: decision.amountPence },
          ...(input.outcome === 'reject'
            ? { rejectionReason: { before: null, after: input.reason } }
            : { lines: { before: null, after: lines } }),
        },
      });
      return this.views.one(manager, id);
    });
  }

  // A different approver confirms an award above the threshold, or does not, with a reason
  // (its money goes back to the round and the bid may be decided again).
  secondApproval(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    input: SecondApprovalDto,
    now = new Date(),
  ) {
    return this.dataSource.transaction(async (manager): Promise<DecisionResponseDto> => {
      const found = await this.store.find(manager, id);
      if (!found) {
        throw notFound('Decision');
      }
      await lockRoundForDecisions(this.rounds, manager, found.roundId);
      const row = await this.store.lock(manager, id);
      if (row?.status !== 'pending_second_approval') {
        throw awardError('not-awaiting-second-approval', {
          message: `This decision is ${row?.status}; only an award awaiting a second approval can be confirmed.`,
        });
      }
      if (row.decidedBy === user.id) {
        throw awardError('second-approver-must-differ');
      }
      const parties = await this.bids.parties(manager, row.bidId);
      await this.duties.refuseIfTied(manager, user.id, parties, 'give the second approval on');
      const status = input.confirm ? 'offered' : 'not_confirmed';
      await this.store.update(manager, id, {
        status,
        secondApproverId: user.id,
        secondDecidedAt: now,
        secondReason: input.reason ?? null,
      });
      await this.audit.record(manager, actor, {
        command: input.confirm ? 'decision.confirm' : 'decision.not-confirm',
        objectType: 'award_decision',
        objectId: id,
        changes: {
          status: { before: 'pending_second_approval', after: status },
          secondReason: { before: null, after: input.reason ?? null },
        },
      });
      return this.views.one(manager, id);
    });
  }

  // Standing decisions of the round with the money they hold against the budget.
  roundDecisions(roundId: string): Promise<RoundDecisionsDto> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const round = await this.rounds.findPublished(manager, roundId, null);
      if (!round) {
        throw notFound('Funding round');
      }
      const rows = await this.store.standingOfRound(manager, roundId);
      const live = rows.filter((row) => LIVE_AWARD_STATUSES.includes(row.status));
      const livePence = sumPence(live);
      const items = await this.views.render(manager, rows);
      return {
        roundId,
        budgetPence: round.budgetPence,
        livePence,
        pendingSecondApprovalPence: sumPence(
          live.filter((row) => row.status === 'pending_second_approval'),
        ),
        remainingPence: round.budgetPence - livePence,
        lapsedOffersPence: sumPence(live.filter((row) => offerLapsed(row, new Date()))),
        items: items.sort((a, b) => (a.reference < b.reference ? -1 : 1)),
      };
    });
  }

  get(id: string): Promise<DecisionResponseDto> {
    return this.views.one(this.dataSource.manager, id);
  }

  // The suggestion from the ranking: above the quality threshold, in order, until one does not fit.
  async fundingLine(roundId: string): Promise<FundingLineDto> {
    const ranking = await this.moderation.ranking(roundId);
    const line = fundingLine(ranking.items, ranking.budgetPence);
    return {
      roundId,
      budgetPence: ranking.budgetPence,
      funded: line.funded,
      remainingPence: line.remainingPence,
      firstNotFunded: line.firstNotFunded,
      complete: ranking.complete,
    };
  }

  private standing(manager: EntityManager, bidId: string): Promise<AwardDecision | null> {
    return this.store.standingOfBid(manager, bidId);
  }

  private async awardFields(
    manager: EntityManager,
    round: RoundWithParts,
    bid: BidForAssessment,
    input: DecisionDto,
  ) {
    const lines = input.lines ?? [];
    const errors = awardLineErrors(await this.bids.costLines(manager, bid.id), lines);
    if (errors.length > 0) {
      throw awardError('award-lines-invalid', {
        message: `The award does not match what bid ${bid.reference} asked for; see errors. Nothing was recorded.`,
        errors,
      });
    }
    const rating = await this.dueDiligence.currentRating(manager, bid.organisationId);
    const refusal = dueDiligenceRefusal(rating, input.dueDiligenceAcceptance);
    if (refusal) {
      throw awardError(
        rating === null
          ? 'due-diligence-missing'
          : rating === 'red'
            ? 'due-diligence-red'
            : 'due-diligence-amber',
        {
          message: `${bid.organisationName}: ${refusal}.`,
          errors: [{ field: 'dueDiligence', message: refusal }],
        },
      );
    }
    const amountPence = sumPence(lines);
    const live = await this.store.liveAmounts(manager, round.id);
    const overBudget = budgetRefusal(round.budgetPence, sumPence(live), amountPence);
    if (overBudget) {
      throw awardError('budget-exceeded', { message: `Round ${round.code}: ${overBudget}.` });
    }
    return {
      outcome: 'award' as const,
      status: needsSecondApproval(amountPence, round.approvalThresholdPence)
        ? ('pending_second_approval' as const)
        : ('offered' as const),
      amountPence,
      lines: lines.map(({ financialYear, kind, amountPence: pence }) => ({
        financialYear,
        kind,
        amountPence: pence,
      })),
      conditions: input.conditions ?? [],
      rejectionReason: null,
      feedback: null,
      dueDiligenceAcceptance: input.dueDiligenceAcceptance ?? null,
    };
  }
}
