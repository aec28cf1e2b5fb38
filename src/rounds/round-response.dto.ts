import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto } from '../common/pagination';
import { ProblemDto } from '../common/problem.dto';
import { OUTSTANDING_KINDS, type OutstandingKind } from './rounds.rules';
import { ORGANISATION_TYPES, type OrganisationType } from '../organisations/organisation.entity';
import {
  AWARD_TYPES,
  type AwardType,
  BID_LIMIT_SCOPES,
  type BidLimitScope,
  ROUND_STATUSES,
  type RoundStatus,
} from './funding-round.entity';
import { CriterionDto, MatchFundingDto, TaxonomyCategoryDto, YearCapDto } from './round.dto';

export class CriterionResponseDto extends CriterionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'Order within the round, from 1' })
  position: number;

  @ApiProperty()
  declare guidance: string;
}

export class RoundDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'SSF4' })
  code: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ROUND_STATUSES })
  status: RoundStatus;

  @ApiProperty({ enum: AWARD_TYPES })
  awardType: AwardType;

  @ApiProperty({ nullable: true, type: String })
  directAwardJustification: string | null;

  @ApiProperty()
  budgetPence: number;

  @ApiProperty({ format: 'date-time' })
  opensAt: Date;

  @ApiProperty({ format: 'date-time' })
  closesAt: Date;

  @ApiProperty({ example: '18 March 2022 09:00:00 GMT to 27 May 2022 23:59:00 BST' })
  biddingWindowUkTime: string;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description:
      'For an applicant: when the round closes for their organisation, closesAt or later by a deadline extension; null for staff',
  })
  yourClosesAt: Date | null;

  @ApiProperty({ nullable: true, type: String, example: '30 May 2022 23:59:00 BST' })
  yourClosesAtUkTime: string | null;

  @ApiProperty({ format: 'date' })
  deliveryStartsOn: string;

  @ApiProperty({ format: 'date' })
  deliveryEndsOn: string;

  @ApiProperty({
    type: [String],
    example: ['2025/26', '2026/27'],
    description:
      'The financial years the delivery period touches, in order: the years a bid’s cost lines and a year cap can name',
  })
  deliveryYears: string[];

  @ApiProperty({
    description:
      'Whether PCCs endorse, decline and rank the round’s bids now: open or closed, not yet in assessment',
  })
  endorsing: boolean;

  @ApiProperty({ enum: ORGANISATION_TYPES, isArray: true })
  eligibleApplicantTypes: OrganisationType[];

  @ApiProperty()
  capPerBidPence: number;

  @ApiProperty({ type: [YearCapDto] })
  yearCaps: YearCapDto[];

  @ApiProperty({ type: MatchFundingDto })
  matchFundingPercent: MatchFundingDto;

  @ApiProperty({ enum: BID_LIMIT_SCOPES })
  bidLimitScope: BidLimitScope;

  @ApiProperty()
  bidLimit: number;

  @ApiProperty({ type: [String] })
  crimeFocus: string[];

  @ApiProperty({ type: [TaxonomyCategoryDto] })
  interventionTaxonomy: TaxonomyCategoryDto[];

  @ApiProperty({ type: [CriterionResponseDto] })
  criteria: CriterionResponseDto[];

  @ApiProperty()
  assessmentsPerBid: number;

  @ApiProperty()
  divergenceThreshold: number;

  @ApiProperty()
  qualityThreshold: number;

  @ApiProperty()
  approvalThresholdPence: number;

  @ApiProperty()
  returnDueDays: number;

  @ApiProperty({ description: 'Days a bidder has to accept a grant offer after publication' })
  offerAcceptanceDays: number;

  @ApiProperty({ description: 'Variance from profile (percent, either way) that needs explaining' })
  varianceThresholdPercent: number;

  @ApiProperty({ description: 'Days after a return is approved that its payment is due' })
  paymentDays: number;

  @ApiProperty({
    description:
      'A record of a round that has run, never opened for bidding (see historic on create)',
  })
  historic: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When assessors’ scores are due; set when assessment opens',
  })
  assessmentDueAt: Date | null;

  @ApiProperty({ description: 'Send back as If-Match when editing' })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;
}

export class RoundPageDto extends PageMetaDto {
  @ApiProperty({ type: [RoundDto] })
  items: RoundDto[];
}

export class OpenOfferDto {
  @ApiProperty({ format: 'uuid' })
  awardId: string;

  @ApiProperty({ example: 'SSF4-0042', description: 'The award’s bid reference' })
  reference: string;

  @ApiProperty({ example: 'Northumbria PCC' })
  organisationName: string;

  @ApiProperty({ format: 'date-time' })
  offerExpiresAt: Date;

  @ApiProperty({
    example: '27 May 2022 23:59:59 BST',
    description: 'The deadline on the UK clock with its zone named',
  })
  offerExpiresUkTime: string;
}

export class StartDeliveryProblemDto extends ProblemDto {
  @ApiProperty({ type: [OpenOfferDto], description: 'The offers still open' })
  openOffers: OpenOfferDto[];
}

export class OutstandingItemDto {
  @ApiProperty({ enum: OUTSTANDING_KINDS })
  kind: OutstandingKind;

  @ApiProperty({ format: 'uuid', description: 'The award, return or payment' })
  id: string;

  @ApiProperty({ example: 'SSF4-0042 Q2 2025/26' })
  reference: string;

  @ApiProperty({ example: 'submitted, waiting for finance to review it' })
  outstanding: string;

  @ApiProperty({
    description:
      'Pence: the award’s amount, the return’s claimed spend (0 when unsent), the payment’s amount',
  })
  amountPence: number;
}

export class CloseOutProblemDto extends ProblemDto {
  @ApiProperty({ type: [OutstandingItemDto], description: 'What is left before close-out' })
  outstanding: OutstandingItemDto[];
}
