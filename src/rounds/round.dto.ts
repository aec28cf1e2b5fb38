import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SearchParam, SortParam, sortValues, type SortValue } from '../common/list-query';
import { PageQuery } from '../common/pagination';
import {
  EachIsObject,
  IsDateOnly,
  IsInstant,
  IsPence,
  trimEach,
  trimString,
} from '../common/validation';
import { ORGANISATION_TYPES, type OrganisationType } from '../organisations/organisation.entity';
import {
  AWARD_TYPES,
  type AwardType,
  BID_LIMIT_SCOPES,
  type BidLimitScope,
  ROUND_STATUSES,
  type RoundStatus,
} from './funding-round.entity';

export class CriterionDto {
  @ApiProperty({ example: 'Strategic case', maxLength: 200 })
  @Transform(trimString)
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiPropertyOptional({
    maxLength: 2000,
    default: '',
    example:
      'How well the bid evidences the problem in the target area and explains why its interventions will reduce it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  guidance?: string;

  @ApiProperty({
    minimum: 1,
    maximum: 100,
    example: 30,
    description: 'Weights of a round sum to 100',
  })
  @IsInt()
  @Min(1)
  @Max(100)
  weight: number;

  @ApiProperty({
    minimum: 1,
    maximum: 100,
    example: 5,
    description: 'Highest mark an assessor may give',
  })
  @IsInt()
  @Min(1)
  @Max(100)
  maxMark: number;
}

export class YearCapDto {
  @ApiProperty({ example: '2022/23' })
  @Matches(/^\d{4}\/\d{2}$/, { message: 'financialYear must be written like 2022/23' })
  financialYear: string;

  @ApiProperty({
    example: 50_000_000,
    description: 'Most a bid may ask for in this financial year, in pence',
  })
  @IsPence('capPence')
  capPence: number;
}

export class MatchFundingDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 50 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  pcc?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 50 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  local_authority?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 50 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  btp?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  cso?: number;
}

export class TaxonomyCategoryDto {
  @ApiProperty({ example: 'Situational crime prevention' })
  @Transform(trimString)
  @IsString()
  @Length(1, 100)
  category: string;

  @ApiProperty({ example: ['CCTV', 'Street lighting'] })
  @Transform(trimEach)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  types: string[];
}

export class CreateRoundDto {
  @ApiProperty({ example: 'SSF4', description: 'Short code used in bid references' })
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,19}$/, {
    message: 'code must be 2 to 20 capital letters, digits or hyphens, such as SSF4',
  })
  code: string;

  @ApiProperty({ example: 'Safer Streets Fund round 4', maxLength: 200 })
  @Transform(trimString)
  @IsString()
  @Length(3, 200)
  name: string;

  @ApiProperty({ enum: AWARD_TYPES })
  @IsIn(AWARD_TYPES, { message: `awardType must be one of ${AWARD_TYPES.join(', ')}` })
  awardType: AwardType;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    maxLength: 4000,
    description: 'Required for a direct award',
    example:
      'Funding is allocated per police force area and each PCC proposes projects after consulting its councils; an open competition would not widen who can deliver in the area.',
  })
  @ValidateIf((_dto, value) => value !== null && value !== undefined)
  @IsString()
  @MaxLength(4000)
  directAwardJustification?: string | null;

  @ApiProperty({ example: 7_500_000_000, description: 'Round budget in pence' })
  @IsPence('budgetPence')
  budgetPence: number;

  @ApiProperty({ format: 'date-time', example: '2022-03-18T09:00:00Z' })
  @IsInstant('opensAt')
  opensAt: string;

  @ApiProperty({ format: 'date-time', example: '2022-05-27T22:59:00Z' })
  @IsInstant('closesAt')
  closesAt: string;

  @ApiProperty({ format: 'date', example: '2022-07-01' })
  @IsDateOnly('deliveryStartsOn', '2026-04-01')
  deliveryStartsOn: string;

  @ApiProperty({ format: 'date', example: '2023-09-30' })
  @IsDateOnly('deliveryEndsOn', '2026-04-01')
  deliveryEndsOn: string;

  @ApiProperty({ enum: ORGANISATION_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1, { message: 'eligibleApplicantTypes must name at least one type' })
  @IsIn(ORGANISATION_TYPES, {
    each: true,
    message: `each eligible applicant type must be one of ${ORGANISATION_TYPES.join(', ')}`,
  })
  eligibleApplicantTypes: OrganisationType[];

  @ApiProperty({ example: 75_000_000, description: 'Most one bid may ask for, in pence' })
  @IsPence('capPerBidPence')
  capPerBidPence: number;

  @ApiPropertyOptional({ type: [YearCapDto], description: 'Optional caps per financial year' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @EachIsObject()
  @ValidateNested({ each: true })
  @Type(() => YearCapDto)
  yearCaps?: YearCapDto[];

  @ApiPropertyOptional({
    type: MatchFundingDto,
    description:
      'Match funding required of a bid, as a percentage of the amount it requests, by applicant type',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MatchFundingDto)
  matchFundingPercent?: MatchFundingDto;

  @ApiProperty({ enum: BID_LIMIT_SCOPES })
  @IsIn(BID_LIMIT_SCOPES, {
    message: `bidLimitScope must be one of ${BID_LIMIT_SCOPES.join(', ')}`,
  })
  bidLimitScope: BidLimitScope;

  @ApiProperty({ minimum: 1, maximum: 50, example: 3 })
  @IsInt()
  @Min(1)
  @Max(50)
  bidLimit: number;

  @ApiPropertyOptional({
    example: ['burglary', 'robbery', 'theft from the person', 'vehicle crime'],
  })
  @IsOptional()
  @Transform(trimEach)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  crimeFocus?: string[];

  @ApiPropertyOptional({ type: [TaxonomyCategoryDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @EachIsObject()
  @ValidateNested({ each: true })
  @Type(() => TaxonomyCategoryDto)
  interventionTaxonomy?: TaxonomyCategoryDto[];

  @ApiProperty({ type: [CriterionDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'criteria must have at least one criterion' })
  @ArrayMaxSize(20)
  @EachIsObject()
  @ValidateNested({ each: true })
  @Type(() => CriterionDto)
  criteria: CriterionDto[];

  @ApiPropertyOptional({ minimum: 1, maximum: 5, default: 2, example: 2 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  assessmentsPerBid?: number;

  @ApiProperty({
    minimum: 0,
    maximum: 100,
    example: 15,
    description: 'Score spread (0-100) above which moderation is needed',
  })
  @IsInt()
  @Min(0)
  @Max(100)
  divergenceThreshold: number;

  @ApiProperty({
    minimum: 0,
    maximum: 100,
    example: 50,
    description: 'Lowest weighted score (0-100) a fundable bid may have',
  })
  @IsInt()
  @Min(0)
  @Max(100)
  qualityThreshold: number;

  @ApiPropertyOptional({
    default: 10_000_000,
    example: 10_000_000,
    description: 'Awards above this (pence) need a second approver',
  })
  @IsOptional()
  @IsPence('approvalThresholdPence')
  approvalThresholdPence?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 90,
    default: 30,
    example: 30,
    description: 'Days after quarter end a return is due',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  returnDueDays?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 90,
    default: 28,
    example: 28,
    description: 'Days after outcomes are published that a bidder has to accept a grant offer',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  offerAcceptanceDays?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 100,
    default: 10,
    example: 10,
    description:
      'A quarterly return whose spend differs from its profile by more than this percentage, either way, needs an explanation',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  varianceThresholdPercent?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 90,
    default: 30,
    example: 30,
    description: 'Days after a return is approved by which its payment (in arrears) is due',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  paymentDays?: number;

  @ApiPropertyOptional({
    default: false,
    example: false,
    description:
      'A record of a round that has already run (its bidding window closed): its window may open long ago and delivery may start before bids closed. It is never opened for bidding; POST /rounds/{id}/record-historic records it as closed out. Fixed at creation.',
  })
  @IsOptional()
  @IsBoolean()
  historic?: boolean;
}

export class UpdateRoundDto extends PartialType(OmitType(CreateRoundDto, ['historic'] as const)) {}

// What the rounds list sorts by: fields of the round.
export const ROUND_SORT_FIELDS = {
  opensAt: 'opensAt',
  closesAt: 'closesAt',
  code: 'code',
  name: 'name',
} as const;
export const ROUND_SORTS = sortValues(ROUND_SORT_FIELDS);
export type RoundSort = SortValue<keyof typeof ROUND_SORT_FIELDS>;

export class RoundQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROUND_STATUSES })
  @IsOptional()
  @IsIn(ROUND_STATUSES, { message: `status must be one of ${ROUND_STATUSES.join(', ')}` })
  status?: RoundStatus;

  @SortParam(ROUND_SORTS, 'RoundSort', '-opensAt')
  sort: RoundSort = '-opensAt';

  @SearchParam('rounds whose code or name')
  q?: string;
}
