import { Injectable } from '@nestjs/common';
import { EntityManager, In, Not } from 'typeorm';
import type { CostKind } from '../bids/bid-lines.entity';
import { DeliveryReturn } from './delivery-return.entity';
import { SETTLED_RETURN_STATUSES } from './return-lifecycle';
import { ReturnPayment } from './return-payment.entity';
import { ReturnSpendLine, ReturnSubmission } from './return-submission.entity';
import { YearEndRelease } from './year-end-release.entity';

// What a review writes on the submission it decides.
interface Review {
  reviewedBy: string;
  reviewedAt: Date;
  comment: string | null;
}

// Named data access for finance's side of a return, inside the caller's transaction: the
// review's outcome, the payment it makes due and its recording, a year's release of what it did
// not spend, and what is still open on an award.
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
    await manager.update(
      ReturnSubmission,
      { id: submission.id },
      {
        outcome: 'approved',
        reviewComment: review.comment,
        reviewedAt: review.reviewedAt,
        reviewedBy: review.reviewedBy,
        payablePence,
      },
    );
    await manager.update(DeliveryReturn, { id: submission.returnId }, { status: 'approved' });
  }

  // The submission sent back with finance's comments, and the return with the bidder again.
  async writeChangesRequested(
    manager: EntityManager,
    submission: ReturnSubmission,
    review: Review & { comment: string },
  ): Promise<void> {
    await manager.update(
      ReturnSubmission,
      { id: submission.id },
      {
        outcome: 'changes_requested',
        reviewComment: review.comment,
        reviewedAt: review.reviewedAt,
        reviewedBy: review.reviewedBy,
      },
    );
    await manager.update(
      DeliveryReturn,
      { id: submission.returnId },
      { status: 'changes_requested' },
    );
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
  unsettledReturns(
    manager: EntityManager,
    awardId: string,
    financialYear?: string,
  ): Promise<number> {
    return manager.count(DeliveryReturn, {
      where: {
        awardId,
        ...(financialYear === undefined ? {} : { financialYear }),
        status: Not(In([...SETTLED_RETURN_STATUSES])),
      },
    });
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
}
