import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../../users/user.entity';
import type { SignInMethod } from '../auth.service';
import type { SessionEndReason } from './session.rules';

// One signed-in session: begun by AuthService.signIn, carried on by rotating refresh tokens,
// over when ended (endedAt), when the user's token version moves on, or by its time limits.
@Entity('user_sessions')
@Check('ck_user_sessions_method', `"method" IN ('password', 'second-factor', 'sso')`)
@Check(
  'ck_user_sessions_end_reason',
  `"end_reason" IN ('logout', 'ended-by-user', 'ended-by-admin', 'refresh-token-reused')`,
)
@Check('ck_user_sessions_ended', `("ended_at" IS NULL) = ("end_reason" IS NULL)`)
@Index('ix_user_sessions_user', ['userId', 'lastUsedAt'])
export class UserSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'text' })
  method: SignInMethod;

  // The user's token version at sign-in: once the user's moves on, the session is over.
  @Column({ type: 'integer' })
  tokenVersion: number;

  // SHA-256 (hex) of the refresh token now current; the token itself is never stored.
  @Column({ type: 'text', unique: true })
  refreshTokenHash: string;

  // From the User-Agent header, shortened; null when none was sent.
  @Column({ type: 'text', nullable: true })
  deviceLabel: string | null;

  @Column({ type: 'text' })
  address: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  // When the session began or its refresh token was last used: the idle timeout counts from it.
  @Column({ type: 'timestamptz' })
  lastUsedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  endReason: SessionEndReason | null;
}

// A refresh token already exchanged for the next one. Shown again, it was copied: whoever holds
// the session's tokens is not only its user, so the whole session is ended.
@Entity('user_session_spent_tokens')
@Index('ix_user_session_spent_tokens_session', ['sessionId'])
export class SpentRefreshToken {
  @PrimaryColumn({ type: 'text' })
  tokenHash: string;

  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => UserSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: UserSession;

  @CreateDateColumn({ type: 'timestamptz' })
  spentAt: Date;
}
