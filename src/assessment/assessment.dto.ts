import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../common/pagination';
import { EachIsObject, IsInstant, trimString, TrimmedText } from '../common/validation';
import { ASSIGNMENT_STATUSES, type AssignmentStatus } from './assignment.entity';

export class StartAssessmentDto {
  @ApiProperty({
    format: 'date-time',
    example: '2026-12-18T17:00:00Z',
    description: 'When assessors’ scores are due; reminders count back from it',
  })
  @IsInstant('assessmentDueAt')
  assessmentDueAt: string;
}

export class AssignDto {
  @ApiProperty({
    format: 'uuid',
    description: 'An active assessor',
    example: '64851bd3-6e76-4614-80ab-3e0a930456db',
  })
  @IsUUID('all', { message: 'assessorId must be a UUID' })
  assessorId: string;
}

export class AutoAssignDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'The round’s panel: assign only these assessors (default: every active assessor)',
    example: ['64851bd3-6e76-4614-80ab-3e0a930456db', 'fd6d373a-9b7f-462d-8fa6-d271fb700df7'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'assessorIds, when given, must name at least one assessor' })
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true, message: 'each of assessorIds must be a UUID' })
  assessorIds?: string[];
}

export class DeclarationDto {
  @ApiProperty({ description: 'true declares a conflict of interest with the bid', example: true })
  @IsBoolean({ message: 'conflict must be true or false' })
  conflict: boolean;

  @ApiPropertyOptional({
    maxLength: 4000,
    description: 'Required with a conflict: what the tie is',
    example: 'I was a trustee of the bidding charity until 2024.',
  })
  @ValidateIf((body: DeclarationDto) => body.conflict === true || body.reason !== undefined)
  @TrimmedText(1, 4000)
  reason?: string;
}

export class MarkDto {
  @ApiProperty({
    format: 'uuid',
    description: 'A criterion of the bid’s round',
    example: '5814b212-a866-4ce8-9ae1-e72f28649e36',
  })
  @IsUUID('all', { message: 'criterionId must be a UUID' })
  criterionId: string;

  @ApiProperty({ example: 4, description: 'A whole number from 0 to the criterion’s maximum' })
  @IsInt({ message: 'mark must be a whole number' })
  @Min(0, { message: 'mark cannot be negative' })
  @Max(100, { message: 'mark cannot exceed 100 (no criterion is marked out of more)' })
  mark: number;

  @ApiProperty({
    maxLength: 4000,
    description: 'Why this mark; required',
    example: 'Clear crime analysis by LSOA, but no baseline for the repeat-victim measure',
  })
  @TrimmedText(1, 4000)
  justification: string;
}

export class MarksDto {
  @ApiProperty({
    type: [MarkDto],
    description: 'Marks to save; criteria not sent keep what they had',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @EachIsObject()
  @ValidateNested({ each: true })
  @Type(() => MarkDto)
  marks: MarkDto[];
}

export const MODERATION_DECISIONS = ['accept-mean', 'set-score'] as const;
export type ModerationDecision = (typeof MODERATION_DECISIONS)[number];

export class ModerationDto {
  @ApiProperty({ enum: MODERATION_DECISIONS })
  @IsIn(MODERATION_DECISIONS, { message: 'decision must be accept-mean or set-score' })
  decision: ModerationDecision;

  @ApiPropertyOptional({
    example: 64.5,
    description: 'With set-score: the moderated score, 0 to 100, at most two decimals',
  })
  @ValidateIf((body: ModerationDto) => body.decision === 'set-score' || body.score !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'score must be a number' })
  score?: number;

  @ApiPropertyOptional({
    maxLength: 4000,
    description: 'Required with set-score',
    example: 'Second assessor overlooked the signed partnership letters; the panel agreed 64.5',
  })
  @ValidateIf((body: ModerationDto) => body.decision === 'set-score' || body.reason !== undefined)
  @TrimmedText(1, 4000)
  reason?: string;
}

export class AffiliationsDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Organisations you are tied to',
    example: ['bfb16bc2-3e82-4245-b6fb-c3fdf1b4b1b0'],
  })
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'each of organisationIds must be a UUID' })
  organisationIds: string[];

  @ApiProperty({
    type: [String],
    example: ['E23000007'],
    description: 'Force areas you are tied to',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^(E23|W15)\d{6}$/, {
    each: true,
    message: 'each of forceAreaCodes must be a force area code like E23000007',
  })
  forceAreaCodes: string[];

  @ApiPropertyOptional({ maxLength: 2000, example: 'Seconded to Northumbria OPCC 2023-24' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class AssignmentQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'roundId must be a UUID' })
  roundId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'bidId must be a UUID' })
  bidId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Moderators only: one assessor’s work' })
  @IsOptional()
  @IsUUID('all', { message: 'assessorId must be a UUID' })
  assessorId?: string;

  @ApiPropertyOptional({ enum: ASSIGNMENT_STATUSES })
  @IsOptional()
  @IsIn(ASSIGNMENT_STATUSES, {
    message: `status must be one of ${ASSIGNMENT_STATUSES.join(', ')}`,
  })
  status?: AssignmentStatus;
}

export class AssessorQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Count each assessor’s load in this round' })
  @IsOptional()
  @IsUUID('all', { message: 'roundId must be a UUID' })
  roundId?: string;
}
