import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { Role } from '../common/access';
import { Organisation } from '../organisations/organisation.entity';
import { User } from './user.entity';

// One spell of a user in a role (and, for applicants, an organisation): opened when the user is
// created or their role or organisation changes, closed by the next change. Separation of duties
// reads it: once a member of an organisation, always tied to its bids.
@Entity('user_memberships')
@Check('ck_user_memberships_period', `"valid_until" IS NULL OR "valid_until" >= "valid_from"`)
@Index('uq_user_memberships_open', ['userId'], { unique: true, where: `"valid_until" IS NULL` })
@Index('ix_user_memberships_user', ['userId', 'validFrom'])
export class UserMembership {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'text' })
  role: Role;

  @Column({ type: 'uuid', nullable: true })
  organisationId: string | null;

  @ManyToOne(() => Organisation)
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation | null;

  @Column({ type: 'timestamptz' })
  validFrom: Date;

  @Column({ type: 'timestamptz', nullable: true })
  validUntil: Date | null;

  // Who made the change; null for rows the system wrote (the backfill, the first admin).
  @Column({ type: 'uuid', nullable: true })
  changedBy: string | null;
}
