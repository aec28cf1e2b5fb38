import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { penceTransformer } from '../database/pence.transformer';
import { Organisation, type OrganisationType } from '../organisations/organisation.entity';
import { FundingRound } from '../rounds/funding-round.entity';
import { User } from '../users/user.entity';
import { BidCostLine, BidIntervention, BidMatchFunding } from './bid-lines.entity';

export const BID_STATUSES = [
  'draft',
  'submitted',
  'eligibility_failed',
  'in_assessment',
  'moderated',
  'awarded',
  'unsuccessful',
  'withdrawn',
] as const;
export type BidStatus = (typeof BID_STATUSES)[number];

export const ENDORSEMENT_DECISIONS = ['endorsed', 'declined'] as const;
export type EndorsementDecision = (typeof ENDORSEMENT_DECISIONS)[number];

export interface BidPartner {
  name: string;
  role: string;
}

export interface BidMilestone {
  title: string;
  dueOn: string;
}

export interface BidRisk {
  description: string;
  mitigation: string;
}

@Entity('bids')
@Check(
  'ck_bids_status',
  `"status" IN ('draft', 'submitted', 'eligibility_failed', 'in_assessment', 'moderated', 'awarded', 'unsuccessful', 'withdrawn')`,
)
@Check('ck_bids_endorsement_decision', `"endorsement_decision" IN ('endorsed', 'declined')`)
@Check('ck_bids_endorsement_needed', `"endorsement_decision" IS NULL OR "needs_endorsement"`)
@Check('ck_bids_draft_unsubmitted', `"status" <> 'draft' OR "submitted_at" IS NULL`)
@Check('ck_bids_submitted_at', `"status" IN ('draft', 'withdrawn') OR "submitted_at" IS NOT NULL`)
@Check('ck_bids_requested', `"requested_pence" >= 0 AND "match_funding_pence" >= 0`)
@Check(
  'ck_bids_eligibility_failure_reason',
  `"status" <> 'eligibility_failed' OR length(btrim("eligibility_failure_reason")) > 0`,
)
@Check('ck_bids_rank', `"pcc_rank" IS NULL OR "pcc_rank" >= 1`)
@Index('uq_bids_round_number', ['roundId', 'number'], { unique: true })
// Deferred, so a ranking can be rewritten in one transaction; unranked bids hold NULL.
@Unique('uq_bids_area_rank', ['roundId', 'forceAreaCode', 'pccRank'], {
  deferrable: 'INITIALLY DEFERRED',
})
@Index('uq_bids_creation_key', ['createdBy', 'creationKey'], {
  unique: true,
  where: `"creation_key" IS NOT NULL`,
})
@Index('ix_bids_round_status', ['roundId', 'status'])
@Index('ix_bids_organisation', ['organisationId'])
export class Bid {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  roundId: string;

  @ManyToOne(() => FundingRound)
  @JoinColumn({ name: 'round_id' })
  round?: FundingRound;

  @Column({ type: 'uuid' })
  organisationId: string;

  @ManyToOne(() => Organisation)
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  // Applicant type and force area as they were when the bid was made: bid limits count by them.
  @Column({ type: 'text' })
  applicantType: OrganisationType;

  @Column({ type: 'text', nullable: true })
  forceAreaCode: string | null;

  // Sequence within the round; the reference is the round code and this number (SSF3-0042).
  @Column({ type: 'integer' })
  number: number;

  @Column({ type: 'text', unique: true })
  reference: string;

  @Column({ type: 'text', default: 'draft' })
  status: BidStatus;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', default: '' })
  summary: string;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  targetLsoas: string[];

  @Column({ type: 'text', default: '' })
  problemProfile: string;

  @Column({ type: 'text', nullable: true })
  primaryCrimeType: string | null;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  secondaryCrimeTypes: string[];

  @Column({ type: 'text', default: '' })
  theoryOfChange: string;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  partners: BidPartner[];

  @Column({ type: 'text', default: '' })
  consultation: string;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  milestones: BidMilestone[];

  @Column({ type: 'jsonb', default: () => `'[]'` })
  risks: BidRisk[];

  @Column({ type: 'text', default: '' })
  evaluationApproach: string;

  // Derived from the cost lines and match funding lines in the same transaction; never typed.
  @Column({ type: 'bigint', transformer: penceTransformer, default: 0 })
  requestedPence: number;

  @Column({ type: 'bigint', transformer: penceTransformer, default: 0 })
  matchFundingPence: number;

  @OneToMany(() => BidCostLine, (line) => line.bid)
  costLines?: BidCostLine[];

  @OneToMany(() => BidMatchFunding, (line) => line.bid)
  matchFunding?: BidMatchFunding[];

  @OneToMany(() => BidIntervention, (intervention) => intervention.bid)
  interventions?: BidIntervention[];

  // A bid led by anyone but its area's PCC counts only once that PCC endorses it.
  @Column({ type: 'boolean' })
  needsEndorsement: boolean;

  @Column({ type: 'text', nullable: true })
  endorsementDecision: EndorsementDecision | null;

  @Column({ type: 'text', nullable: true })
  endorsementReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  endorsementBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  endorsementAt: Date | null;

  // The PCC's priority among its area's bids, 1 = highest.
  @Column({ type: 'integer', nullable: true })
  pccRank: number | null;

  @Column({ type: 'uuid' })
  createdBy: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'created_by' })
  creator?: User;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  submittedBy: string | null;

  // SHA-256 of the content as submitted, quoted in the receipt: proof of what was frozen.
  @Column({ type: 'text', nullable: true })
  submittedDigest: string | null;

  // Set by a moderator (or by opening assessment, for a bid its PCC never endorsed).
  @Column({ type: 'text', nullable: true })
  eligibilityFailureReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  eligibilityFailedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  eligibilityFailedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  @Column({ type: 'text', nullable: true })
  withdrawalReason: string | null;

  // Idempotency-Key of the create request and a hash of its body, so a retry finds this bid.
  @Column({ type: 'text', nullable: true })
  creationKey: string | null;

  @Column({ type: 'text', nullable: true })
  creationHash: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
