import { ApiProperty } from '@nestjs/swagger';
import { RankedBidDto } from '../assessment/assessment-response.dto';
import { CostLineDto } from '../bids/bid.dto';
import { DUE_DILIGENCE_RATINGS, type DueDiligenceRating } from './award.rules';
import {
  DECISION_OUTCOMES,
  DECISION_STATUSES,
  type DecisionOutcome,
  type DecisionStatus,
} from './award.entity';

export class DecisionResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty({ format: 'uuid' })
  bidId: string;

  @ApiProperty({ example: 'SSF5-0042', description: 'The bid’s reference, also the award’s' })
  reference: string;

  @ApiProperty()
  bidTitle: string;

  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ enum: DECISION_OUTCOMES })
  outcome: DecisionOutcome;

  @ApiProperty({ enum: DECISION_STATUSES })
  status: DecisionStatus;

  @ApiProperty({ description: 'Requested by the bid, in pence' })
  requestedPence: number;

  @ApiProperty({ description: 'Awarded, in pence (0 for a rejection)' })
  amountPence: number;

  @ApiProperty({ type: [CostLineDto] })
  lines: CostLineDto[];

  @ApiProperty({ type: [String] })
  conditions: string[];

  @ApiProperty({ type: String, nullable: true })
  rejectionReason: string | null;

  @ApiProperty({ type: String, nullable: true })
  feedback: string | null;

  @ApiProperty({ type: String, nullable: true })
  dueDiligenceAcceptance: string | null;

  @ApiProperty({ format: 'uuid' })
  decidedBy: string;

  @ApiProperty()
  decidedByName: string;

  @ApiProperty({ format: 'date-time' })
  decidedAt: Date;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  secondApproverId: string | null;

  @ApiProperty({ type: String, nullable: true })
  secondApproverName: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  secondDecidedAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  secondReason: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  publishedAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  offerExpiresAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  closedAt: Date | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it was declined or withdrawn' })
  closeReason: string | null;

  @ApiProperty()
  version: number;
}

export class RoundDecisionsDto {
  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty()
  budgetPence: number;

  @ApiProperty({ description: 'Held by live awards, those awaiting a second approval included' })
  livePence: number;

  @ApiProperty({ description: 'Of which awaiting a second approval' })
  pendingSecondApprovalPence: number;

  @ApiProperty({ description: 'Budget minus live awards' })
  remainingPence: number;

  @ApiProperty({
    description:
      'Of live awards, held by offers past their deadline: withdraw them to release the money',
  })
  lapsedOffersPence: number;

  @ApiProperty({ type: [DecisionResponseDto], description: 'Standing decisions, by reference' })
  items: DecisionResponseDto[];
}

export class FundingLineDto {
  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty()
  budgetPence: number;

  @ApiProperty({
    type: [RankedBidDto],
    description: 'Bids above the quality threshold, in rank order, that fit',
  })
  funded: RankedBidDto[];

  @ApiProperty({ description: 'Budget left after the funded bids' })
  remainingPence: number;

  @ApiProperty({
    type: RankedBidDto,
    nullable: true,
    description: 'The first bid that does not fit',
  })
  firstNotFunded: RankedBidDto | null;

  @ApiProperty({ description: 'False while bids still await a final score: the line may move' })
  complete: boolean;
}

export class DueDiligenceCheckDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty({ enum: DUE_DILIGENCE_RATINGS })
  rating: DueDiligenceRating;

  @ApiProperty({ example: '2026-11-20' })
  checkedOn: string;

  @ApiProperty()
  notes: string;

  @ApiProperty()
  recordedByName: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt: Date;
}
