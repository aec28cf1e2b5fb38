import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { Role } from '../common/access';
import { Organisation } from '../organisations/organisation.entity';

@Entity('users')
@Check(
  'ck_users_role',
  `"role" IN ('applicant', 'assessor', 'moderator', 'approver', 'finance', 'admin')`,
)
// Applicants act for exactly one organisation; Home Office staff act for none.
@Check(
  'ck_users_applicant_organisation',
  `("role" = 'applicant') = ("organisation_id" IS NOT NULL)`,
)
@Check('ck_users_email_lowercase', `"email" = lower("email")`)
// An invited user has neither until they accept the invitation.
@Check('ck_users_password_set', `("password_hash" IS NULL) = ("password_set_at" IS NULL)`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  // Stored lower-cased, so the unique index makes emails unique whatever their case.
  @Column({ type: 'text', unique: true })
  email: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ type: 'uuid', nullable: true })
  organisationId: string | null;

  @ManyToOne(() => Organisation, { nullable: true })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation | null;

  // Null while invited: no password verifies against it, so the account cannot sign in.
  @Column({ type: 'text', nullable: true, select: false })
  passwordHash: string | null;

  // When the password was last set (invitation accepted, changed, reset); null while invited.
  @Column({ type: 'timestamptz', nullable: true })
  passwordSetAt: Date | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  // Null until the first successful login: the account-setup reminder is for those users.
  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  // Carried in every token as `ver`; bumped to end all the user's sessions (see endsSessions).
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  // Null until the user confirms a second factor (TOTP); read with the user on every request.
  @Column({ type: 'timestamptz', nullable: true })
  secondFactorEnrolledAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
