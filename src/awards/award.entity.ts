import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { Bid } from '../bids/bid.entity';
import type { CostKind } from '../bids/bid-lines.entity';
import { penceTransformer } from '../database/pence.transformer';
import { Organisation } from '../organisations/organisation.entity';
import { FundingRound } from '../rounds/funding-round.entity';
import { User } from '../users/user.entity';

export const DECISION_OUTCOMES = ['award', 'reject'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export const DECISION_STATUSES = [
  'pending_second_approval',
  'offered',
  'accepted',
  'active',
  'completed',
  'declined',
  'withdrawn',
  'not_confirmed',
  'rejected',
] as const;
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

// An approver's decision on a bid: an award (amounts per financial year and kind, conditions)
// or a rejection (reason and feedback for the bidder). Bidders see it once outcomes are published.
@Entity('award_decisions')
@Check('ck_award_decisions_outcome', `"outcome" IN ('award', 'reject')`)
@Check(
  'ck_award_decisions_status',
  `"status" IN ('pending_second_approval', 'offered', 'accepted', 'active', 'completed', 'declined', 'withdrawn', 'not_confirmed', 'rejected')`,
)
@Check(
  'ck_award_decisions_shape',
  `("outcome" = 'reject') = ("status" = 'rejected') AND ("outcome" = 'award') = ("amount_pence" > 0) AND ("outcome" = 'award' OR (length(btrim("rejection_reason")) > 0 AND length(btrim("feedback")) > 0))`,
)
@Check(
  'ck_award_decisions_second_approver',
  `"second_approver_id" IS NULL OR "second_approver_id" <> "decided_by"`,
)
@Check(
  'ck_award_decisions_not_confirmed',
  `"status" <> 'not_confirmed' OR ("second_approver_id" IS NOT NULL AND length(btrim("second_reason")) > 0)`,
)
@Check(
  'ck_award_decisions_accepted',
  `"status" NOT IN ('accepted', 'active', 'completed') OR ("accepted_at" IS NOT NULL AND "accepted_by" IS NOT NULL AND length(btrim("signatory_name")) > 0)`,
)
@Check(
  'ck_award_decisions_closed',
  `"status" NOT IN ('declined', 'withdrawn') OR ("closed_at" IS NOT NULL AND length(btrim("close_reason")) > 0)`,
)
@Check(
  'ck_award_decisions_offer',
  `"published_at" IS NULL OR "outcome" = 'reject' OR "offer_expires_at" > "published_at"`,
)
// One standing decision per bid; a decision the second approver did not confirm makes way.
@Index('uq_award_decisions_bid', ['bidId'], { unique: true, where: `"status" <> 'not_confirmed'` })
@Index('ix_award_decisions_round_status', ['roundId', 'status'])
export class AwardDecision {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  roundId: string;

  @ManyToOne(() => FundingRound)
  @JoinColumn({ name: 'round_id' })
  round?: FundingRound;

  @Column({ type: 'uuid' })
  bidId: string;

  @ManyToOne(() => Bid)
  @JoinColumn({ name: 'bid_id' })
  bid?: Bid;

  @Column({ type: 'uuid' })
  organisationId: string;

  @ManyToOne(() => Organisation)
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ type: 'text' })
  outcome: DecisionOutcome;

  @Column({ type: 'text' })
  status: DecisionStatus;

  // The award's total (0 for a rejection): the sum of its lines.
  @Column({ type: 'bigint', transformer: penceTransformer })
  amountPence: number;

  @Column({ type: 'text', array: true })
  conditions: string[];

  @Column({ type: 'text', nullable: true })
  rejectionReason: string | null;

  @Column({ type: 'text', nullable: true })
  feedback: string | null;

  // Why an award goes ahead despite amber due diligence.
  @Column({ type: 'text', nullable: true })
  dueDiligenceAcceptance: string | null;

  @Column({ type: 'uuid' })
  decidedBy: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'decided_by' })
  decider?: User;

  @Column({ type: 'timestamptz' })
  decidedAt: Date;

  @Column({ type: 'uuid', nullable: true })
  secondApproverId: string | null;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'second_approver_id' })
  secondApprover?: User;

  @Column({ type: 'timestamptz', nullable: true })
  secondDecidedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  secondReason: string | null;

  // When the bidder was told: outcomes are published for a round at once. Bidders see nothing
  // of a decision before.
  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  // The offer lapses unless accepted by then (the end of a London day).
  @Column({ type: 'timestamptz', nullable: true })
  offerExpiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  acceptedBy: string | null;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'accepted_by' })
  acceptor?: User;

  // Who signed the acceptance for the recipient, as the letter asks.
  @Column({ type: 'text', nullable: true })
  signatoryName: string | null;

  @Column({ type: 'text', nullable: true })
  signatoryPosition: string | null;

  // A declined or withdrawn award: when, by whom (null when the bid's withdrawal did it), why.
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  closedBy: string | null;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'closed_by' })
  closer?: User;

  @Column({ type: 'text', nullable: true })
  closeReason: string | null;

  @OneToMany(() => AwardLine, (line) => line.decision)
  lines?: AwardLine[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}

// One cell of an award: the amount for a financial year as capital or revenue.
@Entity('award_lines')
@Check('ck_award_lines_kind', `"kind" IN ('capital', 'revenue')`)
@Check('ck_award_lines_financial_year', `"financial_year" ~ '^[0-9]{4}/[0-9]{2}$'`)
@Check('ck_award_lines_positive', `"amount_pence" > 0`)
export class AwardLine {
  @PrimaryColumn({ type: 'uuid' })
  decisionId: string;

  @ManyToOne(() => AwardDecision, (decision) => decision.lines, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'decision_id' })
  decision?: AwardDecision;

  @PrimaryColumn({ type: 'text' })
  financialYear: string;

  @PrimaryColumn({ type: 'text' })
  kind: CostKind;

  @Column({ type: 'bigint', transformer: penceTransformer })
  amountPence: number;
}
