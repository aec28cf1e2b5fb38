import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { AwardDeliveryService } from '../awards/award-delivery.service';
import type { AuthenticatedUser } from '../common/access';
import { formatUkDate, londonDateOf } from '../common/london-time';
import type { Page } from '../common/pagination';
import type { PaymentDto } from './return-response.dto';
import { ReturnReviewService } from './return-review.service';
import { type ListedPayment, ReturnReviewStore } from './return-review-store';
import { paymentDto } from './return-views';
import type { PaymentQuery, RecordPaymentDto } from './return.dto';
import { returnError } from './returns.errors';
import { notFound } from '../common/common.errors';

// Payments in arrears on approved returns: finance lists those to make and records each as made.
@Injectable()
export class PaymentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly awards: AwardDeliveryService,
    private readonly review: ReturnReviewService,
    private readonly audit: AuditService,
    private readonly payments: ReturnReviewStore,
  ) {}

  async list(query: PaymentQuery): Promise<Page<PaymentDto>> {
    const { rows, total } = await this.payments.paymentPage(this.dataSource.manager, query);
    return { items: rows.map(toDto), total, limit: query.limit, offset: query.offset };
  }

  // One payment, as the list shows it.
  async get(id: string): Promise<PaymentDto> {
    const row = await this.payments.payment(this.dataSource.manager, id);
    if (!row) {
      throw notFound('Payment');
    }
    return toDto(row);
  }

  // The payment was made: its date (not in the future, not before approval) and bank reference.
  // The last payment of an award whose returns are all approved completes it.
  record(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    input: RecordPaymentDto,
    now = new Date(),
  ): Promise<PaymentDto> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.payments.findPayment(manager, id);
      if (!found) {
        throw notFound('Payment');
      }
      const award = await this.awards.find(manager, found.awardId, true);
      const payment = await this.payments.lockPayment(manager, id);
      await this.review.refuseIfTied(manager, user, award, 'record payments on');
      // Four eyes: the one who approved the return does not also record its payment.
      if ((await this.payments.approvedBy(manager, payment.returnId)) === user.id) {
        throw returnError('payment-by-return-reviewer');
      }
      if (payment.status === 'made') {
        throw returnError('payment-already-made', {
          message: `This payment was recorded as made on ${payment.paidOn ? formatUkDate(payment.paidOn) : 'an earlier day'} (reference ${payment.reference}).`,
        });
      }
      const approvedOn = londonDateOf(payment.createdAt);
      const today = londonDateOf(now);
      if (input.paidOn > today || input.paidOn < approvedOn) {
        throw returnError('payment-date-invalid', {
          errors: [
            {
              field: 'paidOn',
              message: `give the date the money was paid: between ${formatUkDate(approvedOn)}, when the return was approved, and today (${formatUkDate(today)})`,
            },
          ],
        });
      }
      const made = {
        status: 'made' as const,
        paidOn: input.paidOn,
        reference: input.reference,
        recordedBy: user.id,
        recordedAt: now,
      };
      await this.payments.recordPayment(manager, id, made);
      await this.audit.record(manager, actor, {
        command: 'payment.record',
        objectType: 'return_payment',
        objectId: id,
        changes: {
          status: { before: 'to_make', after: 'made' },
          paidOn: { before: null, after: input.paidOn },
          reference: { before: null, after: input.reference },
        },
      });
      await this.review.completeIfDone(manager, actor, award.id);
      const row = await this.payments.paymentReturn(manager, payment.returnId);
      return paymentDto(Object.assign(payment, made), row, award);
    });
  }
}

function toDto(row: ListedPayment): PaymentDto {
  return paymentDto(
    row.payment,
    { financialYear: row.financialYear, quarter: row.quarter },
    { reference: row.reference, organisationName: row.organisationName },
  );
}
