import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  Length,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CostLineDto } from '../bids/bid.dto';
import { EachIsObject, IsDateOnly, trimEach, trimString, TrimmedText } from '../common/validation';
import { DUE_DILIGENCE_RATINGS, type DueDiligenceRating } from './award.rules';
import { DECISION_OUTCOMES, type DecisionOutcome } from './award.entity';

const isAward = (body: DecisionDto) => body.outcome === 'award';
const isReject = (body: DecisionDto) => body.outcome === 'reject';

export class DecisionDto {
  @ApiProperty({ enum: DECISION_OUTCOMES })
  @IsIn(DECISION_OUTCOMES, { message: 'outcome must be award or reject' })
  outcome: DecisionOutcome;

  @ApiPropertyOptional({
    type: [CostLineDto],
    description:
      'With award: the amount per financial year and capital/revenue, each at most what the bid asked for there',
  })
  @ValidateIf((body: DecisionDto) => isAward(body) || body.lines !== undefined)
  @IsArray({ message: 'lines must be a list of amounts per financial year and kind' })
  @ArrayMaxSize(20)
  @EachIsObject()
  @ValidateNested({ each: true })
  @Type(() => CostLineDto)
  lines?: CostLineDto[];

  @ApiPropertyOptional({
    type: [String],
    example: ['Quarterly returns within 30 days of quarter end'],
    description: 'With award: conditions of the grant (none when left out)',
  })
  @ValidateIf((body: DecisionDto) => body.conditions !== undefined)
  @IsArray({ message: 'conditions must be a list of text' })
  @ArrayMaxSize(30)
  @Transform(trimEach)
  @IsString({ each: true, message: 'each condition must be text' })
  @Length(1, 2000, { each: true, message: 'each condition must be 1 to 2000 characters' })
  conditions?: string[];

  @ApiPropertyOptional({
    maxLength: 4000,
    description: 'With award, when due diligence is amber: why the award goes ahead',
    example:
      'Late filing of accounts only; the council underwrites the project and payment is in arrears against returns',
  })
  @ValidateIf((body: DecisionDto) => body.dueDiligenceAcceptance !== undefined)
  @TrimmedText(1, 4000)
  dueDiligenceAcceptance?: string;

  @ApiPropertyOptional({
    maxLength: 4000,
    description: 'With reject: the reason, for the record',
    example: 'Weighted score 41, below the round’s quality threshold of 50',
  })
  @ValidateIf((body: DecisionDto) => isReject(body) || body.reason !== undefined)
  @TrimmedText(1, 4000)
  reason?: string;

  @ApiPropertyOptional({
    maxLength: 8000,
    description: 'With reject: feedback for the bidder',
    example:
      'The problem profile was strong, but the bid did not show how the wardens would be sustained after March 2027 or how success would be measured.',
  })
  @ValidateIf((body: DecisionDto) => isReject(body) || body.feedback !== undefined)
  @TrimmedText(1, 8000)
  feedback?: string;
}

export class SecondApprovalDto {
  @ApiProperty({
    description: 'true confirms the award; false does not, with a reason',
    example: true,
  })
  @IsBoolean({ message: 'confirm must be true or false' })
  confirm: boolean;

  @ApiPropertyOptional({
    maxLength: 4000,
    description: 'Required when not confirming',
    example: 'The capital lines exceed what the bid asked for in 2026/27',
  })
  @ValidateIf((body: SecondApprovalDto) => body.confirm === false || body.reason !== undefined)
  @TrimmedText(1, 4000)
  reason?: string;
}

export class DueDiligenceDto {
  @ApiProperty({ enum: DUE_DILIGENCE_RATINGS })
  @IsIn(DUE_DILIGENCE_RATINGS, { message: 'rating must be red, amber or green' })
  rating: DueDiligenceRating;

  @ApiProperty({ example: '2026-11-20', description: 'The day the checks were made' })
  @Transform(trimString)
  @IsDateOnly('checkedOn', '2026-11-20')
  checkedOn: string;

  @ApiProperty({
    maxLength: 8000,
    example: 'Companies House and Charity Commission records current.',
  })
  @TrimmedText(1, 8000)
  notes: string;
}
