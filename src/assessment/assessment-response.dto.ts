import { ApiProperty } from '@nestjs/swagger';
import { BID_STATUSES, type BidStatus } from '../bids/bid.entity';
import { PageMetaDto } from '../common/pagination';
import { RoundDto } from '../rounds/round-response.dto';
import {
  ASSIGNMENT_STATUSES,
  type AssignmentStatus,
  DECLARATIONS,
  type Declaration,
} from './assignment.entity';
import { FINAL_SCORE_BASES, type FinalScoreBasis } from './bid-score.entity';

export class FailedBidDto {
  @ApiProperty({ format: 'uuid' })
  bidId: string;

  @ApiProperty({ example: 'SSF5-0007' })
  reference: string;

  @ApiProperty()
  reason: string;
}

export class AssessmentOpeningDto {
  @ApiProperty({ type: RoundDto })
  round: RoundDto;

  @ApiProperty({ description: 'Bids moved to in_assessment' })
  inAssessment: number;

  @ApiProperty({ type: [FailedBidDto], description: 'Bids failed for lack of endorsement' })
  eligibilityFailed: FailedBidDto[];
}

export class MarkViewDto {
  @ApiProperty({ format: 'uuid' })
  criterionId: string;

  @ApiProperty()
  criterionTitle: string;

  @ApiProperty()
  maxMark: number;

  @ApiProperty()
  weight: number;

  @ApiProperty()
  mark: number;

  @ApiProperty()
  justification: string;
}

export class AssignmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty({ format: 'uuid' })
  bidId: string;

  @ApiProperty({ example: 'SSF5-0007' })
  bidReference: string;

  @ApiProperty({ description: 'Enough to spot a conflict before reading the bid' })
  bidTitle: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ nullable: true, type: String, example: 'E23000007' })
  forceAreaCode: string | null;

  @ApiProperty({ format: 'uuid' })
  assessorId: string;

  @ApiProperty()
  assessorName: string;

  @ApiProperty({ enum: ASSIGNMENT_STATUSES })
  status: AssignmentStatus;

  @ApiProperty({ enum: DECLARATIONS, nullable: true })
  declaration: Declaration | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  declaredAt: Date | null;

  @ApiProperty({ nullable: true, type: String })
  conflictReason: string | null;

  @ApiProperty({ format: 'date-time' })
  assignedAt: Date;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  submittedAt: Date | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '72.50',
    description: 'Weighted score 0-100 to two decimals, once submitted',
  })
  score: string | null;

  @ApiProperty({ nullable: true, type: Number, example: 7250 })
  scoreHundredths: number | null;

  @ApiProperty({
    type: [MarkViewDto],
    description:
      'Shown to the assessor who wrote them, to moderators, and to fellow assessors of the bid once they have submitted their own',
  })
  marks: MarkViewDto[];

  @ApiProperty()
  version: number;
}

export class AssignmentPageDto extends PageMetaDto {
  @ApiProperty({ type: [AssignmentDto] })
  items: AssignmentDto[];
}

export class ShortfallDto {
  @ApiProperty({ format: 'uuid' })
  bidId: string;

  @ApiProperty()
  reference: string;

  @ApiProperty({ description: 'Assessors still needed' })
  missing: number;
}

export class AutoAssignmentDto {
  @ApiProperty({ type: [AssignmentDto], description: 'Assignments made by this call' })
  assignments: AssignmentDto[];

  @ApiProperty({ type: [ShortfallDto], description: 'Bids left short of assessors' })
  shortfalls: ShortfallDto[];
}

export class BidScoreDto {
  @ApiProperty({ format: 'uuid' })
  bidId: string;

  @ApiProperty()
  reference: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ enum: BID_STATUSES })
  status: BidStatus;

  @ApiProperty()
  requestedPence: number;

  @ApiProperty()
  assessmentsRequired: number;

  @ApiProperty()
  assessmentsSubmitted: number;

  @ApiProperty({ description: 'Assignments not yet submitted' })
  assessmentsOutstanding: number;

  @ApiProperty({ nullable: true, type: String, example: '68.33' })
  mean: string | null;

  @ApiProperty({ nullable: true, type: String, example: '21.67' })
  spread: string | null;

  @ApiProperty({ description: 'Spread above the round’s divergence threshold' })
  divergent: boolean;

  @ApiProperty({ description: 'Divergent with no final score yet' })
  needsModeration: boolean;

  @ApiProperty({ nullable: true, type: String, example: '64.50' })
  finalScore: string | null;

  @ApiProperty({ nullable: true, type: Number, example: 6450 })
  finalScoreHundredths: number | null;

  @ApiProperty({ enum: FINAL_SCORE_BASES, nullable: true })
  finalBasis: FinalScoreBasis | null;

  @ApiProperty({ nullable: true, type: String })
  moderationReason: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  moderatedAt: Date | null;
}

export class BidAssessmentsDto {
  @ApiProperty({ type: BidScoreDto })
  score: BidScoreDto;

  @ApiProperty({ type: [AssignmentDto], description: 'Submitted assessments with their marks' })
  assessments: AssignmentDto[];
}

export class RankedBidDto {
  @ApiProperty()
  rank: number;

  @ApiProperty({ format: 'uuid' })
  bidId: string;

  @ApiProperty()
  reference: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ example: '71.25' })
  finalScore: string;

  @ApiProperty({ example: 7125 })
  finalScoreHundredths: number;

  @ApiProperty({ format: 'date-time' })
  submittedAt: Date;

  @ApiProperty()
  requestedPence: number;

  @ApiProperty({ description: 'Requested by this bid and every bid above it' })
  runningTotalPence: number;

  @ApiProperty({ description: 'Budget less the running total; negative once it is exceeded' })
  remainingBudgetPence: number;

  @ApiProperty()
  withinBudget: boolean;

  @ApiProperty({ description: 'Final score at or above the round’s quality threshold' })
  aboveQualityThreshold: boolean;
}

export class RankingDto {
  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty()
  budgetPence: number;

  @ApiProperty({ description: 'Points (0-100) a bid needs to be fundable' })
  qualityThreshold: number;

  @ApiProperty({ description: 'Every bid in assessment has a final score' })
  complete: boolean;

  @ApiProperty({ type: [RankedBidDto] })
  items: RankedBidDto[];

  @ApiProperty({ type: [BidScoreDto], description: 'Bids still without a final score' })
  awaitingFinalScore: BidScoreDto[];
}

export class AffiliationDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  organisationId: string | null;

  @ApiProperty({ nullable: true, type: String })
  organisationName: string | null;

  @ApiProperty({ nullable: true, type: String })
  forceAreaCode: string | null;

  @ApiProperty({ format: 'date-time' })
  declaredAt: Date;
}

export class AssessorDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  email: string;

  @ApiProperty({ type: [AffiliationDto] })
  affiliations: AffiliationDto[];

  @ApiProperty()
  note: string;

  @ApiProperty({ description: 'Assigned and submitted assessments in the round asked about' })
  load: number;
}
