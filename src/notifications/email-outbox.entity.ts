import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { emailUnfinishedSql } from './email-lifecycle';

export const EMAIL_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export type EmailData = Record<string, unknown>;

// One row per email to send, written in the transaction of the change that causes it. The row,
// not Redis, is the truth about a message: jobs are only a way to get rows processed.
// One email's recipients at most (a check constraint): more are sent as several emails.
export const MAX_RECIPIENTS = 50;

@Entity('email_outbox')
@Check('ck_email_outbox_status', `"status" IN ('pending', 'sending', 'sent', 'failed')`)
@Check('ck_email_outbox_recipients', `cardinality("recipients") BETWEEN 1 AND ${MAX_RECIPIENTS}`)
@Check('ck_email_outbox_sent_at', `("status" = 'sent') = ("sent_at" IS NOT NULL)`)
@Index('ix_email_outbox_unfinished', ['relayedAt'], {
  where: emailUnfinishedSql('"status"'),
})
@Index('ix_email_outbox_object', ['objectType', 'objectId'])
@Index('ix_email_outbox_created', ['createdAt'])
// GIN on the array, for "emails sent to this address"; written by hand in the migration.
@Index('ix_email_outbox_recipients', { synchronize: false })
export class EmailOutbox {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  // The same key queued twice is one email: `user:{id}:account-setup-reminder`.
  @Column({ type: 'text', unique: true })
  dedupeKey: string;

  @Column({ type: 'text' })
  template: string;

  @Column({ type: 'text', array: true })
  recipients: string[];

  @Column({ type: 'jsonb' })
  data: EmailData;

  // What the email is about, so "was the email sent?" can be answered from the object.
  @Column({ type: 'text', nullable: true })
  objectType: string | null;

  @Column({ type: 'text', nullable: true })
  objectId: string | null;

  @Column({ type: 'text', default: 'pending' })
  status: EmailStatus;

  // Send attempts, over all jobs and admin retries.
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  // Set when rendered, so the list shows what the recipient saw.
  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'text', nullable: true })
  messageId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  // Last time a job was put on the queue for this row; null until the relay has seen it.
  @Column({ type: 'timestamptz', nullable: true })
  relayedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  failedAt: Date | null;

  // The request that wrote the row (its X-Request-Id) and its W3C traceparent, handed on to the
  // email job so its log lines and span name them; null for rows no request wrote.
  @Column({ type: 'text', nullable: true })
  requestId: string | null;

  @Column({ type: 'text', nullable: true })
  traceparent: string | null;
}
