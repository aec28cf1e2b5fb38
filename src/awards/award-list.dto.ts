import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { SearchParam, SortParam, sortValues, type SortValue } from '../common/list-query';
import { PageMetaDto, PageQuery } from '../common/pagination';
import { RETURN_STATUSES, type ReturnStatus } from '../returns/delivery-return.entity';
import { DECISION_STATUSES, type DecisionStatus } from './award.entity';

// An award's statuses: every decision status but a rejection's.
export const AWARD_STATUSES = DECISION_STATUSES.filter(
  (status): status is Exclude<DecisionStatus, 'rejected'> => status !== 'rejected',
);
export type AwardStatus = (typeof AWARD_STATUSES)[number];

// What the awards list sorts by, each an SQL expression of the list query.
export const AWARD_SORT_COLUMNS = {
  reference: 'b.reference',
  organisationName: 'o.name',
  amountPence: 'a.amount_pence',
  offerExpiresAt: 'a.offer_expires_at',
  acceptedAt: 'a.accepted_at',
  publishedAt: 'a.published_at',
};
export const AWARD_SORTS = sortValues(AWARD_SORT_COLUMNS);
export type AwardSort = SortValue<keyof typeof AWARD_SORT_COLUMNS>;

export class AwardQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'roundId must be a round id' })
  roundId?: string;

  @ApiPropertyOptional({
    enum: AWARD_STATUSES,
    enumName: 'AwardStatus',
    description:
      'Left out, every award but those a second approver did not confirm (ask for `not_confirmed` to see them)',
  })
  @IsOptional()
  @IsIn(AWARD_STATUSES, { message: `status must be one of ${AWARD_STATUSES.join(', ')}` })
  status?: AwardStatus;

  @SortParam(AWARD_SORTS, 'AwardSort', 'reference')
  sort: AwardSort = 'reference';

  @SearchParam('awards whose reference, bid title or organisation name')
  q?: string;
}

// The return an award owes next: the earliest still with the bidder.
export class NextReturnDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Q2 2026/27' })
  quarterLabel: string;

  @ApiProperty({ example: '2026/27' })
  financialYear: string;

  @ApiProperty({ type: 'integer', enum: [1, 2, 3, 4] })
  quarter: number;

  @ApiProperty({ format: 'date' })
  dueOn: string;

  @ApiProperty({ enum: RETURN_STATUSES, enumName: 'ReturnStatus' })
  status: ReturnStatus;

  @ApiProperty({ description: 'Past its due date and not sent (UK calendar)' })
  overdue: boolean;
}

// An award as a list screen shows it.
export class AwardSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'SSF5-0042', description: 'The bid’s reference, also the award’s' })
  reference: string;

  @ApiProperty({ format: 'uuid' })
  bidId: string;

  @ApiProperty()
  bidTitle: string;

  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty({ example: 'SSF5' })
  roundCode: string;

  @ApiProperty({ enum: AWARD_STATUSES, enumName: 'AwardStatus' })
  status: AwardStatus;

  @ApiProperty({ type: 'integer', description: 'Awarded, in pence' })
  amountPence: number;

  @ApiProperty({ type: 'integer', description: 'Of which capital, in pence' })
  capitalPence: number;

  @ApiProperty({ type: 'integer', description: 'Of which revenue, in pence' })
  revenuePence: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  publishedAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  offerExpiresAt: Date | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The deadline on the UK clock with its zone named, e.g. 23 December 2026 23:59:59 GMT',
  })
  offerExpiresUkTime: string | null;

  @ApiProperty({ description: 'Still offered but past its deadline' })
  offerLapsed: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  acceptedAt: Date | null;

  @ApiProperty({
    type: NextReturnDto,
    nullable: true,
    description:
      'The earliest return still with the bidder (not sent, or sent back); none once all are sent',
  })
  nextReturn: NextReturnDto | null;
}

export class AwardPageDto extends PageMetaDto {
  @ApiProperty({ type: [AwardSummaryDto] })
  items: AwardSummaryDto[];
}
