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
import { AwardDecision } from '../awards/award.entity';
import { penceTransformer } from '../database/pence.transformer';
import { DeliveryReturn } from './delivery-return.entity';
import type { PaymentStatus } from './return.dto';

// A payment in arrears for an approved return: `to_make` when finance approves the return,
// `made` once finance records the date and the bank reference. One per return.
@Entity('return_payments')
@Check('ck_return_payments_status', `"status" IN ('to_make', 'made')`)
@Check('ck_return_payments_amount', `"amount_pence" > 0`)
@Check(
  'ck_return_payments_made',
  `("status" = 'made') = ("paid_on" IS NOT NULL AND length(btrim("reference")) > 0 AND "recorded_by" IS NOT NULL AND "recorded_at" IS NOT NULL)`,
)
@Index('uq_return_payments_return', ['returnId'], { unique: true })
@Index('ix_return_payments_status', ['status', 'dueOn'])
@Index('ix_return_payments_award', ['awardId'])
export class ReturnPayment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  returnId: string;

  @ManyToOne(() => DeliveryReturn)
  @JoinColumn({ name: 'return_id' })
  deliveryReturn?: DeliveryReturn;

  @Column({ type: 'uuid' })
  awardId: string;

  @ManyToOne(() => AwardDecision)
  @JoinColumn({ name: 'award_id' })
  award?: AwardDecision;

  @Column({ type: 'uuid' })
  organisationId: string;

  @Column({ type: 'bigint', transformer: penceTransformer })
  amountPence: number;

  @Column({ type: 'date' })
  dueOn: string;

  @Column({ type: 'text', default: 'to_make' })
  status: PaymentStatus;

  @Column({ type: 'date', nullable: true })
  paidOn: string | null;

  @Column({ type: 'text', nullable: true })
  reference: string | null;

  @Column({ type: 'uuid', nullable: true })
  recordedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  recordedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
