import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageMetaDto } from '../common/pagination';
import { ORGANISATION_TYPES, type OrganisationType } from '../organisations/organisation.entity';
import { BidContentDto, InterventionDto } from './bid.dto';
import { BID_STATUSES, type BidStatus } from './bid.entity';

export const ENDORSEMENT_STATES = ['not_required', 'awaiting', 'endorsed', 'declined'] as const;
export type EndorsementState = (typeof ENDORSEMENT_STATES)[number];

export class InterventionResponseDto extends InterventionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  declare evidence: string;

  @ApiProperty({ nullable: true, type: String })
  declare outputMeasure: string | null;

  @ApiProperty({ nullable: true, type: Number })
  declare outputTarget: number | null;
}

export class EndorsementDto {
  @ApiProperty({
    enum: ENDORSEMENT_STATES,
    description: 'not_required for a PCC’s own bid or one outside any PCC area',
  })
  state: EndorsementState;

  @ApiProperty({ nullable: true, type: String })
  reason: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  decidedAt: Date | null;
}

export class BidDto extends BidContentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'SSF3-0042' })
  reference: string;

  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty({ example: 'SSF3' })
  roundCode: string;

  @ApiProperty({ format: 'uuid' })
  organisationId: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ enum: ORGANISATION_TYPES })
  applicantType: OrganisationType;

  @ApiProperty({ nullable: true, type: String, example: 'E23000007' })
  forceAreaCode: string | null;

  @ApiProperty({ enum: BID_STATUSES })
  status: BidStatus;

  @ApiProperty({ description: 'Sum of the cost lines, in pence' })
  requestedPence: number;

  @ApiProperty({ description: 'Sum of the match funding lines, in pence' })
  matchFundingPence: number;

  @ApiProperty({ type: [InterventionResponseDto] })
  declare interventions: InterventionResponseDto[];

  @ApiProperty()
  declare summary: string;

  @ApiProperty({ type: [String] })
  declare targetLsoas: string[];

  @ApiProperty()
  declare problemProfile: string;

  @ApiProperty({ nullable: true, type: String })
  declare primaryCrimeType: string | null;

  @ApiProperty({ type: [String] })
  declare secondaryCrimeTypes: string[];

  @ApiProperty()
  declare theoryOfChange: string;

  @ApiProperty()
  declare consultation: string;

  @ApiProperty()
  declare evaluationApproach: string;

  @ApiProperty({ type: EndorsementDto })
  endorsement: EndorsementDto;

  @ApiProperty({ nullable: true, type: Number, description: 'The PCC’s priority, 1 = highest' })
  pccRank: number | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  submittedAt: Date | null;

  @ApiProperty({ nullable: true, type: String, example: '15 July 2021 14:02:37 BST' })
  submittedAtUkTime: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the submitted content' })
  submittedDigest: string | null;

  @ApiProperty({
    format: 'date-time',
    description:
      'When the round closes for the bid’s organisation: the round’s closesAt, or later by a deadline extension',
  })
  closesAt: Date;

  @ApiProperty({ example: '27 May 2022 23:59:00 BST' })
  closesAtUkTime: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the bid failed eligibility, once it is eligibility_failed',
  })
  eligibilityFailureReason: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  withdrawnAt: Date | null;

  @ApiProperty({ nullable: true, type: String })
  withdrawalReason: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;

  @ApiProperty({ description: 'Send it back in If-Match when editing' })
  version: number;
}

export class BidPageDto extends PageMetaDto {
  @ApiProperty({ type: [BidDto] })
  items: BidDto[];
}

export class RuleFailureDto {
  @ApiProperty({ example: 'cap-per-bid' })
  rule: string;

  @ApiProperty({ example: 'requested £560,000.00 exceeds the round cap of £550,000.00' })
  message: string;
}

export class EligibilityDto {
  @ApiProperty({ format: 'uuid' })
  bidId: string;

  @ApiProperty({ description: 'True when no rule fails' })
  eligible: boolean;

  @ApiProperty({ type: [RuleFailureDto] })
  failures: RuleFailureDto[];

  @ApiProperty()
  requestedPence: number;

  @ApiProperty()
  matchFundingPence: number;

  @ApiProperty({ description: 'The least match funding the round asks of this applicant' })
  requiredMatchFundingPence: number;

  @ApiProperty({ description: 'Whether the round is taking submissions now' })
  windowOpen: boolean;

  @ApiProperty({ format: 'date-time' })
  closesAt: Date;

  @ApiPropertyOptional({ example: '15 July 2021 23:59:00 BST' })
  closesAtUkTime: string;
}

export class AreaBidDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  reference: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ enum: ORGANISATION_TYPES })
  applicantType: OrganisationType;

  @ApiProperty({ enum: BID_STATUSES })
  status: BidStatus;

  @ApiProperty({ enum: ENDORSEMENT_STATES })
  endorsement: EndorsementState;

  @ApiProperty()
  requestedPence: number;

  @ApiProperty({ nullable: true, type: Number })
  pccRank: number | null;

  @ApiProperty({
    description:
      'Whether the PCC ranks this bid: submitted or later, not withdrawn or failed, and endorsed or the PCC’s own',
  })
  rankable: boolean;

  @ApiProperty({
    description:
      'Whether the bid waits for the PCC to endorse or decline it now: submitted, undecided, in a round still endorsing',
  })
  awaitingEndorsement: boolean;
}

export class AreaRankingResponseDto {
  @ApiProperty({ format: 'uuid' })
  roundId: string;

  @ApiProperty({ example: 'E23000007' })
  forceAreaCode: string;

  @ApiProperty({ description: 'Most bids the area may have in the round' })
  bidLimit: number;

  @ApiProperty({
    description:
      'Whether the PCC can rank (and endorse or decline) now: the round is open or closed, not yet in assessment',
  })
  canRank: boolean;

  @ApiProperty({
    type: [AreaBidDto],
    description: 'Ranked bids first, by rank; the rankable ones are what a ranking lists',
  })
  bids: AreaBidDto[];
}
