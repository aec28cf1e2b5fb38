import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditActor } from '../audit/audit.service';
import { BidProgressService } from '../bids/bid-progress.service';
import type { BidDto } from '../bids/bid-response.dto';
import { formatLondonZoned } from '../common/london-time';
import { RoundsService } from '../rounds/rounds.service';
import { RoundStore } from '../rounds/round-store';
import { SeparationOfDutiesService } from '../users/separation-of-duties.service';
import type { AssessmentOpeningDto } from './assessment-response.dto';
import { assessmentError } from './assessment.errors';

// Moving a closed round's bids into assessment, and failing a bid on eligibility.
@Injectable()
export class AssessmentOpeningService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rounds: RoundsService,
    private readonly roundStore: RoundStore,
    private readonly bids: BidProgressService,
    private readonly duties: SeparationOfDutiesService,
  ) {}

  // One transaction: the round moves to assessment with its deadline, and every submitted bid
  // goes to assessment or, without its PCC's endorsement, fails eligibility.
  start(actor: AuditActor, roundId: string, assessmentDueAt: Date, now = new Date()) {
    return this.dataSource.transaction(async (manager): Promise<AssessmentOpeningDto> => {
      if (assessmentDueAt.getTime() <= now.getTime()) {
        throw assessmentError('assessment-deadline-past', {
          errors: [
            {
              field: 'assessmentDueAt',
              message: `${formatLondonZoned(assessmentDueAt)} has passed`,
            },
          ],
        });
      }
      const round = await this.rounds.runIn(manager, actor, roundId, 'start-assessment', now, {
        assessmentDueAt,
      });
      const opened = await this.bids.openAssessment(manager, actor, roundId, now);
      return { round, inAssessment: opened.inAssessment, eligibilityFailed: opened.failed };
    });
  }

  failEligibility(actor: AuditActor, bidId: string, reason: string, now = new Date()) {
    return this.dataSource.transaction(async (manager): Promise<BidDto> => {
      const bid = await this.bids.find(manager, bidId);
      await this.duties.refuseIfTied(manager, actor.id, bid, 'fail on eligibility');
      const round = await this.roundStore.findPublished(manager, bid.roundId, 'share');
      return this.bids.failEligibility(manager, actor, bidId, reason, round?.status ?? '', now);
    });
  }
}
