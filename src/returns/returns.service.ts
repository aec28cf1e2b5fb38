import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService, changedFields, changesNothing } from '../audit/audit.service';
import type { AwardForDelivery } from '../awards/award-delivery.service';
import type { AuthenticatedUser } from '../common/access';
import { DocumentStore } from '../documents/document-store';
import { scannedCleanSha256s } from '../documents/document.lifecycle';
import { formatUkDate, londonDateOf } from '../common/london-time';
import type { Page } from '../common/pagination';
import type { DeliveryReturn } from './delivery-return.entity';
import { completeContent, draftErrors, type ReturnContent } from './return-content.rules';
import type { AwardPositionDto, ReturnDto, ReturnSummaryDto } from './return-response.dto';
import { quarterLabel, WITH_BIDDER } from './return-lifecycle';
import { ReturnViews } from './return-views';
import { type LoadedReturn, ReturnStore } from './return-store';
import { ReturnReviewStore } from './return-review-store';
import type { OutstandingItem } from '../rounds/rounds.rules';
import type { ReturnQuery, SaveReturnDto } from './return.dto';
import { awardError } from '../awards/awards.errors';
import { RETURN_ERRORS, returnError } from './returns.errors';
import { commonError } from '../common/common.errors';

// The bidder's side of a quarterly return: reading, saving the draft, submitting it.
@Injectable()
export class ReturnsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly views: ReturnViews,
    private readonly audit: AuditService,
    private readonly documents: DocumentStore,
    private readonly store: ReturnStore,
    private readonly review: ReturnReviewStore,
  ) {}

  // The round's returns not yet approved or cancelled, then its payments not yet made: what
  // keeps it from closing out.
  async outstandingInRound(
    manager: EntityManager,
    roundId: string,
    now: Date,
  ): Promise<OutstandingItem[]> {
    const returns = await this.review.unsettledInRound(manager, roundId, now);
    const payments = await this.review.unmadePaymentsInRound(manager, roundId);
    const referenceOf = (row: { reference: string; quarter: number; financial_year: string }) =>
      `${row.reference} ${quarterLabel({ quarter: row.quarter, financialYear: row.financial_year })}`;
    return [
      ...returns.map((row) => ({
        kind: 'return' as const,
        id: row.id,
        reference: referenceOf(row),
        outstanding:
          row.status === 'submitted'
            ? 'submitted, waiting for finance to review it'
            : row.status === 'changes_requested'
              ? `sent back for changes, not resubmitted (due on ${formatUkDate(row.due_on)})`
              : row.overdue
                ? `not sent, overdue (due on ${formatUkDate(row.due_on)})`
                : `not sent yet (due on ${formatUkDate(row.due_on)})`,
        amountPence: Number(row.claimed_pence ?? 0),
      })),
      ...payments.map((row) => ({
        kind: 'payment' as const,
        id: row.id,
        reference: referenceOf(row),
        outstanding: `approved, not paid (due on ${formatUkDate(row.due_on)})`,
        amountPence: Number(row.amount_pence),
      })),
    ];
  }

  // One statement, so one snapshot: no transaction needed.
  async get(user: AuthenticatedUser, id: string, now = new Date()): Promise<ReturnDto> {
    const { loaded, award } = await this.views.read(this.dataSource.manager, user, id);
    return this.views.toDto(loaded, award, londonDateOf(now));
  }

  // One statement for the page and one for the count (ReturnStore.page): no transaction needed.
  list(
    user: AuthenticatedUser,
    query: ReturnQuery,
    now = new Date(),
  ): Promise<Page<ReturnSummaryDto>> {
    return this.views.page(this.dataSource.manager, user, query, londonDateOf(now));
  }

  // Where the award stands: one statement, so one snapshot (ReturnViews.position).
  position(user: AuthenticatedUser, awardId: string, now = new Date()): Promise<AwardPositionDto> {
    return this.views.position(this.dataSource.manager, user, awardId, londonDateOf(now));
  }

  // Saves the draft of the version the bidder last read. Fields sent replace what was saved; a
  // save that changes nothing (no fields, or each as saved) writes nothing and answers the return.
  save(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    expectedVersion: number,
    input: SaveReturnDto,
    now = new Date(),
  ): Promise<ReturnDto> {
    return this.dataSource.transaction(async (manager) => {
      const { row, award, loaded } = await this.lockForBidder(manager, user, id);
      this.checkVersion(row, expectedVersion);
      const today = londonDateOf(now);
      const sent = Object.fromEntries(
        Object.entries(input).filter(([, value]) => value !== undefined),
      ) as Partial<ReturnContent>;
      const draft = { ...row.draft, ...sent };
      // Nothing sent, or each field as saved: the saved draft, checked when it was saved, stands.
      const changes = changedFields(row.draft, draft, Object.keys(sent));
      if (changesNothing(changes)) {
        return this.views.toDto(loaded, award, today);
      }
      const errors = draftErrors(completeContent(draft), this.views.context(loaded, award));
      if (errors.length > 0) {
        throw returnError('return-draft-invalid', { errors });
      }
      const saved = await this.store.saveDraft(manager, row, draft, actor, {
        command: 'return.save',
        objectType: 'delivery_return',
        objectId: id,
        changes,
      });
      // Nothing else changed: the return was read whole after its lock.
      return this.views.toDto(loaded, award, today, saved);
    });
  }

  // Sends the draft to finance, frozen as a numbered submission, if nothing stops it: the
  // quarter over, earlier returns sent, and every rule of its content met.
  submit(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    expectedVersion?: number,
    now = new Date(),
  ): Promise<ReturnDto> {
    return this.dataSource.transaction(async (manager) => {
      const { row, award, loaded } = await this.lockForBidder(manager, user, id);
      if (expectedVersion !== undefined) {
        this.checkVersion(row, expectedVersion);
      }
      const today = londonDateOf(now);
      const context = this.views.context(loaded, award);
      const problems = this.views.problems(row, award, context, today);
      if (problems.length > 0) {
        throw returnError('return-not-submittable', {
          message: `The return for Q${row.quarter} ${row.financialYear} cannot be submitted yet; see errors.`,
          errors: problems,
        });
      }
      // Finance reviews the evidence: it must all be scanned clean, as a bid's documents must.
      const evidence = scannedCleanSha256s(
        await this.documents.attached(manager, { type: 'return', id }),
        RETURN_ERRORS['return-documents-not-ready'],
        `The return for Q${row.quarter} ${row.financialYear}`,
      );
      const content = completeContent(row.draft);
      const before = row.status;
      const submission = await this.store.writeSubmission(manager, row, content, user.id, now);
      await this.audit.record(manager, actor, {
        command: 'return.submit',
        objectType: 'delivery_return',
        objectId: id,
        changes: {
          status: { before, after: 'submitted' },
          submission: { before: row.submissions, after: submission.number },
          claimedPence: {
            before: null,
            after: content.spend.reduce((sum, line) => sum + line.amountPence, 0),
          },
          evidenceSha256s: { before: null, after: evidence },
        },
      });
      return this.views.reread(manager, id, today);
    });
  }

  private checkVersion(row: DeliveryReturn, expectedVersion: number): void {
    if (row.version !== expectedVersion) {
      throw commonError('version-mismatch', {
        message: `The return has changed since you read it (now version ${row.version}); read it again before saving or sending it.`,
      });
    }
  }

  // The return and its award, locked (ReturnViews.lockWithAward), while the return is still with
  // the bidder and the award active.
  private async lockForBidder(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
  ): Promise<{ row: DeliveryReturn; award: AwardForDelivery; loaded: LoadedReturn }> {
    const { row, award, loaded } = await this.views.lockWithAward(manager, user, id);
    if (!WITH_BIDDER.includes(row.status)) {
      throw returnError('return-frozen', {
        message:
          row.status === 'cancelled'
            ? 'This return was cancelled when its award was withdrawn.'
            : `This return is ${row.status}; it was frozen when submitted and can change only if finance sends it back.`,
      });
    }
    if (award.status !== 'active') {
      throw awardError('award-not-active', {
        message: `Award ${award.reference} is ${award.status}; only an active award's returns can be written.`,
      });
    }
    return { row, award, loaded };
  }
}
