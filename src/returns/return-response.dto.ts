import { ApiProperty } from '@nestjs/swagger';
import { COST_KINDS, type CostKind } from '../bids/bid-lines.entity';
import { PageMetaDto } from '../common/pagination';
import { FieldErrorDto } from '../common/problem.dto';
import { RETURN_STATUSES, type ReturnStatus } from './delivery-return.entity';
import { REVIEW_OUTCOMES, type ReviewOutcome } from './return-submission.entity';
import {
  ForecastLineDto,
  MilestoneDto,
  OutputDto,
  PAYMENT_STATUSES,
  type PaymentStatus,
  RiskDto,
  SpendLineDto,
} from './return.dto';

export class ScheduledReturnDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: '2026/27' })
  financialYear: string;

  @ApiProperty({ enum: [1, 2, 3, 4], description: 'Q1 April–June … Q4 January–March' })
  quarter: number;

  @ApiProperty({ format: 'date' })
  periodStartsOn: string;

  @ApiProperty({ format: 'date' })
  periodEndsOn: string;

  @ApiProperty({ format: 'date', description: 'The round’s due days after the quarter ends' })
  dueOn: string;

  @ApiProperty({ enum: RETURN_STATUSES })
  status: ReturnStatus;

  @ApiProperty({ description: 'Due and not sent by its due date (UK calendar)' })
  overdue: boolean;

  @ApiProperty({
    description:
      'Whether the bidder may write and send it: not yet sent (upcoming or due), or sent back for changes',
  })
  withBidder: boolean;
}

export class ReturnContentDto {
  @ApiProperty({ type: [SpendLineDto] })
  spend: SpendLineDto[];

  @ApiProperty({ type: [ForecastLineDto] })
  forecast: ForecastLineDto[];

  @ApiProperty()
  matchFundingSpentPence: number;

  @ApiProperty({ type: [OutputDto] })
  outputs: OutputDto[];

  @ApiProperty({ type: [MilestoneDto] })
  milestones: MilestoneDto[];

  @ApiProperty({ type: [RiskDto] })
  risks: RiskDto[];

  @ApiProperty()
  narrative: string;

  @ApiProperty({ type: String, nullable: true })
  varianceExplanation: string | null;
}

// A financial year and kind: the cell of an award that money is counted in.
export class YearKindDto {
  @ApiProperty({ example: '2026/27' })
  financialYear: string;

  @ApiProperty({ enum: COST_KINDS })
  kind: CostKind;
}

export class ReviewedSpendLineDto extends YearKindDto {
  @ApiProperty()
  claimedPence: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Set when the return is approved' })
  approvedPence: number | null;
}

export class SubmissionDto {
  @ApiProperty({ description: '1 for the first sending, then each resubmission' })
  number: number;

  @ApiProperty({ type: ReturnContentDto })
  content: ReturnContentDto;

  @ApiProperty({ type: [ReviewedSpendLineDto] })
  spend: ReviewedSpendLineDto[];

  @ApiProperty({ format: 'date-time' })
  submittedAt: Date;

  @ApiProperty()
  submittedBy: string;

  @ApiProperty({ enum: REVIEW_OUTCOMES, nullable: true })
  outcome: ReviewOutcome | null;

  @ApiProperty({ type: String, nullable: true })
  reviewComment: string | null;

  @ApiProperty({ type: Date, nullable: true, format: 'date-time' })
  reviewedAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  reviewedBy: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Approved spend, paid in arrears' })
  payablePence: number | null;
}

export class VarianceDto {
  @ApiProperty({
    description:
      'The quarter’s profile: its share of the year’s award, or what an approved variation set',
  })
  profilePence: number;

  @ApiProperty()
  actualPence: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Actual against profile, whole percent rounded halves away from zero as the spend summary rounds it; null with no profile',
  })
  percent: number | null;

  @ApiProperty()
  thresholdPercent: number;

  @ApiProperty()
  needsExplanation: boolean;
}

export class PaymentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  returnId: string;

  @ApiProperty({ format: 'uuid' })
  awardId: string;

  @ApiProperty({ example: 'SSF5-0042' })
  awardReference: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ example: '2026/27' })
  financialYear: string;

  @ApiProperty({ enum: [1, 2, 3, 4] })
  quarter: number;

  @ApiProperty()
  amountPence: number;

  @ApiProperty({ format: 'date', description: 'The round’s payment days after approval' })
  dueOn: string;

  @ApiProperty({ enum: PAYMENT_STATUSES })
  status: PaymentStatus;

  @ApiProperty({ type: String, nullable: true, format: 'date' })
  paidOn: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The bank or ledger reference' })
  paymentReference: string | null;
}

export class OutputProgressDto {
  @ApiProperty({ format: 'uuid' })
  interventionId: string;

  @ApiProperty({ example: 'Street lighting' })
  type: string;

  @ApiProperty({ type: String, nullable: true, example: 'lighting columns installed' })
  outputMeasure: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The target given in the bid' })
  outputTarget: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'In this return (null: not given)' })
  thisQuarter: number | null;

  @ApiProperty({ description: 'Over the award’s sent returns and this one' })
  toDate: number;
}

export class ReturnDto extends ScheduledReturnDto {
  @ApiProperty({ format: 'uuid' })
  awardId: string;

  @ApiProperty({ example: 'SSF5-0042', description: 'The award’s (and bid’s) reference' })
  awardReference: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ description: 'Send it back in If-Match when saving the draft' })
  version: number;

  @ApiProperty({ type: ReturnContentDto, description: 'What the bidder is writing' })
  draft: ReturnContentDto;

  @ApiProperty({
    type: VarianceDto,
    description: 'The draft’s spend against the quarter’s profile',
  })
  variance: VarianceDto;

  @ApiProperty({
    type: [FieldErrorDto],
    description: 'What stops the draft being submitted now (empty once it can be)',
  })
  problems: FieldErrorDto[];

  @ApiProperty({
    type: [OutputProgressDto],
    description: 'Each intervention’s outputs against the bid’s target',
  })
  outputs: OutputProgressDto[];

  @ApiProperty({ type: [SubmissionDto], description: 'Every sending, oldest first, with reviews' })
  submissions: SubmissionDto[];

  @ApiProperty({ type: PaymentDto, nullable: true })
  payment: PaymentDto | null;
}

export class ReturnSummaryDto extends ScheduledReturnDto {
  @ApiProperty({ format: 'uuid' })
  awardId: string;

  @ApiProperty({ example: 'SSF5-0042' })
  awardReference: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ description: 'Times submitted' })
  submissions: number;

  @ApiProperty({ example: 'Q2 2026/27' })
  quarterLabel: string;

  @ApiProperty()
  bidTitle: string;

  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty({ example: 'SSF5' })
  roundCode: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the latest submission was sent; null until first submitted',
  })
  submittedAt: Date | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Spend claimed by the latest submission, in pence; null until first submitted',
  })
  claimedPence: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Of the claim, approved by finance, in pence; null until approved',
  })
  approvedPence: number | null;
}

export class ReturnPageDto extends PageMetaDto {
  @ApiProperty({ type: [ReturnSummaryDto] })
  items: ReturnSummaryDto[];
}

export class PaymentPageDto extends PageMetaDto {
  @ApiProperty({ type: [PaymentDto] })
  items: PaymentDto[];
}

export class PositionLineDto extends YearKindDto {
  @ApiProperty()
  awardedPence: number;

  @ApiProperty({ description: 'In returns sent (awaiting review or approved)' })
  claimedPence: number;

  @ApiProperty()
  approvedPence: number;

  @ApiProperty()
  paidPence: number;

  @ApiProperty({ description: 'Not spent by the year’s end, released; never carried over' })
  releasedPence: number;

  @ApiProperty({ description: 'Awarded less approved and released' })
  remainingPence: number;
}

export class AwardPositionDto {
  @ApiProperty({ format: 'uuid' })
  awardId: string;

  @ApiProperty({ example: 'SSF5-0042' })
  awardReference: string;

  @ApiProperty({ example: 'active' })
  awardStatus: string;

  @ApiProperty({ type: [PositionLineDto], description: 'Per financial year and kind' })
  lines: PositionLineDto[];

  @ApiProperty({ type: PositionLineDto, description: 'The award as a whole (financialYear "all")' })
  total: Omit<PositionLineDto, 'kind'> & { kind: CostKind | 'all' };

  @ApiProperty({ description: 'Payments approved but not yet recorded as made' })
  toPayPence: number;

  @ApiProperty({
    type: [ScheduledReturnDto],
    description: 'Every return, with overdue ones flagged',
  })
  returns: ScheduledReturnDto[];

  @ApiProperty({ description: 'Returns past their due date and not sent' })
  overdueReturns: number;
}
