import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { type AwardForDelivery, deliverableAward } from '../awards/award-for-delivery';
import type { AuthenticatedUser } from '../common/access';
import { formatUkDate } from '../common/london-time';
import type { FieldError } from '../common/problem';
import { DeliveryReturn } from './delivery-return.entity';
import {
  completeContent,
  quarterVariance,
  type ReturnContext,
  submitErrors,
} from './return-content.rules';
import { isWithBidder, quarterLabel } from './return-lifecycle';
import { readStatus } from './return-schedule.rules';
import { scheduled, type ScheduledFields } from './return-schedule-store';
import type {
  AwardPositionDto,
  PaymentDto,
  ReturnDto,
  ReturnSummaryDto,
} from './return-response.dto';
import { type LoadedReturn, type PaymentRow, ReturnStore } from './return-store';
import { awardPosition, earlierOutstanding } from './return.rules';
import { notFound } from '../common/common.errors';
import type { Page } from '../common/pagination';
import type { ReturnQuery } from './return.dto';

export function paymentDto(
  payment: PaymentRow,
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
type ViewContext = ReturnContext & { schedule: ScheduledFields[] };

// Whose returns `user` may see: an applicant only their organisation's; staff all (undefined).
function ownedBy(user: AuthenticatedUser): string | null | undefined {
  return user.role === 'applicant' ? user.organisationId : undefined;
}

// Returns as their readers see them: an applicant only their organisation's (anything else
// answers 404), Home Office staff all; with what the rules say of the draft.
@Injectable()
export class ReturnViews {
  constructor(private readonly store: ReturnStore) {}

  async visible(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
  ): Promise<DeliveryReturn> {
    const row = await this.store.find(manager, id, ownedBy(user));
    if (!row) {
      throw notFound('Return');
    }
    return row;
  }

  // The return and its award, locked award first (ReturnStore.lock), then read whole after the
  // wait, so what it shows is what the command before us committed; refused once the round is
  // closed out (deliverableAward).
  async lockWithAward(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
  ): Promise<{ row: DeliveryReturn; award: AwardForDelivery; loaded: LoadedReturn }> {
    if (!(await this.store.lock(manager, id, ownedBy(user)))) {
      throw notFound('Return');
    }
    const loaded = await this.store.read(manager, id);
    if (!loaded) {
      throw notFound('Return');
    }
    return { row: loaded.row, award: deliverableAward(loaded.award, true), loaded };
  }

  // The return visible to `user` read whole, in one statement.
  async read(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
  ): Promise<{ award: AwardForDelivery; loaded: LoadedReturn }> {
    const loaded = await this.store.read(manager, id, ownedBy(user));
    if (!loaded) {
      throw notFound('Return');
    }
    return { award: deliverableAward(loaded.award, false), loaded };
  }

  // The return as a command just left it, read again whole, as its answer.
  async reread(manager: EntityManager, id: string, today: string): Promise<ReturnDto> {
    const loaded = await this.store.read(manager, id);
    if (!loaded) {
      throw notFound('Return');
    }
    return this.toDto(loaded, deliverableAward(loaded.award, false), today);
  }

  // What the rules need of the return `row` (the one read, or as just saved).
  context(loaded: LoadedReturn, award: AwardForDelivery, row = loaded.row): ViewContext {
    return {
      period: row,
      schedule: loaded.schedule,
      award: award.lines,
      profile: award.profile,
      claimedBefore: loaded.claimedBefore,
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
        message: `Q${row.quarter} ${row.financialYear} runs to ${formatUkDate(row.periodEndsOn)}; its return opens the day after`,
      });
    }
    const earlier = earlierOutstanding(context.schedule, row);
    if (earlier) {
      problems.push({
        field: 'quarter',
        message: `the return for Q${earlier.quarter} ${earlier.financialYear} (due ${formatUkDate(earlier.dueOn)}) is ${readStatus(earlier, today).status.replace('_', ' ')}; returns are submitted in quarter order`,
      });
    }
    return [...problems, ...submitErrors(completeContent(row.draft), context)];
  }

  // The answer for the return read whole; `row` when it has since been saved.
  toDto(loaded: LoadedReturn, award: AwardForDelivery, today: string, row = loaded.row): ReturnDto {
    const context = this.context(loaded, award, row);
    const draft = completeContent(row.draft);
    const editable = isWithBidder(row.status);
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
          toDate: (loaded.reported.get(id) ?? 0) + (thisQuarter ?? 0),
        };
      }),
      problems: editable ? this.problems(row, award, context, today) : [],
      submissions: loaded.submissions,
      payment: loaded.payment ? paymentDto(loaded.payment, row, award) : null,
    };
  }

  // A page of the returns list, as ReturnStore.page reads it: an applicant's own organisation's.
  async page(
    manager: EntityManager,
    user: AuthenticatedUser,
    query: ReturnQuery,
    today: string,
  ): Promise<Page<ReturnSummaryDto>> {
    const { rows, total } = await this.store.page(manager, query, ownedBy(user), today);
    return {
      items: rows.map(({ row, summary }) => ({
        ...scheduled(row, today),
        awardId: row.awardId,
        awardReference: summary.award_reference,
        organisationName: summary.organisation_name,
        submissions: row.submissions,
        quarterLabel: quarterLabel(row),
        bidTitle: summary.bid_title,
        roundId: summary.round_id,
        roundCode: summary.round_code,
        submittedAt: summary.submitted_at,
        claimedPence: summary.claimed_pence === null ? null : Number(summary.claimed_pence),
        approvedPence: summary.approved_pence === null ? null : Number(summary.approved_pence),
      })),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  // Where the award stands, read in one statement: visible to its own organisation's applicants
  // (anything else answers 404) and to staff.
  async position(
    manager: EntityManager,
    user: AuthenticatedUser,
    awardId: string,
    today: string,
  ): Promise<AwardPositionDto> {
    const read = await this.store.position(manager, awardId);
    const award = deliverableAward(read.award, false);
    if (user.role === 'applicant' && award.organisationId !== user.organisationId) {
      throw notFound('Award');
    }
    const { ledger } = read;
    const lines = awardPosition(award.lines, ledger);
    const sum = (pick: (line: (typeof lines)[number]) => number) =>
      lines.reduce((total, line) => total + pick(line), 0);
    const returns = read.returns.map((row) => scheduled(row, today));
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
