import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { AwardDeliveryService, type AwardForDelivery } from '../awards/award-delivery.service';
import type { AuthenticatedUser } from '../common/access';
import { addDays, londonDateOf } from '../common/london-time';
import type { FieldError } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import { SeparationOfDutiesService } from '../users/separation-of-duties.service';
import { UsersService } from '../users/users.service';
import type { DeliveryReturn } from './delivery-return.entity';
import { ReturnLedgerStore } from './return-ledger-store';
import type { ReturnDto } from './return-response.dto';
import type { ReturnSpendLine, ReturnSubmission } from './return-submission.entity';
import { ReturnReviewStore } from './return-review-store';
import { ReturnViews } from './return-views';
import type { ApprovedLineDto, ApproveReturnDto, RequestChangesDto, ReviewDto } from './return.dto';
import { formatPounds } from '../common/money';
import { pageUrl } from '../notifications/portal-links';
import { returnError } from './returns.errors';
import { awardError } from '../awards/awards.errors';

// Approved amounts per claimed line: all of each claim unless finance says less (down to
// nothing), never more, once per year and kind, and never for a year or kind not claimed.
function approvedAmounts(
  claimed: ReturnSpendLine[],
  approved: ApprovedLineDto[] | undefined,
): { amounts: Map<string, number>; errors: FieldError[]; reduced: boolean } {
  const key = (line: { financialYear: string; kind: string }) =>
    `${line.financialYear} ${line.kind}`;
  const claims = new Map(claimed.map((line) => [key(line), line.claimedPence]));
  const amounts = new Map(claims);
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  let reduced = false;
  (approved ?? []).forEach((line, index) => {
    const lineKey = key(line);
    const claim = claims.get(lineKey);
    if (claim === undefined) {
      errors.push({
        field: `approvedSpend.${index}`,
        message: `${lineKey} was not claimed in this return; approve only what was claimed`,
      });
    } else if (seen.has(lineKey)) {
      errors.push({
        field: `approvedSpend.${index}`,
        message: `${lineKey} appears twice; give one approved amount per year and kind`,
      });
    } else if (line.amountPence > claim) {
      errors.push({
        field: `approvedSpend.${index}.amountPence`,
        message: `${formatPounds(line.amountPence)} is more than the ${formatPounds(claim)} claimed for ${lineKey}`,
      });
    } else {
      reduced ||= line.amountPence < claim;
      amounts.set(lineKey, line.amountPence);
    }
    seen.add(lineKey);
  });
  return { amounts, errors, reduced };
}

// Finance's review of a submitted return: approve (recording the amount payable in arrears and
// a payment to make) or send it back with comments. Approval closes a financial year once its
// last return is in, releasing what the year did not spend, and completes a finished award.
@Injectable()
export class ReturnReviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly views: ReturnViews,
    private readonly awards: AwardDeliveryService,
    private readonly ledger: ReturnLedgerStore,
    private readonly store: ReturnReviewStore,
    private readonly users: UsersService,
    private readonly duties: SeparationOfDutiesService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  approve(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    input: ApproveReturnDto,
    now = new Date(),
  ): Promise<ReturnDto> {
    return this.dataSource.transaction(async (manager) => {
      const { row, award, submission } = await this.lockSubmitted(manager, user, id, input);
      const { amounts, errors, reduced } = approvedAmounts(
        submission.spend ?? [],
        input.approvedSpend,
      );
      if (reduced && !input.comment) {
        errors.push({ field: 'comment', message: 'say why less than the claim is approved' });
      }
      if (errors.length > 0) {
        throw returnError('approval-invalid', { errors });
      }
      const today = londonDateOf(now);
      const payable = (submission.spend ?? []).reduce(
        (sum, line) => sum + (amounts.get(`${line.financialYear} ${line.kind}`) ?? 0),
        0,
      );
      await this.store.writeApproval(manager, submission, amounts, payable, {
        reviewedBy: user.id,
        reviewedAt: now,
        comment: input.comment ?? null,
      });
      const paymentDueOn = addDays(today, award.paymentDays);
      if (payable > 0) {
        const payment = await this.store.insertPayment(manager, {
          returnId: id,
          awardId: award.id,
          organisationId: award.organisationId,
          amountPence: payable,
          dueOn: paymentDueOn,
        });
        await this.audit.record(manager, actor, {
          command: 'payment.create',
          objectType: 'return_payment',
          objectId: payment.id,
          changes: {
            status: { before: null, after: 'to_make' },
            amountPence: { before: null, after: payable },
            dueOn: { before: null, after: paymentDueOn },
          },
        });
      }
      const released = await this.closeYearIfDone(manager, row, award, now);
      await this.audit.record(manager, actor, {
        command: 'return.approve',
        objectType: 'delivery_return',
        objectId: id,
        changes: {
          status: { before: 'submitted', after: 'approved' },
          payablePence: { before: null, after: payable },
          approvedSpend: {
            before: null,
            after: [...amounts].map(([line, amountPence]) => ({ line, amountPence })),
          },
          ...(input.comment ? { comment: { before: null, after: input.comment } } : {}),
          ...(released.length > 0
            ? { yearEndReleasedPence: { before: null, after: released } }
            : {}),
        },
      });
      await this.tellBidder(manager, award, row, 'return-approved', {
        claimedPence: (submission.spend ?? []).reduce((sum, line) => sum + line.claimedPence, 0),
        payablePence: payable,
        comment: input.comment ?? null,
        paymentDueOn,
      });
      await this.completeIfDone(manager, actor, award.id);
      return this.views.reread(manager, id, today);
    });
  }

  requestChanges(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    input: RequestChangesDto,
    now = new Date(),
  ): Promise<ReturnDto> {
    return this.dataSource.transaction(async (manager) => {
      const { row, award, submission } = await this.lockSubmitted(manager, user, id, input);
      await this.store.writeChangesRequested(manager, submission, {
        reviewedBy: user.id,
        reviewedAt: now,
        comment: input.comments,
      });
      await this.audit.record(manager, actor, {
        command: 'return.request-changes',
        objectType: 'delivery_return',
        objectId: id,
        changes: {
          status: { before: 'submitted', after: 'changes_requested' },
          comments: { before: null, after: input.comments },
        },
      });
      await this.tellBidder(manager, award, row, 'return-changes-requested', {
        comments: input.comments,
      });
      return this.views.reread(manager, id, londonDateOf(now));
    });
  }

  // Every return approved and every payment made: the award is complete. Called with it locked.
  async completeIfDone(manager: EntityManager, actor: AuditActor, awardId: string): Promise<void> {
    const open = await this.store.countUnsettled(manager, awardId);
    const unpaid = await this.store.unpaidPayments(manager, awardId);
    if (open === 0 && unpaid === 0) {
      await this.awards.complete(manager, actor, awardId);
    }
  }

  // Separation of duties for finance: nobody reviews or pays the returns of a bid they made,
  // or their organisation did.
  async refuseIfTied(
    manager: EntityManager,
    user: AuthenticatedUser,
    award: AwardForDelivery,
    action: string,
  ): Promise<void> {
    await this.duties.refuseIfTied(
      manager,
      user.id,
      await this.awards.bidParties(manager, award),
      action,
    );
  }

  // The return and its award, locked (ReturnViews.lockWithAward), with the submission waiting
  // for review.
  private async lockSubmitted(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
    review: ReviewDto,
  ): Promise<{ row: DeliveryReturn; award: AwardForDelivery; submission: ReturnSubmission }> {
    const { row, award } = await this.views.lockWithAward(manager, user, id);
    await this.refuseIfTied(manager, user, award, 'review the returns of');
    if (row.status !== 'submitted') {
      throw returnError('return-not-submitted', {
        message: `This return is ${row.status.replace('_', ' ')}; only a submitted return can be reviewed.`,
      });
    }
    if (award.status !== 'active') {
      throw awardError('award-not-active', {
        message: `Award ${award.reference} is ${award.status}; only an active award's returns are reviewed.`,
      });
    }
    if (review.submission !== undefined && review.submission !== row.submissions) {
      throw returnError('submission-changed', {
        message: `Submission ${row.submissions} is the one waiting for review, not ${review.submission}; read the return again before reviewing it.`,
      });
    }
    const submission = await this.store.submission(manager, id, row.submissions);
    return { row, award, submission };
  }

  // Once every return of the financial year is approved, what the year's award did not spend
  // is released, per kind: recorded, shown in the position, never carried into the next year.
  private async closeYearIfDone(
    manager: EntityManager,
    row: DeliveryReturn,
    award: AwardForDelivery,
    now: Date,
  ): Promise<{ kind: string; amountPence: number }[]> {
    if ((await this.store.countUnsettled(manager, award.id, row.financialYear)) > 0) {
      return [];
    }
    // Every return of the year is approved now, so what counts against it is approved spend.
    const approved = await this.ledger.committed(manager, award.id, null);
    const released = award.lines
      .filter((line) => line.financialYear === row.financialYear)
      .map((line) => {
        const spent = approved
          .filter((a) => a.financialYear === line.financialYear && a.kind === line.kind)
          .reduce((sum, a) => sum + a.amountPence, 0);
        return { kind: line.kind, amountPence: line.amountPence - spent };
      })
      .filter((line) => line.amountPence > 0);
    await this.store.insertReleases(
      manager,
      released.map((line) => ({
        awardId: award.id,
        financialYear: row.financialYear,
        kind: line.kind,
        amountPence: line.amountPence,
        releasedAt: now,
        returnId: row.id,
      })),
    );
    return released;
  }

  private async tellBidder(
    manager: EntityManager,
    award: AwardForDelivery,
    row: DeliveryReturn,
    template: 'return-approved' | 'return-changes-requested',
    data: Record<string, unknown>,
  ): Promise<void> {
    const contacts = await this.users.applicantContacts(award.organisationId, manager);
    if (contacts.length === 0) {
      return;
    }
    await this.outbox.queue(manager, {
      template,
      to: contacts.map((contact) => contact.email),
      dedupeKey: `return:${row.id}:${template}:${row.submissions}`,
      about: { type: 'delivery_return', id: row.id },
      data: {
        organisationName: award.organisationName,
        reference: award.reference,
        title: award.title,
        financialYear: row.financialYear,
        quarter: row.quarter,
        returnUrl: pageUrl(this.config.portal, 'return', { id: row.id }),
        ...data,
      },
    });
  }
}
