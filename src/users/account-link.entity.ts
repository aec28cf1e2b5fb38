import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ACCOUNT_LINK_PURPOSES, type AccountLinkPurpose } from './account-link.rules';
import { User } from './user.entity';
import { textListSql } from '../database/sql-text';

// One single-use link emailed to a user: an invitation to set their first password, or a
// password reset. Only the SHA-256 of the token is kept; the token itself is derived from the
// row id with a server key when the email is rendered (see account-link-tokens.ts).
@Entity('account_links')
@Check('ck_account_links_purpose', `"purpose" IN (${textListSql(ACCOUNT_LINK_PURPOSES)})`)
@Check('ck_account_links_closed_once', `"used_at" IS NULL OR "voided_at" IS NULL`)
@Index('ix_account_links_outstanding', ['userId', 'purpose'], {
  where: `"used_at" IS NULL AND "voided_at" IS NULL`,
})
export class AccountLink {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'text' })
  purpose: AccountLinkPurpose;

  @Column({ type: 'text', unique: true })
  tokenHash: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  // Replaced by a newer link (a re-sent invitation) or made moot (a password set another way).
  @Column({ type: 'timestamptz', nullable: true })
  voidedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
