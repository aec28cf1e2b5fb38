import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { COST_KINDS, type CostKind } from '../bids/bid-lines.entity';
import { PageMetaDto, PageQuery } from '../common/pagination';
import { IsInstant } from '../common/validation';
import { DEFAULT_AS_AT_WORDS } from './spend-summary.rules';

export class SpendSummaryQuery extends PageQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    description: `The moment the figures are read as at (${DEFAULT_AS_AT_WORDS}); the same moment gives the same figures later`,
  })
  @IsOptional()
  @IsInstant('asAt')
  asAt?: string;
}

// The money columns of every level of the summary, in pence.
export class SpendMoneyDto {
  @ApiProperty()
  awardedPence: number;

  @ApiProperty({ description: 'In returns sent and not sent back' })
  claimedPence: number;

  @ApiProperty()
  approvedPence: number;

  @ApiProperty()
  paidPence: number;

  @ApiProperty({ description: 'Forecast in the latest return for quarters still to come' })
  forecastPence: number;

  @ApiProperty({ description: 'Released at year end, never carried over' })
  releasedPence: number;

  @ApiProperty({ description: 'Awarded less approved and released (0 for withdrawn awards)' })
  remainingPence: number;
}

export class SpendYearLineDto extends SpendMoneyDto {
  @ApiProperty({ example: '2026/27' })
  financialYear: string;

  @ApiProperty({ enum: COST_KINDS })
  kind: CostKind;
}

export class SpendQuarterDto {
  @ApiProperty({ example: '2026/27' })
  financialYear: string;

  @ApiProperty({ enum: [1, 2, 3, 4] })
  quarter: number;

  @ApiProperty({ description: 'Capital and revenue together' })
  profilePence: number;

  @ApiProperty()
  claimedCapitalPence: number;

  @ApiProperty()
  claimedRevenuePence: number;

  @ApiProperty()
  approvedPence: number;

  @ApiProperty()
  paidPence: number;

  @ApiProperty()
  forecastPence: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Claimed against profile, whole percent; null with nothing claimed or no profile',
  })
  variancePercent: number | null;

  @ApiProperty({ description: 'Past its due date and not sent (as at)' })
  overdue: boolean;
}

export class SpendAwardDto extends SpendMoneyDto {
  @ApiProperty({ format: 'uuid' })
  awardId: string;

  @ApiProperty({ example: 'SSF5-0042' })
  reference: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ example: 'pcc' })
  applicantType: string;

  @ApiProperty({ type: String, nullable: true, example: 'E23000007' })
  forceAreaCode: string | null;

  @ApiProperty({ example: 'Northumbria' })
  forceAreaName: string;

  @ApiProperty({ enum: ['active', 'completed', 'withdrawn'] })
  status: string;

  @ApiProperty({ type: [SpendYearLineDto] })
  years: SpendYearLineDto[];

  @ApiProperty({ type: [SpendQuarterDto] })
  quarters: SpendQuarterDto[];

  @ApiProperty()
  overdueReturns: number;

  @ApiProperty({
    description:
      'Claimed and forecast together fall short of the award (less releases) by more than the round’s variance threshold',
  })
  underspendRisk: boolean;
}

export class SpendAwardPageDto extends PageMetaDto {
  @ApiProperty({ type: [SpendAwardDto] })
  items: SpendAwardDto[];
}

export class SpendTotalDto extends SpendMoneyDto {
  @ApiProperty({ description: 'Awards counted' })
  awards: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Force area (force-area subtotals)',
  })
  forceAreaCode?: string | null;

  @ApiPropertyOptional()
  forceAreaName?: string;

  @ApiPropertyOptional({ description: 'Applicant type (applicant-type subtotals)' })
  applicantType?: string;

  @ApiPropertyOptional({ example: '2026/27' })
  financialYear?: string;

  @ApiPropertyOptional({ enum: COST_KINDS })
  kind?: CostKind;
}

export class SpendTotalsDto {
  @ApiProperty({ type: SpendTotalDto })
  round: SpendTotalDto;

  @ApiProperty({ type: [SpendTotalDto] })
  byForceArea: SpendTotalDto[];

  @ApiProperty({ type: [SpendTotalDto] })
  byApplicantType: SpendTotalDto[];

  @ApiProperty({ type: [SpendTotalDto] })
  byYearAndKind: SpendTotalDto[];
}

export class SpendSummaryDto {
  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty({ example: 'SSF5' })
  roundCode: string;

  @ApiProperty()
  roundName: string;

  @ApiProperty({ format: 'date-time', description: 'The figures as they stood at this moment' })
  asAt: string;

  @ApiProperty({
    example: '1 April 2026 09:00:05 BST',
    description: 'The same moment on the UK clock with its zone named, as the exports state it',
  })
  asAtLondon: string;

  @ApiProperty({ type: SpendTotalsDto })
  totals: SpendTotalsDto;

  @ApiProperty({
    type: SpendAwardPageDto,
    description: 'Awards in reference order, a page at a time',
  })
  awards: SpendAwardPageDto;
}
