import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { penceTransformer } from '../database/pence.transformer';
import type { OrganisationType } from '../organisations/organisation.entity';
import { AssessmentCriterion } from './assessment-criterion.entity';
import { RoundYearCap } from './round-year-cap.entity';

export const ROUND_STATUSES = [
  'draft',
  'open',
  'closed',
  'assessment',
  'decided',
  'delivery',
  'closed_out',
] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];
export const AWARD_TYPES = ['competitive', 'direct'] as const;
export type AwardType = (typeof AWARD_TYPES)[number];
export const BID_LIMIT_SCOPES = ['pcc_area', 'applicant'] as const;
export type BidLimitScope = (typeof BID_LIMIT_SCOPES)[number];

export interface TaxonomyCategory {
  category: string;
  types: string[];
}

export type MatchFundingPercent = Partial<Record<OrganisationType, number>>;

@Entity('funding_rounds')
@Check(
  'ck_funding_rounds_status',
  `"status" IN ('draft', 'open', 'closed', 'assessment', 'decided', 'delivery', 'closed_out')`,
)
@Check('ck_funding_rounds_award_type', `"award_type" IN ('competitive', 'direct')`)
@Check(
  'ck_funding_rounds_direct_award_justified',
  `"award_type" = 'competitive' OR length(btrim("direct_award_justification")) > 0`,
)
@Check('ck_funding_rounds_bid_limit_scope', `"bid_limit_scope" IN ('pcc_area', 'applicant')`)
@Check('ck_funding_rounds_window', `"closes_at" > "opens_at"`)
@Check('ck_funding_rounds_delivery', `"delivery_ends_on" > "delivery_starts_on"`)
@Check(
  'ck_funding_rounds_cap_within_budget',
  `"cap_per_bid_pence" > 0 AND "cap_per_bid_pence" <= "budget_pence"`,
)
export class FundingRound {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', default: 'draft' })
  status: RoundStatus;

  @Column({ type: 'text' })
  awardType: AwardType;

  @Column({ type: 'text', nullable: true })
  directAwardJustification: string | null;

  @Column({ type: 'bigint', transformer: penceTransformer })
  budgetPence: number;

  @Column({ type: 'timestamptz' })
  opensAt: Date;

  @Column({ type: 'timestamptz' })
  closesAt: Date;

  @Column({ type: 'date' })
  deliveryStartsOn: string;

  @Column({ type: 'date' })
  deliveryEndsOn: string;

  @Column({ type: 'text', array: true })
  eligibleApplicantTypes: OrganisationType[];

  @Column({ type: 'bigint', transformer: penceTransformer })
  capPerBidPence: number;

  // Match funding a bid must offer, as a percentage of the amount it requests, by applicant type.
  @Column({ type: 'jsonb' })
  matchFundingPercent: MatchFundingPercent;

  @Column({ type: 'text' })
  bidLimitScope: BidLimitScope;

  @Column({ type: 'integer' })
  bidLimit: number;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  crimeFocus: string[];

  @Column({ type: 'jsonb' })
  interventionTaxonomy: TaxonomyCategory[];

  @Column({ type: 'integer', default: 2 })
  assessmentsPerBid: number;

  // Largest spread of weighted scores (0-100) between a bid's assessors before moderation is needed.
  @Column({ type: 'integer' })
  divergenceThreshold: number;

  // Lowest moderated weighted score (0-100) a bid needs to be fundable.
  @Column({ type: 'integer' })
  qualityThreshold: number;

  @Column({ type: 'bigint', transformer: penceTransformer, default: 10_000_000 })
  approvalThresholdPence: number;

  @Column({ type: 'integer', default: 30 })
  returnDueDays: number;

  // Days a bidder has to accept a grant offer once outcomes are published (to the end of that
  // London day).
  @Column({ type: 'integer', default: 28 })
  offerAcceptanceDays: number;

  // A quarter's spend further than this from its profile, either way, must be explained in the
  // return before it is submitted.
  @Column({ type: 'integer', default: 10 })
  varianceThresholdPercent: number;

  // Days after finance approves a return by which its payment (in arrears) is due.
  @Column({ type: 'integer', default: 30 })
  paymentDays: number;

  // A record of a round run before or outside this system: its dates may lie in the past and it
  // is never opened for bidding through the API (rounds.rules.ts#roundCommandRefusal).
  @Column({ type: 'boolean', default: false })
  historic: boolean;

  // When assessors' scores are due; set when the round moves into assessment.
  @Column({ type: 'timestamptz', nullable: true })
  assessmentDueAt: Date | null;

  @OneToMany(() => AssessmentCriterion, (criterion) => criterion.round)
  criteria?: AssessmentCriterion[];

  @OneToMany(() => RoundYearCap, (cap) => cap.round)
  yearCaps?: RoundYearCap[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
