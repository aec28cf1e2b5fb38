import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { COST_KINDS, type CostKind } from '../bids/bid-lines.entity';
import {
  EachIsObject,
  IsDateOnly,
  IsPence,
  OptionalListOf,
  trimString,
  TrimmedText,
} from '../common/validation';
import type { FinancialQuarter } from '../returns/return-schedule.rules';
import { VARIATION_STATUSES, type VariationStatus } from './variation.entity';

const MAX_CELL_PENCE = 100_000_000_000;

export class ProfileCellDto {
  @ApiProperty({ example: '2026/27' })
  @Matches(/^\d{4}\/\d{2}$/, { message: 'financialYear must be written like 2026/27' })
  financialYear: string;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 4,
    example: 3,
    description: 'Q1 April–June … Q4 January–March',
  })
  @IsInt({ message: 'quarter must be 1, 2, 3 or 4' })
  @Min(1, { message: 'quarter must be 1, 2, 3 or 4' })
  @Max(4, { message: 'quarter must be 1, 2, 3 or 4' })
  quarter: FinancialQuarter;

  @ApiProperty({ enum: COST_KINDS })
  @IsIn(COST_KINDS, { message: 'kind must be capital or revenue' })
  kind: CostKind;

  @ApiProperty({ example: 8_333_333, description: 'Amount in pence (0 for nothing)' })
  @IsPence('amountPence', MAX_CELL_PENCE, { zero: true })
  amountPence: number;
}

export class OutputTargetDto {
  @ApiProperty({ format: 'uuid', example: '6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a' })
  @IsUUID('all', { message: 'interventionId must be the id of one of the bid’s interventions' })
  interventionId: string;

  @ApiProperty({ example: 60, description: 'The new target for the intervention’s output' })
  @IsInt({ message: 'outputTarget must be a whole number' })
  @Min(0, { message: 'outputTarget may not be negative' })
  @Max(10_000_000, { message: 'outputTarget may be at most 10,000,000' })
  outputTarget: number;
}

export class RequestVariationDto {
  @ApiProperty({ maxLength: 4000, example: 'Lighting columns delayed by the supplier' })
  @TrimmedText(1, 4000)
  reason: string;

  @ApiProperty({
    type: [ProfileCellDto],
    description:
      'The award’s whole quarterly profile after the change (financial year × quarter × kind); its year × kind lines are summed from it. A quarter or kind left out is nothing.',
  })
  @IsArray({ message: 'profile must be a list of amounts per financial year, quarter and kind' })
  @ArrayMaxSize(200)
  @EachIsObject()
  @ValidateNested({ each: true })
  @Type(() => ProfileCellDto)
  profile: ProfileCellDto[];

  @ApiPropertyOptional({
    example: '2027-03-31',
    description:
      'A later end of delivery, within the award’s last funded financial year; left out keeps it',
  })
  @IsOptional()
  @Transform(trimString)
  @IsDateOnly('deliveryEndsOn', '2027-03-31')
  deliveryEndsOn?: string;

  @ApiPropertyOptional({ type: [OutputTargetDto], description: 'New output targets' })
  @OptionalListOf(() => OutputTargetDto, 50)
  outputTargets?: OutputTargetDto[];
}

export class RefuseVariationDto {
  @ApiProperty({ maxLength: 4000, example: 'The Q4 profile leaves no time to install the columns' })
  @TrimmedText(1, 4000)
  reason: string;
}

export class YearKindLineDto {
  @ApiProperty({ example: '2026/27' })
  financialYear: string;

  @ApiProperty({ enum: COST_KINDS })
  kind: CostKind;

  @ApiProperty({ example: 25_000_000 })
  amountPence: number;
}

export class ProfileCellResponseDto extends YearKindLineDto {
  // Typed here: a union type's metadata reads Object where files are compiled one at a time.
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 4 })
  quarter: FinancialQuarter;
}

export class OutputTargetResponseDto {
  @ApiProperty({ format: 'uuid' })
  interventionId: string;

  @ApiProperty()
  outputTarget: number;
}

// The award as it stood when the variation was approved.
export class VariationBeforeDto {
  @ApiProperty({ type: [ProfileCellResponseDto] })
  profile: ProfileCellResponseDto[];

  @ApiProperty({ type: [YearKindLineDto] })
  lines: YearKindLineDto[];

  @ApiProperty()
  amountPence: number;

  @ApiProperty({ example: '2026-12-31' })
  deliveryEndsOn: string;
}

export class VariationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  awardId: string;

  @ApiProperty({ example: 'SSF5-0042' })
  awardReference: string;

  @ApiProperty({ enum: VARIATION_STATUSES })
  status: VariationStatus;

  @ApiProperty()
  reason: string;

  @ApiProperty({ type: [ProfileCellResponseDto] })
  profile: ProfileCellResponseDto[];

  @ApiProperty({ type: [YearKindLineDto], description: 'The year × kind lines of the profile' })
  lines: YearKindLineDto[];

  @ApiProperty({ description: 'The award’s total after the change' })
  amountPence: number;

  @ApiProperty({ type: String, nullable: true, example: '2027-03-31' })
  deliveryEndsOn: string | null;

  @ApiProperty({ type: [OutputTargetResponseDto], nullable: true })
  outputTargets: OutputTargetResponseDto[] | null;

  @ApiProperty({ format: 'uuid' })
  requestedBy: string;

  @ApiProperty()
  requestedAt: Date;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  decidedBy: string | null;

  @ApiProperty({ type: Date, nullable: true })
  decidedAt: Date | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  secondApproverId: string | null;

  @ApiProperty({ type: Date, nullable: true, description: 'When the change took effect' })
  approvedAt: Date | null;

  @ApiProperty({ type: Date, nullable: true })
  closedAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  refusalReason: string | null;

  @ApiProperty({ type: VariationBeforeDto, nullable: true })
  before: VariationBeforeDto | null;

  @ApiProperty()
  version: number;
}

export class VariationListDto {
  @ApiProperty({ type: [VariationDto] })
  items: VariationDto[];
}
