import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { COST_KINDS, type CostKind } from '../bids/bid-lines.entity';
import { SearchParam, SortParam, sortValues, type SortValue } from '../common/list-query';
import { PageQuery } from '../common/pagination';
import { IsDateOnly, IsPence, OptionalListOf, TrimmedText, trimString } from '../common/validation';

// No single quarter's line passes £1bn: far above any award, and sums stay exact integers.
const MAX_LINE_PENCE = 100_000_000_000;
const FINANCIAL_YEAR = /^\d{4}\/\d{2}$/;
export const RAG_RATINGS = ['red', 'amber', 'green'] as const;
export type Rag = (typeof RAG_RATINGS)[number];
export const MILESTONE_STATUSES = ['not_started', 'on_track', 'delayed', 'complete'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

// The cell of an award a line of money belongs to.
class YearKindLineDto {
  @ApiProperty({ example: '2026/27' })
  @Matches(FINANCIAL_YEAR, { message: 'financialYear must be written like 2026/27' })
  financialYear: string;

  @ApiProperty({ enum: COST_KINDS })
  @IsIn(COST_KINDS, { message: 'kind must be capital or revenue' })
  kind: CostKind;
}

export class SpendLineDto extends YearKindLineDto {
  @ApiProperty({ example: 7_500_000, description: 'Spent in the quarter, in pence' })
  @IsPence('amountPence', MAX_LINE_PENCE)
  amountPence: number;
}

export class ForecastLineDto extends SpendLineDto {
  @ApiProperty({ enum: [1, 2, 3, 4], description: 'A later quarter of the award' })
  @IsInt({ message: 'quarter must be 1, 2, 3 or 4' })
  @Min(1, { message: 'quarter must be 1, 2, 3 or 4' })
  @Max(4, { message: 'quarter must be 1, 2, 3 or 4' })
  quarter: number;
}

export class OutputDto {
  @ApiProperty({
    format: 'uuid',
    description: 'An intervention of the funded bid',
    example: '6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a',
  })
  @IsUUID('all', { message: 'interventionId must be the id of one of the bid’s interventions' })
  interventionId: string;

  @ApiProperty({
    example: 12,
    description: 'Delivered in the quarter, in the bid’s output measure',
  })
  @IsInt({ message: 'achieved must be a whole number' })
  @Min(0, { message: 'achieved may not be negative' })
  @Max(10_000_000, { message: 'achieved may be at most 10,000,000' })
  achieved: number;
}

// Named apart from the bid's MilestoneDto and RiskDto: the OpenAPI document keys schemas by name.
@ApiSchema({ name: 'ReturnMilestoneDto' })
export class MilestoneDto {
  @ApiProperty({ example: 'Street lighting contract let', maxLength: 200 })
  @TrimmedText(1, 200)
  title: string;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2026-09-30' })
  @IsOptional()
  @IsDateOnly('dueOn', '2026-09-30')
  dueOn?: string | null;

  @ApiProperty({ enum: MILESTONE_STATUSES })
  @IsIn(MILESTONE_STATUSES, { message: `status must be one of ${MILESTONE_STATUSES.join(', ')}` })
  status: MilestoneStatus;

  @ApiProperty({ enum: RAG_RATINGS })
  @IsIn(RAG_RATINGS, { message: 'rag must be red, amber or green' })
  rag: Rag;

  @ApiPropertyOptional({
    maxLength: 2000,
    example: 'Contract awarded to the council’s framework supplier on 12 August',
  })
  @IsOptional()
  @Transform(trimString)
  @IsString({ message: 'comment must be text' })
  @MaxLength(2000, { message: 'comment may be at most 2000 characters' })
  comment?: string;
}

@ApiSchema({ name: 'ReturnRiskDto' })
export class RiskDto {
  @ApiProperty({ example: 'Contractor capacity delays installation', maxLength: 500 })
  @TrimmedText(1, 500)
  description: string;

  @ApiProperty({ enum: RAG_RATINGS })
  @IsIn(RAG_RATINGS, { message: 'rag must be red, amber or green' })
  rag: Rag;

  @ApiProperty({
    maxLength: 2000,
    example: 'Second installer on the council framework booked for October',
  })
  @TrimmedText(1, 2000)
  mitigation: string;
}

// A return's draft: every field optional; those sent replace what was saved, the rest stay.
export class SaveReturnDto {
  @ApiPropertyOptional({
    type: [SpendLineDto],
    description: 'Spent in the quarter, by financial year and kind (the quarter’s own year only)',
  })
  @OptionalListOf(() => SpendLineDto, 2)
  spend?: SpendLineDto[];

  @ApiPropertyOptional({ type: [ForecastLineDto], description: 'Expected in later quarters' })
  @OptionalListOf(() => ForecastLineDto, 40)
  forecast?: ForecastLineDto[];

  @ApiPropertyOptional({ example: 1_250_000, description: 'Match funding spent in the quarter' })
  @IsOptional()
  @IsPence('matchFundingSpentPence', MAX_LINE_PENCE, { zero: true })
  matchFundingSpentPence?: number;

  @ApiPropertyOptional({ type: [OutputDto] })
  @OptionalListOf(() => OutputDto, 50)
  outputs?: OutputDto[];

  @ApiPropertyOptional({ type: [MilestoneDto] })
  @OptionalListOf(() => MilestoneDto, 50)
  milestones?: MilestoneDto[];

  @ApiPropertyOptional({ type: [RiskDto] })
  @OptionalListOf(() => RiskDto, 50)
  risks?: RiskDto[];

  @ApiPropertyOptional({
    maxLength: 20000,
    description: 'Progress in the quarter',
    example:
      '18 of 42 lighting columns installed and 9 alley gates fitted; 64 home security checks completed',
  })
  @IsOptional()
  @Transform(trimString)
  @IsString({ message: 'narrative must be text' })
  @MaxLength(20000, { message: 'narrative may be at most 20000 characters' })
  narrative?: string;

  @ApiPropertyOptional({
    type: String,
    maxLength: 5000,
    nullable: true,
    description: 'Why spend differs from profile (needed above the round’s variance threshold)',
    example: 'Column delivery slipped to Q3: £40,000 of capital spend moves to October',
  })
  @IsOptional()
  @Transform(trimString)
  @IsString({ message: 'varianceExplanation must be text' })
  @MaxLength(5000, { message: 'varianceExplanation may be at most 5000 characters' })
  varianceExplanation?: string | null;
}

// What finance approves of a claimed line: from nothing (an ineligible line) to all of it.
export class ApprovedLineDto extends YearKindLineDto {
  @ApiProperty({ example: 7_000_000, description: 'Approved, in pence (0 to the amount claimed)' })
  @IsPence('amountPence', MAX_LINE_PENCE, { zero: true })
  amountPence: number;
}

// A review names the submission it was made on, when the reviewer wants to be sure it is still
// the one waiting (a page left open while the return was sent back and resubmitted).
export class ReviewDto {
  @ApiPropertyOptional({
    example: 2,
    description: 'The submission number reviewed; 409 if another is now waiting',
  })
  @IsOptional()
  @IsInt({ message: 'submission must be a submission number such as 2' })
  @Min(1, { message: 'submission must be a submission number such as 2' })
  @Max(1000, { message: 'submission must be a submission number such as 2' })
  submission?: number;
}

export class ApproveReturnDto extends ReviewDto {
  @ApiPropertyOptional({
    type: [ApprovedLineDto],
    description:
      'Spend approved per year and kind, if less than claimed (a comment then says why); left out, everything claimed is approved',
  })
  @OptionalListOf(() => ApprovedLineDto, 2)
  approvedSpend?: ApprovedLineDto[];

  @ApiPropertyOptional({
    maxLength: 5000,
    example: '£5,000 of CCTV maintenance is ineligible revenue spend and was not approved',
  })
  @IsOptional()
  @TrimmedText(1, 5000)
  comment?: string;
}

export class RequestChangesDto extends ReviewDto {
  @ApiProperty({ maxLength: 5000, example: 'Q2 revenue spend lacks the invoices for CCTV.' })
  @TrimmedText(5, 5000)
  comments: string;
}

export class RecordPaymentDto {
  @ApiProperty({ format: 'date', example: '2026-08-14' })
  @IsDateOnly('paidOn', '2026-08-14')
  paidOn: string;

  @ApiProperty({ example: 'BACS-2026-0814-0042', maxLength: 100 })
  @TrimmedText(1, 100)
  reference: string;
}

export const RETURN_FILTERS = [
  'upcoming',
  'due',
  'overdue',
  'submitted',
  'approved',
  'changes_requested',
  'cancelled',
] as const;
export type ReturnFilter = (typeof RETURN_FILTERS)[number];

// What the returns list sorts by, each an SQL expression of the list query.
export const RETURN_SORT_COLUMNS = {
  dueOn: 'd.due_on',
  reference: 'b.reference',
  organisationName: 'o.name',
  submittedAt: 's.submitted_at',
  periodStartsOn: 'd.period_starts_on',
};
export const RETURN_SORTS = sortValues(RETURN_SORT_COLUMNS);
export type ReturnSort = SortValue<keyof typeof RETURN_SORT_COLUMNS>;

export class ReturnQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'roundId must be a round id' })
  roundId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'awardId must be an award id' })
  awardId?: string;

  @ApiPropertyOptional({
    enum: RETURN_FILTERS,
    description: '`due` is open and not yet late; `overdue` is past its due date and not sent',
  })
  @IsOptional()
  @IsIn(RETURN_FILTERS, { message: `status must be one of ${RETURN_FILTERS.join(', ')}` })
  status?: ReturnFilter;

  @SortParam(RETURN_SORTS, 'ReturnSort', 'dueOn')
  sort: ReturnSort = 'dueOn';

  @SearchParam('returns whose award reference, bid title or organisation name')
  q?: string;
}

export const PAYMENT_STATUSES = ['to_make', 'made'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export class PaymentQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'roundId must be a round id' })
  roundId?: string;

  @ApiPropertyOptional({ enum: PAYMENT_STATUSES })
  @IsOptional()
  @IsIn(PAYMENT_STATUSES, { message: 'status must be to_make or made' })
  status?: PaymentStatus;
}
