import { Injectable } from '@nestjs/common';
import { EntityManager, Not } from 'typeorm';
import { AwardDeliveryService, type AwardForDelivery } from '../awards/award-delivery.service';
import type { AuthenticatedUser } from '../common/access';
import type { FieldError } from '../common/problem';
import { UsersService } from '../users/users.service';
import { DeliveryReturn } from './delivery-return.entity';
import {
  completeContent,
  quarterVariance,
  type ReturnContext,
  submitErrors,
} from './return-content.rules';
import { isWithBidder } from './return-lifecycle';
import { ReturnLedger } from './return-ledger';
import { readStatus } from './return-schedule.rules';
import { scheduled } from './return-schedule.service';
import { ReturnPayment } from './return-payment.entity';
import type { AwardPositionDto, PaymentDto, ReturnDto, SubmissionDto } from './return-response.dto';
import { ReturnSubmission } from './return-submission.entity';
import { awardPosition, earlierOutstanding } from './return.rules';
import { notFound } from '../common/common.errors';

export function paymentDto(
  payment: ReturnPayment,
  row: Pick<DeliveryReturn, 'financialYear' | 'quarter'>,
  award: Pick<AwardForDelivery, 'reference' | 'organisationName'>,
): PaymentDto {
  return {
    id: payment.id,
    returnId: payment.returnId,
    awardId: payment.awardId,
    awardReference: award.reference,
    organisationName: award.organisationName,
    financialYear: row.financialYear,
    quarter: row.quarter,
    amountPence: payment.amountPence,
    dueOn: payment.dueOn,
    status: payment.status,
    paidOn: payment.paidOn,
    paymentReference: payment.reference,
  };
}

// The rules' context, with the award's schedule as the returns themselves.
type ViewContext = ReturnContext & { schedule: DeliveryReturn[] };

// Returns as their readers see them: an applicant only their organisation's (anything else
// answers 404), Home Office staff all; with what the rules say of the draft.
@Injectable()
export class ReturnViews {
  constructor(
    private readonly awards: AwardDeliveryService,
    private readonly ledger: ReturnLedger,
    private readonly users: UsersService,
  ) {}

  async visible(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
    lock = false,
  ): Promise<DeliveryReturn> {
    const row = await manager.findOne(DeliveryReturn, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!row || (user.role === 'applicant' && row.organisationId !== user.organisationId)) {
      throw notFound('Return');
    }
    return row;
  }

  // The return and its award, locked award first (every command on an award's returns takes
  // them in this order), so commands on one award's returns happen one at a time.
  async lockWithAward(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
  ): Promise<{ row: DeliveryReturn; award: AwardForDelivery }> {
    const found = await this.visible(manager, user, id);
    const award = await this.awards.find(manager, found.awardId, true);
    return { row: await this.visible(manager, user, id, true), award };
  }

  // The award's returns in quarter order, without cancelled ones.
  schedule(manager: EntityManager, awardId: string): Promise<DeliveryReturn[]> {
    return manager.find(DeliveryReturn, {
      where: { awardId, status: Not('cancelled' as const) },
      order: { periodStartsOn: 'ASC' },
    });
  }

  async context(
    manager: EntityManager,
    row: DeliveryReturn,
    award: AwardForDelivery,
  ): Promise<ViewContext> {
    return {
      period: row,
      schedule: await this.schedule(manager, row.awardId),
      award: award.lines,
      profile: award.profile,
      claimedBefore: await this.ledger.committed(manager, award.id, row.id),
      interventions: award.interventions,
      varianceThresholdPercent: award.varianceThresholdPercent,
    };
  }

  // What stops the draft being submitted today: its content, the order of returns, the quarter
  // still running, the award no longer active.
  problems(
    row: DeliveryReturn,
    award: AwardForDelivery,
    context: ViewContext,
    today: string,
  ): FieldError[] {
    const problems: FieldError[] = [];
    if (award.status !== 'active') {
      problems.push({ field: 'award', message: `the award is ${award.status}, not active` });
    }
    if (row.periodEndsOn >= today) {
      problems.push({
        field: 'quarter',
        message: `Q${row.quarter} ${row.financialYear} runs to ${row.periodEndsOn}; its return opens the day after`,
      });
    }
    const earlier = earlierOutstanding(context.schedule, row);
    if (earlier) {
      problems.push({
        field: 'quarter',
        message: `the return for Q${earlier.quarter} ${earlier.financialYear} (due ${earlier.dueOn}) is ${readStatus(earlier, today).status.replace('_', ' ')}; returns are submitted in quarter order`,
      });
    }
    return [...problems, ...submitErrors(completeContent(row.draft), context)];
  }

  async toDto(
    manager: EntityManager,
    row: DeliveryReturn,
    award: AwardForDelivery,
    today: string,
  ): Promise<ReturnDto> {
    const context = await this.context(manager, row, award);
    const draft = completeContent(row.draft);
    const submissions = await manager.find(ReturnSubmission, {
      where: { returnId: row.id },
      relations: { spend: true },
      order: { number: 'ASC' },
    });
    const payment = await manager.findOne(ReturnPayment, { where: { returnId: row.id } });
    const names = await this.users.namesOf(
      submissions.flatMap((s) => [s.submittedBy, ...(s.reviewedBy ? [s.reviewedBy] : [])]),
      manager,
    );
    const editable = isWithBidder(row.status);
    const reported = await this.ledger.outputs(manager, award.id, row.id);
    return {
      ...scheduled(row, today),
      awardId: row.awardId,
      awardReference: award.reference,
      organisationName: award.organisationName,
      version: row.version,
      draft,
      variance: {
        ...quarterVariance(draft, context),
        thresholdPercent: award.varianceThresholdPercent,
      },
      outputs: award.interventions.map(({ id, type, outputMeasure, outputTarget }) => {
        const thisQuarter =
          draft.outputs.find((output) => output.interventionId === id)?.achieved ?? null;
        return {
          ...{ interventionId: id, type, outputMeasure, outputTarget, thisQuarter },
          toDate: (reported.get(id) ?? 0) + (thisQuarter ?? 0),
        };
      }),
      problems: editable ? this.problems(row, award, context, today) : [],
      submissions: submissions.map((s): SubmissionDto => ({
        number: s.number,
        content: s.content,
        spend: (s.spend ?? [])
          .map(({ financialYear, kind, claimedPence, approvedPence }) => ({
            ...{ financialYear, kind, claimedPence, approvedPence },
          }))
          .sort((a, b) =>
            `${a.financialYear}${a.kind}`.localeCompare(`${b.financialYear}${b.kind}`),
          ),
        submittedAt: s.submittedAt,
        submittedBy: names.get(s.submittedBy) ?? s.submittedBy,
        outcome: s.outcome,
        reviewComment: s.reviewComment,
        reviewedAt: s.reviewedAt,
        reviewedBy: s.reviewedBy ? (names.get(s.reviewedBy) ?? s.reviewedBy) : null,
        payablePence: s.payablePence,
      })),
      payment: payment ? paymentDto(payment, row, award) : null,
    };
  }

  async position(
    manager: EntityManager,
    award: AwardForDelivery,
    today: string,
  ): Promise<AwardPositionDto> {
    const ledger = await this.ledger.position(manager, award.id);
    const lines = awardPosition(award.lines, ledger);
    const sum = (pick: (line: (typeof lines)[number]) => number) =>
      lines.reduce((total, line) => total + pick(line), 0);
    const returns = (
      await manager.find(DeliveryReturn, {
        where: { awardId: award.id },
        order: { periodStartsOn: 'ASC' },
      })
    ).map((row) => scheduled(row, today));
    return {
      awardId: award.id,
      awardReference: award.reference,
      awardStatus: award.status,
      lines,
      total: {
        financialYear: 'all',
        kind: 'all',
        awardedPence: sum((line) => line.awardedPence),
        claimedPence: sum((line) => line.claimedPence),
        approvedPence: sum((line) => line.approvedPence),
        paidPence: sum((line) => line.paidPence),
        releasedPence: sum((line) => line.releasedPence),
        remainingPence: sum((line) => line.remainingPence),
      },
      toPayPence: ledger.toPayPence,
      returns,
      overdueReturns: returns.filter((row) => row.overdue).length,
    };
  }
}
