import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { SearchParam, SortParam, sortValues, type SortValue } from '../common/list-query';
import { PageQuery } from '../common/pagination';
import { IsDateOnly, IsPence, OptionalListOf, TrimmedText } from '../common/validation';
import { ORGANISATION_TYPES, type OrganisationType } from '../organisations/organisation.entity';
import { BID_STATUSES, type BidStatus } from './bid.entity';
import {
  COST_KINDS,
  type CostKind,
  MATCH_FUNDING_KINDS,
  type MatchFundingKind,
} from './bid-lines.entity';

// A single line may not exceed £1bn: far above any cap, and sums of lines stay exact integers.
const MAX_LINE_PENCE = 100_000_000_000;
const LSOA = /^[EW]01\d{6}$/;

export class CostLineDto {
  @ApiProperty({ example: '2022/23' })
  @Matches(/^\d{4}\/\d{2}$/, { message: 'financialYear must be written like 2022/23' })
  financialYear: string;

  @ApiProperty({ enum: COST_KINDS })
  @IsIn(COST_KINDS, { message: 'kind must be capital or revenue' })
  kind: CostKind;

  @ApiProperty({ example: 25_000_000, description: 'Amount in pence' })
  @IsPence('amountPence', MAX_LINE_PENCE)
  amountPence: number;
}

export class MatchFundingLineDto {
  @ApiProperty({ example: 'Newcastle City Council capital programme', maxLength: 200 })
  @TrimmedText(1, 200)
  source: string;

  @ApiProperty({ enum: MATCH_FUNDING_KINDS })
  @IsIn(MATCH_FUNDING_KINDS, { message: 'kind must be cash or in_kind' })
  kind: MatchFundingKind;

  @ApiProperty({ example: 5_000_000, description: 'Amount in pence' })
  @IsPence('amountPence', MAX_LINE_PENCE)
  amountPence: number;
}

export class InterventionDto {
  @ApiProperty({ example: 'Situational and target hardening', maxLength: 100 })
  @TrimmedText(1, 100)
  category: string;

  @ApiProperty({ example: 'Street lighting', maxLength: 100 })
  @TrimmedText(1, 100)
  type: string;

  @ApiProperty({
    maxLength: 4000,
    example: 'Replace 42 sodium lamps with LED columns along the back alleys of Raby Street',
  })
  @TrimmedText(1, 4000)
  description: string;

  @ApiPropertyOptional({
    maxLength: 4000,
    description: 'Why it is expected to work',
    example:
      'College of Policing Crime Reduction Toolkit: improved street lighting reduces crime in the lit area',
  })
  @IsOptional()
  @TrimmedText(0, 4000)
  evidence?: string;

  @ApiProperty({ example: 12_000_000, description: 'Cost in pence' })
  @IsPence('costPence', MAX_LINE_PENCE)
  costPence: number;

  @ApiPropertyOptional({
    type: String,
    example: 'street lights installed',
    maxLength: 200,
    nullable: true,
  })
  @ValidateIf((_dto, value) => value !== null && value !== undefined)
  @TrimmedText(1, 200)
  outputMeasure?: string | null;

  @ApiPropertyOptional({ type: 'integer', example: 40, minimum: 1, nullable: true })
  @ValidateIf((_dto, value) => value !== null && value !== undefined)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  outputTarget?: number | null;
}

export class PartnerDto {
  @ApiProperty({ example: 'Northumbria Police', maxLength: 200 })
  @TrimmedText(1, 200)
  name: string;

  @ApiProperty({ example: 'Designing Out Crime Officer survey of the area', maxLength: 1000 })
  @TrimmedText(1, 1000)
  role: string;
}

export class MilestoneDto {
  @ApiProperty({ example: 'Lighting columns installed', maxLength: 200 })
  @TrimmedText(1, 200)
  title: string;

  @ApiProperty({ format: 'date', example: '2022-11-30' })
  @IsDateOnly('dueOn', '2022-11-30')
  dueOn: string;
}

export class RiskDto {
  @ApiProperty({ example: 'Supplier lead times for columns', maxLength: 1000 })
  @TrimmedText(1, 1000)
  description: string;

  @ApiProperty({ example: 'Order in the first month; council framework supplier', maxLength: 1000 })
  @TrimmedText(1, 1000)
  mitigation: string;
}

// Every part of a bid a bidder writes. On an edit, a list that is sent replaces the old one.
export class BidContentDto {
  @ApiProperty({ example: 'Safer alleys for Byker', maxLength: 200 })
  @TrimmedText(1, 200)
  title: string;

  @ApiPropertyOptional({
    maxLength: 4000,
    example:
      'Alley gates, LED lighting and home security checks for 600 terraced houses in Byker, where burglary runs at three times the force average',
  })
  @IsOptional()
  @TrimmedText(0, 4000)
  summary?: string;

  @ApiPropertyOptional({ example: ['E01008324', 'E01008325'], description: 'LSOA codes' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @Matches(LSOA, {
    each: true,
    message: 'each target area must be an LSOA code such as E01000001 or W01000001',
  })
  targetLsoas?: string[];

  @ApiPropertyOptional({
    maxLength: 20000,
    description: 'Crime analysis of the target area',
    example:
      '212 residential burglaries in the two LSOAs in 2024/25, 68% entered from the rear alleys after dark; repeat victimisation 19%',
  })
  @IsOptional()
  @TrimmedText(0, 20000)
  problemProfile?: string;

  @ApiPropertyOptional({ example: 'burglary', nullable: true, type: String })
  @ValidateIf((_dto, value) => value !== null && value !== undefined)
  @TrimmedText(1, 100)
  primaryCrimeType?: string | null;

  @ApiPropertyOptional({ example: ['vehicle crime'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  secondaryCrimeTypes?: string[];

  @ApiPropertyOptional({
    maxLength: 8000,
    example:
      'Gated and lit alleys remove the unobserved rear access burglars use; security checks harden the homes burgled before, cutting repeat burglary',
  })
  @IsOptional()
  @TrimmedText(0, 8000)
  theoryOfChange?: string;

  @ApiPropertyOptional({ type: [InterventionDto] })
  @OptionalListOf(() => InterventionDto, 50)
  interventions?: InterventionDto[];

  @ApiPropertyOptional({
    type: [CostLineDto],
    description: 'One line per financial year and capital/revenue; they sum to the request',
  })
  @OptionalListOf(() => CostLineDto, 20)
  costLines?: CostLineDto[];

  @ApiPropertyOptional({ type: [MatchFundingLineDto] })
  @OptionalListOf(() => MatchFundingLineDto, 50)
  matchFunding?: MatchFundingLineDto[];

  @ApiPropertyOptional({ type: [PartnerDto] })
  @OptionalListOf(() => PartnerDto, 50)
  partners?: PartnerDto[];

  @ApiPropertyOptional({
    maxLength: 8000,
    example:
      'Door-to-door survey of residents on the gated alleys (71% in favour); ward councillors and the neighbourhood policing team consulted in March',
  })
  @IsOptional()
  @TrimmedText(0, 8000)
  consultation?: string;

  @ApiPropertyOptional({ type: [MilestoneDto] })
  @OptionalListOf(() => MilestoneDto, 50)
  milestones?: MilestoneDto[];

  @ApiPropertyOptional({ type: [RiskDto] })
  @OptionalListOf(() => RiskDto, 50)
  risks?: RiskDto[];

  @ApiPropertyOptional({
    maxLength: 8000,
    example:
      'Recorded burglary in the target LSOAs against comparable areas, 12 months before and after; resident survey on feelings of safety',
  })
  @IsOptional()
  @TrimmedText(0, 8000)
  evaluationApproach?: string;
}

export class CreateBidDto extends BidContentDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The open round the bid is for',
    example: '62e312e7-0f29-4cf0-9df1-8fc2ebb5dba9',
  })
  @IsUUID('all', { message: 'roundId must be a UUID' })
  roundId: string;
}

export class UpdateBidDto extends PartialType(BidContentDto) {}

// What the bids list sorts by, each an SQL expression of the list query.
export const BID_SORT_COLUMNS = {
  createdAt: 'b.created_at',
  submittedAt: 'b.submitted_at',
  reference: 'b.reference',
  title: 'b.title',
  requestedPence: 'b.requested_pence',
  organisationName: 'o.name',
};
export const BID_SORTS = sortValues(BID_SORT_COLUMNS);
export type BidSort = SortValue<keyof typeof BID_SORT_COLUMNS>;

export class BidQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'roundId must be a UUID' })
  roundId?: string;

  @ApiPropertyOptional({ enum: BID_STATUSES })
  @IsOptional()
  @IsIn(BID_STATUSES, { message: `status must be one of ${BID_STATUSES.join(', ')}` })
  status?: BidStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'organisationId must be a UUID' })
  organisationId?: string;

  @ApiPropertyOptional({ example: 'E23000007' })
  @IsOptional()
  @Matches(/^[EW]\d{8}$/, { message: 'forceAreaCode must be a code such as E23000007' })
  forceAreaCode?: string;

  @ApiPropertyOptional({ enum: ORGANISATION_TYPES })
  @IsOptional()
  @IsIn(ORGANISATION_TYPES, {
    message: `applicantType must be one of ${ORGANISATION_TYPES.join(', ')}`,
  })
  applicantType?: OrganisationType;

  @SortParam(BID_SORTS, 'BidSort', '-createdAt')
  sort: BidSort = '-createdAt';

  @SearchParam('bids whose reference, title or organisation name')
  q?: string;
}

export class ReasonDto {
  @ApiProperty({ maxLength: 4000, example: 'The partnership has chosen to fund this locally.' })
  @TrimmedText(1, 4000)
  reason: string;
}

export class AreaRankingDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: "The area's submitted bids in priority order, highest first",
    example: ['cbb5f442-1857-4acc-a484-8ffe7e0d6cdc', '274ac92c-0e86-451a-b59c-636385434653'],
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'bidIds must list at least one bid' })
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: 'each of bidIds must be a UUID' })
  bidIds: string[];
}
