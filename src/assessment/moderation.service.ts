import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { BidForAssessment, BidProgressService } from '../bids/bid-progress.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import type { RoundWithParts } from '../rounds/round-views';
import { RoundsService } from '../rounds/rounds.service';
import { RoundStore } from '../rounds/round-store';
import { SeparationOfDutiesService } from '../users/separation-of-duties.service';
import { UsersService } from '../users/users.service';
import { divergentEmail } from './assessment-emails';
import type { ModerationDto } from './assessment.dto';
import type { BidScoreDto, RankingDto } from './assessment-response.dto';
import { AssignmentStore } from './assignment-store';
import { BidScoreStore } from './bid-score-store';
import { rankBids } from './ranking.rules';
import {
  Fraction,
  formatScore,
  hundredthsFrom,
  isDivergent,
  meanScore,
  scoreSpread,
  toHundredths,
  weightedScore,
} from './scoring.rules';
import { notFound } from '../common/common.errors';
import { ASSESSED_BID_STATUSES } from '../bids/bid-lifecycle';
import { assessmentError } from './assessment.errors';

// From all assessments of a bid to its final score: divergence, moderation and ranking.
@Injectable()
export class ModerationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bids: BidProgressService,
    private readonly rounds: RoundsService,
    private readonly roundStore: RoundStore,
    private readonly assignments: AssignmentStore,
    private readonly scoreStore: BidScoreStore,
    private readonly users: UsersService,
    private readonly duties: SeparationOfDutiesService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Once the round's number of assessments are in and none is outstanding, the bid's score
  // is their mean. Within the divergence threshold that is its final score; above it, the bid
  // waits for a moderator, who is told.
  async scoreIfComplete(
    manager: EntityManager,
    actor: AuditActor,
    bid: BidForAssessment,
    round: RoundWithParts,
  ): Promise<void> {
    const rows = await this.assignments.listCountingOfBid(manager, bid.id);
    const submitted = rows.filter((row) => row.status === 'submitted');
    if (submitted.length < round.assessmentsPerBid || submitted.length < rows.length) {
      return;
    }
    const marks = await this.assignments.listMarksOfAll(
      manager,
      submitted.map((row) => row.id),
    );
    const scores: Fraction[] = submitted.map((row) =>
      weightedScore(
        round.criteria,
        marks.filter((mark) => mark.assignmentId === row.id),
      ),
    );
    const mean = toHundredths(meanScore(scores));
    const spread = scoreSpread(scores);
    const divergent = isDivergent(spread, round.divergenceThreshold);
    await this.scoreStore.insert(manager, {
      bidId: bid.id,
      roundId: round.id,
      assessmentCount: submitted.length,
      meanHundredths: mean,
      spreadHundredths: toHundredths(spread),
      divergent,
      finalScoreHundredths: divergent ? null : mean,
      finalBasis: divergent ? null : 'mean',
    });
    await this.audit.record(manager, actor, {
      command: divergent ? 'bid.flag-divergent' : 'bid.score',
      objectType: 'bid',
      objectId: bid.id,
      changes: {
        mean: { before: null, after: formatScore(mean) },
        spread: { before: null, after: formatScore(toHundredths(spread)) },
        ...(divergent ? {} : { finalScore: { before: null, after: formatScore(mean) } }),
      },
    });
    if (!divergent) {
      await this.bids.markScored(manager, actor, bid.id);
      return;
    }
    const moderators = await this.users.activeStaff('moderator', manager);
    if (moderators.length > 0) {
      const hundredths = submitted.map((row) => row.scoreHundredths as number);
      await this.outbox.queue(
        manager,
        divergentEmail(
          bid,
          round,
          {
            mean: formatScore(mean),
            spread: formatScore(toHundredths(spread)),
            lowest: formatScore(Math.min(...hundredths)),
            highest: formatScore(Math.max(...hundredths)),
          },
          moderators,
          this.config.portal,
        ),
      );
    }
  }

  // A moderator accepts the mean or sets a score with a reason, for a bid whose assessments
  // are all in; this is the bid's final score (a later moderation replaces it, audited).
  moderate(actor: AuditActor, bidId: string, input: ModerationDto, now = new Date()) {
    return this.dataSource.transaction(async (manager): Promise<BidScoreDto> => {
      const found = await this.bids.find(manager, bidId);
      await this.rounds.lockInAssessment(manager, found.roundId);
      const bid = await this.bids.find(manager, bidId, true);
      await this.duties.refuseIfTied(manager, actor.id, bid, 'moderate');
      const score = await this.scoreStore.lockOfBid(manager, bidId);
      if (!score || (bid.status !== 'in_assessment' && bid.status !== 'moderated')) {
        throw assessmentError('bid-not-ready-for-moderation', {
          message: score
            ? `Bid ${bid.reference} is ${bid.status}, so its score can no longer be moderated.`
            : `Not every assessment of bid ${bid.reference} is in yet; it can be moderated once they are.`,
        });
      }
      const final =
        input.decision === 'accept-mean'
          ? score.meanHundredths
          : hundredthsFrom(input.score as number);
      if (final === null) {
        throw assessmentError('score-invalid', {
          errors: [
            {
              field: 'score',
              message: `must be from 0 to 100 with at most two decimals, not ${input.score}`,
            },
          ],
        });
      }
      const basis = input.decision === 'accept-mean' ? 'mean' : 'moderated';
      const reason = input.reason ?? null;
      await this.scoreStore.writeModeration(manager, bidId, {
        finalScoreHundredths: final,
        finalBasis: basis,
        moderationReason: reason,
        moderatedBy: actor.id,
        moderatedAt: now,
      });
      await this.audit.record(manager, actor, {
        command: `bid.moderate.${input.decision}`,
        objectType: 'bid',
        objectId: bidId,
        changes: {
          finalScore: {
            before:
              score.finalScoreHundredths === null ? null : formatScore(score.finalScoreHundredths),
            after: formatScore(final),
          },
          moderationReason: { before: score.moderationReason, after: reason },
        },
      });
      await this.bids.markScored(manager, actor, bidId);
      return this.scoreOf(manager, await this.bids.find(manager, bidId));
    });
  }

  async scoreOf(manager: EntityManager, bid: BidForAssessment): Promise<BidScoreDto> {
    return (await this.scoresOf(manager, [bid]))[0];
  }

  // Every bid of the round in assessment or later with its score so far, in reference order.
  // Reads of several tables answer from one snapshot (REPEATABLE READ), so a moderation
  // committing meanwhile never shows half.
  scores(roundId: string): Promise<BidScoreDto[]> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await this.roundOrNotFound(manager, roundId);
      return this.scoresOf(manager, await this.bids.list(manager, roundId, ASSESSED_BID_STATUSES));
    });
  }

  // The round's bids by final score, then earlier submission, then reference, with the running
  // total of requested money against the budget and the quality threshold.
  ranking(roundId: string): Promise<RankingDto> {
    return this.dataSource.transaction('REPEATABLE READ', (manager) =>
      this.rankingIn(manager, roundId),
    );
  }

  private async rankingIn(manager: EntityManager, roundId: string): Promise<RankingDto> {
    const round = await this.roundOrNotFound(manager, roundId);
    const listed = await this.bids.list(manager, roundId, ASSESSED_BID_STATUSES);
    const scores = await this.scoresOf(manager, listed);
    const final = scores.filter((score) => score.finalScoreHundredths !== null);
    const byId = new Map(final.map((score) => [score.bidId, score]));
    const bids = new Map(listed.map((bid) => [bid.id, bid]));
    const ranked = rankBids(
      final.map((score) => {
        const bid = bids.get(score.bidId) as BidForAssessment;
        return {
          bidId: bid.id,
          reference: bid.reference,
          submittedAt: bid.submittedAt,
          requestedPence: bid.requestedPence,
          finalScoreHundredths: score.finalScoreHundredths as number,
        };
      }),
      round.budgetPence,
      round.qualityThreshold,
    );
    const awaiting = scores.filter((score) => score.finalScoreHundredths === null);
    return {
      roundId,
      budgetPence: round.budgetPence,
      qualityThreshold: round.qualityThreshold,
      complete: round.status !== 'open' && round.status !== 'closed' && awaiting.length === 0,
      items: ranked.map((item) => {
        const score = byId.get(item.bidId) as BidScoreDto;
        return {
          ...item,
          title: score.title,
          organisationName: score.organisationName,
          finalScore: formatScore(item.finalScoreHundredths),
        };
      }),
      awaitingFinalScore: awaiting,
    };
  }

  private async roundOrNotFound(manager: EntityManager, roundId: string): Promise<RoundWithParts> {
    const round = await this.roundStore.findPublished(manager, roundId, null);
    if (!round) {
      throw notFound('Funding round');
    }
    return round;
  }

  private async scoresOf(manager: EntityManager, bids: BidForAssessment[]): Promise<BidScoreDto[]> {
    if (bids.length === 0) {
      return [];
    }
    const ids = bids.map((bid) => bid.id);
    const scores = new Map(
      (await this.scoreStore.listOfBids(manager, ids)).map((s) => [s.bidId, s]),
    );
    const rows = await this.assignments.listCountingOfBids(manager, ids);
    const rounds = new Map<string, RoundWithParts | null>();
    for (const roundId of new Set(bids.map((bid) => bid.roundId))) {
      rounds.set(roundId, await this.roundStore.findPublished(manager, roundId, null));
    }
    return bids.map((bid) => {
      const score = scores.get(bid.id);
      const mine = rows.filter((row) => row.bidId === bid.id);
      const final = score?.finalScoreHundredths ?? null;
      return {
        bidId: bid.id,
        reference: bid.reference,
        title: bid.title,
        organisationName: bid.organisationName,
        status: bid.status,
        requestedPence: bid.requestedPence,
        assessmentsRequired: rounds.get(bid.roundId)?.assessmentsPerBid ?? 0,
        assessmentsSubmitted: mine.filter((row) => row.status === 'submitted').length,
        assessmentsOutstanding: mine.filter((row) => row.status === 'assigned').length,
        mean: score ? formatScore(score.meanHundredths) : null,
        spread: score ? formatScore(score.spreadHundredths) : null,
        divergent: score?.divergent ?? false,
        needsModeration: Boolean(score?.divergent) && final === null,
        finalScore: final === null ? null : formatScore(final),
        finalScoreHundredths: final,
        finalBasis: score?.finalBasis ?? null,
        moderationReason: score?.moderationReason ?? null,
        moderatedAt: score?.moderatedAt ?? null,
      };
    });
  }
}
