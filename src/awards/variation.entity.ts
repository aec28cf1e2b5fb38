import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { penceTransformer } from '../database/pence.transformer';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';
import { AwardDecision } from './award.entity';
import type { OutputTarget, ProfileCell, YearKindLine } from './variation.rules';

export const VARIATION_STATUSES = [
  'requested',
  'pending_second_approval',
  'approved',
  'refused',
  'withdrawn',
] as const;
export type VariationStatus = (typeof VARIATION_STATUSES)[number];

// Waiting for a decision: an award has at most one of these at a time.
export const OPEN_VARIATION_STATUSES: VariationStatus[] = ['requested', 'pending_second_approval'];

// A change to an active award, asked for by its organisation and decided by approvers. The
// proposal is the award's whole quarterly profile after the change (its year × kind lines derive
// from it), with a later delivery end and new output targets when asked. On approval the award's
// profile, lines and delivery end as they stood are kept here (`*_before`), so reports as at an
// earlier moment read the award as it was (award-lifecycle.ts#awardProfileAtSql).
@Entity('award_variations')
@Check(
  'ck_award_variations_status',
  `"status" IN ('requested', 'pending_second_approval', 'approved', 'refused', 'withdrawn')`,
)
@Check('ck_award_variations_reason', `length(btrim("reason")) > 0`)
@Check(
  'ck_award_variations_approved',
  `"status" <> 'approved' OR ("approved_at" IS NOT NULL AND "profile_before" IS NOT NULL AND "lines_before" IS NOT NULL AND "decided_by" IS NOT NULL)`,
)
@Check(
  'ck_award_variations_refused',
  `"status" <> 'refused' OR ("closed_at" IS NOT NULL AND length(btrim("refusal_reason")) > 0)`,
)
@Check(
  'ck_award_variations_second_approver',
  `"second_approver_id" IS NULL OR "second_approver_id" <> "decided_by"`,
)
@Check('ck_award_variations_amount', `"amount_pence" >= 0`)
@Index('uq_award_variations_open', ['awardId'], {
  unique: true,
  where: `"status" IN ('requested', 'pending_second_approval')`,
})
@Index('ix_award_variations_award_approved', ['awardId', 'approvedAt'])
export class AwardVariation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  awardId: string;

  @ManyToOne(() => AwardDecision)
  @JoinColumn({ name: 'award_id' })
  award?: AwardDecision;

  @Column({ type: 'uuid' })
  organisationId: string;

  @ManyToOne(() => Organisation)
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ type: 'text' })
  status: VariationStatus;

  @Column({ type: 'text' })
  reason: string;

  // The award's quarterly profile after the change: financial year × quarter × kind.
  @Column({ type: 'jsonb' })
  profile: ProfileCell[];

  // The award's total after the change: the sum of the profile.
  @Column({ type: 'bigint', transformer: penceTransformer })
  amountPence: number;

  // A later end of delivery, or null to keep it.
  @Column({ type: 'date', nullable: true })
  deliveryEndsOn: string | null;

  // New output targets per intervention, or null to keep them.
  @Column({ type: 'jsonb', nullable: true })
  outputTargets: OutputTarget[] | null;

  @Column({ type: 'uuid' })
  requestedBy: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'requested_by' })
  requester?: User;

  @Column({ type: 'timestamptz' })
  requestedAt: Date;

  // The (first) approver or the one who refused.
  @Column({ type: 'uuid', nullable: true })
  decidedBy: string | null;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'decided_by' })
  decider?: User;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  secondApproverId: string | null;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'second_approver_id' })
  secondApprover?: User;

  // The moment the change took effect: reports as at this instant or later read it.
  @Column({ type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  profileBefore: ProfileCell[] | null;

  @Column({ type: 'jsonb', nullable: true })
  linesBefore: YearKindLine[] | null;

  @Column({ type: 'date', nullable: true })
  deliveryEndsOnBefore: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: penceTransformer })
  amountPenceBefore: number | null;

  // Refused or withdrawn: when, and why it was refused.
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  refusalReason: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
