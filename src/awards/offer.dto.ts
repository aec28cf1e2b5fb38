import { ApiProperty } from '@nestjs/swagger';
import { CostLineDto } from '../bids/bid.dto';
import { TrimmedText } from '../common/validation';
import { ScheduledReturnDto } from '../returns/return-response.dto';
import { RoundDto } from '../rounds/round-response.dto';
import { DECISION_STATUSES, type DecisionStatus } from './award.entity';

export class AcceptOfferDto {
  @ApiProperty({ example: 'Alex Morgan', description: 'Who accepts for the organisation' })
  @TrimmedText(2, 200)
  signatoryName: string;

  @ApiProperty({ example: 'Chief Finance Officer', description: 'Their position' })
  @TrimmedText(2, 200)
  signatoryPosition: string;
}

export class CloseAwardDto {
  @ApiProperty({
    maxLength: 4000,
    description: 'Why, for the record',
    example: 'The council could not secure the match funding the offer depended on',
  })
  @TrimmedText(1, 4000)
  reason: string;
}

export class PublicationDto {
  @ApiProperty({ type: RoundDto })
  round: RoundDto;

  @ApiProperty({ description: 'Bids awarded a grant (offers made)' })
  awarded: number;

  @ApiProperty({ description: 'Bids told they were unsuccessful' })
  unsuccessful: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Offers lapse unless accepted by then',
  })
  offerExpiresAt: Date | null;

  @ApiProperty({
    type: [String],
    description: 'References of bids whose organisation has no active applicant to email',
  })
  unreachable: string[];
}

// A bid's outcome as its bidder reads it, once the round's outcomes are published.
export class OutcomeDto {
  @ApiProperty({ format: 'uuid' })
  bidId: string;

  @ApiProperty()
  reference: string;

  @ApiProperty()
  bidTitle: string;

  @ApiProperty({ enum: ['awarded', 'unsuccessful'] })
  outcome: 'awarded' | 'unsuccessful';

  @ApiProperty({ format: 'date-time' })
  publishedAt: Date;

  @ApiProperty()
  requestedPence: number;

  @ApiProperty({
    description:
      'Awarded as decided (0 when unsuccessful); a later variation changes the award (its terms now are on GET /awards/{id}), not this',
  })
  amountPence: number;

  @ApiProperty({ type: [CostLineDto], description: 'The award’s lines as decided' })
  lines: CostLineDto[];

  @ApiProperty({ type: [String] })
  conditions: string[];

  @ApiProperty({ type: String, nullable: true, description: 'Why the bid was not funded' })
  reason: string | null;

  @ApiProperty({ type: String, nullable: true })
  feedback: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The award, if any' })
  awardId: string | null;

  @ApiProperty({
    enum: DECISION_STATUSES,
    nullable: true,
    description: 'Where the award stands now (offered, active, declined, ...)',
  })
  awardStatus: DecisionStatus | null;
}

// An award as its recipient and staff read it: the offer, its acceptance and the returns owed.
export class AwardDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'The bid’s reference, also the award’s' })
  reference: string;

  @ApiProperty({ format: 'uuid' })
  bidId: string;

  @ApiProperty()
  bidTitle: string;

  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty()
  roundName: string;

  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ enum: DECISION_STATUSES })
  status: DecisionStatus;

  @ApiProperty()
  amountPence: number;

  @ApiProperty({ type: [CostLineDto] })
  lines: CostLineDto[];

  @ApiProperty({ type: [String] })
  conditions: string[];

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

  @ApiProperty({
    description:
      'Still offered but past its deadline: it can no longer be accepted, and waits for the programme to withdraw it',
  })
  offerLapsed: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  acceptedAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  signatoryName: string | null;

  @ApiProperty({ type: String, nullable: true })
  signatoryPosition: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  closedAt: Date | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it was declined or withdrawn' })
  closeReason: string | null;

  @ApiProperty({ type: [ScheduledReturnDto], description: 'Quarterly returns owed, once accepted' })
  returns: ScheduledReturnDto[];

  @ApiProperty()
  version: number;
}
