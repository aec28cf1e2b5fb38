import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { CostKind } from '../bids/bid-lines.entity';
import { penceTransformer } from '../database/pence.transformer';
import { DeliveryReturn } from './delivery-return.entity';
import type { ReturnContent } from './return-content.rules';

export const REVIEW_OUTCOMES = ['approved', 'changes_requested'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

// One sending of a return, kept whole: what the bidder submitted, and finance's review of it.
// The content never changes (a database trigger refuses it); the review is written once.
@Entity('return_submissions')
@Check(
  'ck_return_submissions_outcome',
  `"outcome" IS NULL OR "outcome" IN ('approved', 'changes_requested')`,
)
@Check(
  'ck_return_submissions_review',
  `("outcome" IS NULL) = ("reviewed_at" IS NULL) AND ("outcome" IS NULL) = ("reviewed_by" IS NULL)`,
)
@Check(
  'ck_return_submissions_comment',
  `"outcome" IS DISTINCT FROM 'changes_requested' OR length(btrim("review_comment")) > 0`,
)
@Check('ck_return_submissions_payable', `("outcome" = 'approved') = ("payable_pence" IS NOT NULL)`)
@Index('uq_return_submissions_number', ['returnId', 'number'], { unique: true })
// The same keys with what "the latest submission sent by a moment" needs beside them, so the
// spend reports find each return's without reading the submission rows (an index-only scan);
// written by hand in the migration (INCLUDE).
@Index('ix_return_submissions_as_at', { synchronize: false })
export class ReturnSubmission {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  returnId: string;

  @ManyToOne(() => DeliveryReturn)
  @JoinColumn({ name: 'return_id' })
  deliveryReturn?: DeliveryReturn;

  // 1 for the first sending, 2 for the resubmission after changes were asked for, and so on.
  @Column({ type: 'integer' })
  number: number;

  @Column({ type: 'jsonb' })
  content: ReturnContent;

  @Column({ type: 'timestamptz' })
  submittedAt: Date;

  @Column({ type: 'uuid' })
  submittedBy: string;

  @Column({ type: 'text', nullable: true })
  outcome: ReviewOutcome | null;

  @Column({ type: 'text', nullable: true })
  reviewComment: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  reviewedBy: string | null;

  // Approved spend of the quarter, paid in arrears.
  @Column({ type: 'bigint', transformer: penceTransformer, nullable: true })
  payablePence: number | null;

  @OneToMany(() => ReturnSpendLine, (line) => line.submission)
  spend?: ReturnSpendLine[];
}

// A submission's claim for a financial year and kind, and what finance approved of it.
@Entity('return_spend_lines')
@Check('ck_return_spend_lines_kind', `"kind" IN ('capital', 'revenue')`)
@Check('ck_return_spend_lines_claimed', `"claimed_pence" > 0`)
@Check(
  'ck_return_spend_lines_approved',
  `"approved_pence" IS NULL OR ("approved_pence" >= 0 AND "approved_pence" <= "claimed_pence")`,
)
export class ReturnSpendLine {
  @PrimaryColumn({ type: 'uuid' })
  submissionId: string;

  @ManyToOne(() => ReturnSubmission, (submission) => submission.spend, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'submission_id' })
  submission?: ReturnSubmission;

  @PrimaryColumn({ type: 'text' })
  financialYear: string;

  @PrimaryColumn({ type: 'text' })
  kind: CostKind;

  @Column({ type: 'bigint', transformer: penceTransformer })
  claimedPence: number;

  @Column({ type: 'bigint', transformer: penceTransformer, nullable: true })
  approvedPence: number | null;
}
