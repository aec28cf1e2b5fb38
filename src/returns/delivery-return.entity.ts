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
import { AwardDecision } from '../awards/award.entity';
import { Organisation } from '../organisations/organisation.entity';
import type { ReturnContent } from './return-content.rules';
import type { FinancialQuarter } from './return-schedule.rules';

export const RETURN_STATUSES = [
  'upcoming',
  'due',
  'submitted',
  'approved',
  'changes_requested',
  'cancelled',
] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

// A quarterly delivery return an active award owes: scheduled when the award is accepted, one
// per financial quarter of the delivery period. `cancelled` when the award is withdrawn first.
// Each submission is kept whole in `return_submissions`; this row holds the draft and the state.
@Entity('delivery_returns')
@Check(
  'ck_delivery_returns_status',
  `"status" IN ('upcoming', 'due', 'submitted', 'approved', 'changes_requested', 'cancelled')`,
)
@Check('ck_delivery_returns_quarter', `"quarter" BETWEEN 1 AND 4`)
@Check('ck_delivery_returns_period', `"period_ends_on" > "period_starts_on"`)
@Check('ck_delivery_returns_due', `"due_on" > "period_ends_on"`)
@Index('uq_delivery_returns_quarter', ['awardId', 'financialYear', 'quarter'], { unique: true })
@Index('ix_delivery_returns_organisation', ['organisationId', 'dueOn'])
export class DeliveryReturn {
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
  financialYear: string;

  @Column({ type: 'integer' })
  quarter: FinancialQuarter;

  @Column({ type: 'date' })
  periodStartsOn: string;

  @Column({ type: 'date' })
  periodEndsOn: string;

  @Column({ type: 'date' })
  dueOn: string;

  @Column({ type: 'text', default: 'upcoming' })
  status: ReturnStatus;

  // What the bidder is writing: saved as they go, copied into a submission when sent. The
  // database refuses changes to it while the return is submitted or approved.
  @Column({ type: 'jsonb', default: () => `'{}'` })
  draft: Partial<ReturnContent>;

  // How many times it has been submitted; the latest submission is the one reviewed.
  @Column({ type: 'integer', default: 0 })
  submissions: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
