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
import { AssessmentCriterion } from '../rounds/assessment-criterion.entity';
import { FundingRound } from '../rounds/funding-round.entity';
import { User } from '../users/user.entity';

// `cancelled`: the bid left assessment (withdrawn, or failed eligibility) before this was done.
export const ASSIGNMENT_STATUSES = [
  'assigned',
  'conflict_declared',
  'submitted',
  'cancelled',
] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];
export const DECLARATIONS = ['no_conflict', 'conflict'] as const;
export type Declaration = (typeof DECLARATIONS)[number];

// One assessor's assessment of one bid: declared before the bid is read, marked, submitted.
@Entity('assessment_assignments')
@Check(
  'ck_assignments_status',
  `"status" IN ('assigned', 'conflict_declared', 'submitted', 'cancelled')`,
)
@Check('ck_assignments_declaration', `"declaration" IN ('no_conflict', 'conflict')`)
@Check(
  'ck_assignments_conflict',
  `("status" = 'conflict_declared') = ("declaration" = 'conflict' AND length(btrim("conflict_reason")) > 0)`,
)
@Check(
  'ck_assignments_submitted',
  `"status" <> 'submitted' OR ("declaration" = 'no_conflict' AND "submitted_at" IS NOT NULL AND "score_hundredths" BETWEEN 0 AND 10000)`,
)
// An assessor holds a bid once: a declared conflict stays, so they are never given it again.
@Index('uq_assignments_bid_assessor', ['bidId', 'assessorId'], { unique: true })
@Index('ix_assignments_round_assessor', ['roundId', 'assessorId'])
export class AssessmentAssignment {
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
  assessorId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'assessor_id' })
  assessor?: User;

  @Column({ type: 'text', default: 'assigned' })
  status: AssignmentStatus;

  @Column({ type: 'uuid' })
  assignedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  assignedAt: Date;

  @Column({ type: 'text', nullable: true })
  declaration: Declaration | null;

  @Column({ type: 'timestamptz', nullable: true })
  declaredAt: Date | null;

  @Column({ type: 'text', nullable: true })
  conflictReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  // The weighted score (0-100) in hundredths of a point, fixed at submission.
  @Column({ type: 'integer', nullable: true })
  scoreHundredths: number | null;

  @OneToMany(() => AssessmentMark, (mark) => mark.assignment)
  marks?: AssessmentMark[];

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}

@Entity('assessment_marks')
@Check('ck_assessment_marks_mark', `"mark" >= 0`)
@Check('ck_assessment_marks_justified', `length(btrim("justification")) > 0`)
export class AssessmentMark {
  @PrimaryColumn({ type: 'uuid' })
  assignmentId: string;

  @ManyToOne(() => AssessmentAssignment, (assignment) => assignment.marks, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'assignment_id' })
  assignment?: AssessmentAssignment;

  @PrimaryColumn({ type: 'uuid' })
  criterionId: string;

  @ManyToOne(() => AssessmentCriterion)
  @JoinColumn({ name: 'criterion_id' })
  criterion?: AssessmentCriterion;

  @Column({ type: 'integer' })
  mark: number;

  @Column({ type: 'text' })
  justification: string;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
