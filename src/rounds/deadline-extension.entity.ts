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
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';
import { FundingRound } from './funding-round.entity';

// One organisation's later close time for one round (round-deadlines.ts says what it means).
// At most one per organisation and round: granting again replaces it, revoking deletes it, and
// the audit trail keeps every before and after.
@Entity('round_deadline_extensions')
@Check('ck_round_deadline_extensions_reason', `length(btrim("reason")) > 0`)
@Index('uq_round_deadline_extensions_organisation', ['roundId', 'organisationId'], {
  unique: true,
})
export class DeadlineExtension {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  roundId: string;

  @ManyToOne(() => FundingRound, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'round_id' })
  round?: FundingRound;

  @Column({ type: 'uuid' })
  organisationId: string;

  @ManyToOne(() => Organisation)
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ type: 'timestamptz' })
  closesAt: Date;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'uuid' })
  grantedBy: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'granted_by' })
  granter?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  // Each grant of this row is a new version (the email's dedupe key names it).
  @VersionColumn()
  version: number;
}
