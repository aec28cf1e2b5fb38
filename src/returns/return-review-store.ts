import { Injectable } from '@nestjs/common';
import { EntityManager, In, Not, SelectQueryBuilder } from 'typeorm';
import type { CostKind } from '../bids/bid-lines.entity';
import { DeliveryReturn } from './delivery-return.entity';
import { londonDateOfSql } from '../common/london-time';
import {
  PAYMENT_UNMADE_SQL,
  RETURN_UNSETTLED_SQL,
  returnOverdueSql,
  SETTLED_RETURN_STATUSES,
} from './return-lifecycle';
import { ReturnPayment } from './return-payment.entity';
import { ReturnSpendLine, ReturnSubmission } from './return-submission.entity';
import type { PaymentQuery } from './return.dto';
import { YearEndRelease } from './year-end-release.entity';

// A payment as finance's list and its read of one show it: the row, its return's quarter, and its
// award's reference and organisation.
export interface ListedPayment {
  payment: ReturnPayment;
  financialYear: string;
  quarter: 1 | 2 | 3 | 4;
  reference: string;
  organisationName: string;
}

interface ListedPaymentRaw {
  financial_year: string;
  quarter: 1 | 2 | 3 | 4;
  reference: string;
  organisation_name: string;
}

// A return of a round not yet settled, as close-out lists it: its award's reference and quarter,
// where it stands, and what its latest submission claims (null before one is sent).
export interface UnsettledReturnRow {
  id: string;
  reference: string;
  quarter: number;
  financial_year: string;
  status: string;
  due_on: string;
  overdue: boolean;
  claimed_pence: string | null;
}

// A payment of a round not yet made, as close-out lists it.
export interface UnmadePaymentRow {
  id: string;
  reference: string;
  quarter: number;
  financial_year: string;
  amount_pence: string;
  due_on: string;
}

// What a review writes on the submission it decides.
interface Review {
  reviewedBy: string;
  reviewedAt: Date;
  comment: string | null;
}

// Named data access for finance's side of a return, inside the caller's transaction: the
// review's outcome, the payment it makes due, the list of payments and their recording, a year's
// release of what it did not spend, and what is still open on an award or in a round.
@Injectable()
export class ReturnReviewStore {
  // The return's submission `number`, with its spend lines.
  submission(manager: EntityManager, returnId: string, number: number): Promise<ReturnSubmission> {
    return manager.findOneOrFail(ReturnSubmission, {
      where: { returnId, number },
      relations: { spend: true },
    });
  }

  // The submission approved: each claimed line's approved amount (by `financialYear kind`), the
  // total payable, and the return approved.
  async writeApproval(
    manager: EntityManager,
    submission: ReturnSubmission,
    approved: Map<string, number>,
    payablePence: number,
    review: Review,
  ): Promise<void> {
    for (const line of submission.spend ?? []) {
      await manager.update(
        ReturnSpendLine,
        { submissionId: submission.id, financialYear: line.financialYear, kind: line.kind },
        { approvedPence: approved.get(`${line.financialYear} ${line.kind}`) ?? 0 },
      );
    }
    await this.writeOutcome(manager, submission, review, { outcome: 'approved', payablePence });
  }

  // The submission sent back with finance's comments, and the return with the bidder again.
  async writeChangesRequested(
    manager: EntityManager,
    submission: ReturnSubmission,
    review: Review & { comment: string },
  ): Promise<void> {
    await this.writeOutcome(manager, submission, review, { outcome: 'changes_requested' });
  }

  // The review on the submission, and its outcome as the return's status.
  private async writeOutcome(
    manager: EntityManager,
    submission: ReturnSubmission,
    review: Review,
    decided: { outcome: 'approved' | 'changes_requested'; payablePence?: number },
  ): Promise<void> {
    await manager.update(
      ReturnSubmission,
      { id: submission.id },
      {
        ...decided,
        reviewComment: review.comment,
        reviewedAt: review.reviewedAt,
        reviewedBy: review.reviewedBy,
      },
    );
    await manager.update(DeliveryReturn, { id: submission.returnId }, { status: decided.outcome });
  }

  // Who approved the return, if anyone did.
  async approvedBy(manager: EntityManager, returnId: string): Promise<string | null> {
    const approval = await manager.findOne(ReturnSubmission, {
      select: { id: true, reviewedBy: true },
      where: { returnId, outcome: 'approved' },
    });
    return approval?.reviewedBy ?? null;
  }

  // How many of the award's returns (of `financialYear`, if given) are not settled yet.
  countUnsettled(manager: EntityManager, awardId: string, financialYear?: string): Promise<number> {
    return manager.count(DeliveryReturn, {
      where: {
        awardId,
        ...(financialYear === undefined ? {} : { financialYear }),
        status: Not(In([...SETTLED_RETURN_STATUSES])),
      },
    });
  }

  // The round's returns neither approved nor cancelled (RETURN_UNSETTLED_SQL), by reference and
  // quarter; `overdue` as at `now`.
  unsettledInRound(
    manager: EntityManager,
    roundId: string,
    now: Date,
  ): Promise<UnsettledReturnRow[]> {
    const today = londonDateOfSql('$2::timestamptz');
    return manager.query(
      `SELECT d.id, b.reference, d.quarter, d.financial_year, d.status, d.due_on::text AS due_on,
              (${returnOverdueSql(today)}) AS overdue,
              (SELECT sum(l.claimed_pence) FROM return_submissions s
                 JOIN return_spend_lines l ON l.submission_id = s.id
                WHERE s.return_id = d.id AND s.number = d.submissions) AS claimed_pence
         FROM delivery_returns d
         JOIN award_decisions a ON a.id = d.award_id
         JOIN bids b ON b.id = a.bid_id
        WHERE a.round_id = $1 AND ${RETURN_UNSETTLED_SQL}
        ORDER BY b.reference, d.period_starts_on`,
      [roundId, now],
    );
  }

  // The round's payments not yet made (PAYMENT_UNMADE_SQL), by reference and quarter.
  unmadePaymentsInRound(manager: EntityManager, roundId: string): Promise<UnmadePaymentRow[]> {
    return manager.query(
      `SELECT p.id, b.reference, d.quarter, d.financial_year, p.amount_pence,
              p.due_on::text AS due_on
         FROM return_payments p
         JOIN delivery_returns d ON d.id = p.return_id
         JOIN award_decisions a ON a.id = p.award_id
         JOIN bids b ON b.id = a.bid_id
        WHERE a.round_id = $1 AND ${PAYMENT_UNMADE_SQL}
        ORDER BY b.reference, d.period_starts_on`,
      [roundId],
    );
  }

  // What a year did not spend, released per kind.
  async insertReleases(
    manager: EntityManager,
    releases: {
      awardId: string;
      financialYear: string;
      kind: CostKind;
      amountPence: number;
      releasedAt: Date;
      returnId: string;
    }[],
  ): Promise<void> {
    if (releases.length > 0) {
      await manager.insert(YearEndRelease, releases);
    }
  }

  // A payment to make; answers it as stored.
  insertPayment(
    manager: EntityManager,
    payment: Pick<
      ReturnPayment,
      'returnId' | 'awardId' | 'organisationId' | 'amountPence' | 'dueOn'
    >,
  ): Promise<ReturnPayment> {
    return manager.save(manager.create(ReturnPayment, payment));
  }

  // A page of the payments `query` asks for, by due date, then award reference, then the return's
  // quarter (an award's payments approved on one day fall due together). Two queries side by
  // side, the page and the count.
  async paymentPage(
    manager: EntityManager,
    query: PaymentQuery,
  ): Promise<{ rows: ListedPayment[]; total: number }> {
    const builder = this.paymentQuery(manager)
      .orderBy('p.due_on', 'ASC')
      .addOrderBy('b.reference', 'ASC')
      .addOrderBy('d.period_starts_on', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .offset(query.offset)
      .limit(query.limit);
    if (query.status) {
      builder.andWhere('p.status = :status', { status: query.status });
    }
    if (query.roundId) {
      builder.andWhere('a.round_id = :roundId', { roundId: query.roundId });
    }
    const [rows, total] = await Promise.all([listed(builder), builder.getCount()]);
    return { rows, total };
  }

  // The payment `id` as the list shows it, or null when there is none.
  async payment(manager: EntityManager, id: string): Promise<ListedPayment | null> {
    const [row] = await listed(this.paymentQuery(manager).where('p.id = :id', { id }));
    return row ?? null;
  }

  findPayment(manager: EntityManager, id: string): Promise<ReturnPayment | null> {
    return manager.findOneBy(ReturnPayment, { id });
  }

  lockPayment(manager: EntityManager, id: string): Promise<ReturnPayment> {
    return manager.findOneOrFail(ReturnPayment, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async recordPayment(
    manager: EntityManager,
    id: string,
    made: Pick<ReturnPayment, 'status' | 'paidOn' | 'reference' | 'recordedBy' | 'recordedAt'>,
  ): Promise<void> {
    await manager.update(ReturnPayment, { id }, made);
  }

  unpaidPayments(manager: EntityManager, awardId: string): Promise<number> {
    return manager.count(ReturnPayment, { where: { awardId, status: 'to_make' } });
  }

  // The return a payment is for (its year and quarter).
  paymentReturn(manager: EntityManager, returnId: string): Promise<DeliveryReturn> {
    return manager.findOneByOrFail(DeliveryReturn, { id: returnId });
  }

  // Payments as `p`, with what a listed payment shows beside the row.
  private paymentQuery(manager: EntityManager): SelectQueryBuilder<ReturnPayment> {
    return manager
      .createQueryBuilder(ReturnPayment, 'p')
      .innerJoin(DeliveryReturn, 'd', 'd.id = p.return_id')
      .innerJoin('award_decisions', 'a', 'a.id = p.award_id')
      .innerJoin('bids', 'b', 'b.id = a.bid_id')
      .innerJoin('organisations', 'o', 'o.id = p.organisation_id')
      .select('p')
      .addSelect([
        'd.financial_year AS financial_year',
        'd.quarter AS quarter',
        'b.reference AS reference',
        'o.name AS organisation_name',
      ]);
  }
}

// The payments `builder` (a paymentQuery) finds, each with what it read beside the row: every
// join is to one row, so the raw rows line up with the entities.
async function listed(builder: SelectQueryBuilder<ReturnPayment>): Promise<ListedPayment[]> {
  const { entities, raw } = await builder.getRawAndEntities<ListedPaymentRaw>();
  return entities.map((payment, index) => ({
    payment,
    financialYear: raw[index].financial_year,
    quarter: raw[index].quarter,
    reference: raw[index].reference,
    organisationName: raw[index].organisation_name,
  }));
}
