import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { AwardDeliveryService, type AwardForDelivery } from '../awards/award-delivery.service';
import type { AuthenticatedUser } from '../common/access';
import { DocumentStore } from '../documents/document-store';
import { scannedCleanSha256s } from '../documents/document.lifecycle';
import { londonDateOf } from '../common/london-time';
import { applySearch, applySort } from '../common/list-query';
import type { Page } from '../common/pagination';
import { DeliveryReturn } from './delivery-return.entity';
import { completeContent, draftErrors, type ReturnContent } from './return-content.rules';
import type { AwardPositionDto, ReturnDto, ReturnSummaryDto } from './return-response.dto';
import { scheduled } from './return-schedule.service';
import { ReturnSpendLine, ReturnSubmission } from './return-submission.entity';
import { quarterLabel, RETURN_FILTER_SQL, WITH_BIDDER } from './return-lifecycle';
import { ReturnViews } from './return-views';
import { type LoadedReturn, ReturnStore } from './return-store';
import { unmadePayments, unsettledReturns } from './round-settlement';
import type { OutstandingItem } from '../rounds/rounds.rules';
import { RETURN_SORT_COLUMNS, type ReturnQuery, type SaveReturnDto } from './return.dto';
import { awardError } from '../awards/awards.errors';
import { RETURN_ERRORS, returnError } from './returns.errors';
import { commonError, notFound } from '../common/common.errors';

// What the list reads beside each return.
interface SummaryRow {
  award_reference: string;
  bid_title: string;
  organisation_name: string;
  round_id: string;
  round_code: string;
  submitted_at: Date | null;
  claimed_pence: string | null;
  approved_pence: string | null;
}

// The bidder's side of a quarterly return: reading, saving the draft, submitting it.
@Injectable()
export class ReturnsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly views: ReturnViews,
    private readonly awards: AwardDeliveryService,
    private readonly audit: AuditService,
    private readonly documents: DocumentStore,
    private readonly store: ReturnStore,
  ) {}

  // The round's returns not yet approved or cancelled, then its payments not yet made: what
  // keeps it from closing out (round-settlement.ts).
  async outstandingInRound(
    manager: EntityManager,
    roundId: string,
    now: Date,
  ): Promise<OutstandingItem[]> {
    return [
      ...(await unsettledReturns(manager, roundId, now)),
      ...(await unmadePayments(manager, roundId)),
    ];
  }

  // One statement, so one snapshot: no transaction needed.
  async get(user: AuthenticatedUser, id: string, now = new Date()): Promise<ReturnDto> {
    const { loaded, award } = await this.views.read(this.dataSource.manager, user, id);
    return this.views.toDto(loaded, award, londonDateOf(now));
  }

  async list(
    user: AuthenticatedUser,
    query: ReturnQuery,
    now = new Date(),
  ): Promise<Page<ReturnSummaryDto>> {
    const today = londonDateOf(now);
    const builder = this.dataSource.manager
      .createQueryBuilder(DeliveryReturn, 'd')
      .innerJoin('award_decisions', 'a', 'a.id = d.award_id')
      .innerJoin('bids', 'b', 'b.id = a.bid_id')
      .innerJoin('organisations', 'o', 'o.id = d.organisation_id')
      .innerJoin('funding_rounds', 'r', 'r.id = a.round_id')
      // The latest submission, if any: at most one row (uq_return_submissions_number).
      .leftJoin('return_submissions', 's', 's.return_id = d.id AND s.number = d.submissions')
      .select('d')
      .addSelect([
        'b.reference AS award_reference',
        'b.title AS bid_title',
        'o.name AS organisation_name',
        'a.round_id AS round_id',
        'r.code AS round_code',
        's.submitted_at AS submitted_at',
        's.payable_pence AS approved_pence',
        `(SELECT sum(l.claimed_pence) FROM return_spend_lines l WHERE l.submission_id = s.id) AS claimed_pence`,
      ])
      .setParameters({ today })
      .offset(query.offset)
      .limit(query.limit);
    applySort(builder, RETURN_SORT_COLUMNS, query.sort, [
      'b.reference',
      'd.period_starts_on',
      'd.id',
    ]);
    applySearch(builder, query.q, ['b.reference', 'b.title', 'o.name']);
    if (user.role === 'applicant') {
      builder.andWhere('d.organisation_id = :organisationId', {
        organisationId: user.organisationId,
      });
    }
    if (query.roundId) {
      builder.andWhere('a.round_id = :roundId', { roundId: query.roundId });
    }
    if (query.awardId) {
      builder.andWhere('d.award_id = :awardId', { awardId: query.awardId });
    }
    if (query.status) {
      builder.andWhere(RETURN_FILTER_SQL[query.status]);
    }
    const [{ entities, raw }, total] = await Promise.all([
      builder.getRawAndEntities<SummaryRow>(),
      builder.getCount(),
    ]);
    return {
      items: entities.map((row, index) => {
        const extra = raw[index];
        return {
          ...scheduled(row, today),
          awardId: row.awardId,
          awardReference: extra.award_reference,
          organisationName: extra.organisation_name,
          submissions: row.submissions,
          quarterLabel: quarterLabel(row),
          bidTitle: extra.bid_title,
          roundId: extra.round_id,
          roundCode: extra.round_code,
          submittedAt: extra.submitted_at,
          claimedPence: extra.claimed_pence === null ? null : Number(extra.claimed_pence),
          approvedPence: extra.approved_pence === null ? null : Number(extra.approved_pence),
        };
      }),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  // Where the award stands: visible to its own organisation's applicants and to staff.
  position(user: AuthenticatedUser, awardId: string, now = new Date()): Promise<AwardPositionDto> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const award = await this.awards.find(manager, awardId);
      if (user.role === 'applicant' && award.organisationId !== user.organisationId) {
        throw notFound('Award');
      }
      return this.views.position(manager, award, londonDateOf(now));
    });
  }

  // Saves the draft of the version the bidder last read. Fields sent replace what was saved.
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
      if (Object.keys(sent).length === 0) {
        return this.views.toDto(loaded, award, today);
      }
      const draft = { ...row.draft, ...sent };
      const errors = draftErrors(completeContent(draft), this.views.context(loaded, award));
      if (errors.length > 0) {
        throw returnError('return-draft-invalid', { errors });
      }
      const saved = await this.store.saveDraft(manager, row, draft, actor, {
        command: 'return.save',
        objectType: 'delivery_return',
        objectId: id,
        changes: Object.fromEntries(
          Object.keys(sent).map((field) => [
            field,
            {
              before: (row.draft as Record<string, unknown>)[field] ?? null,
              after: (sent as Record<string, unknown>)[field],
            },
          ]),
        ),
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
      const submission = await manager.save(
        manager.create(ReturnSubmission, {
          returnId: id,
          number: row.submissions + 1,
          content,
          submittedAt: now,
          submittedBy: user.id,
        }),
      );
      if (content.spend.length > 0) {
        await manager.insert(
          ReturnSpendLine,
          content.spend.map(({ financialYear, kind, amountPence }) => ({
            submissionId: submission.id,
            financialYear,
            kind,
            claimedPence: amountPence,
          })),
        );
      }
      const before = row.status;
      await manager.update(
        DeliveryReturn,
        { id },
        { status: 'submitted', submissions: submission.number },
      );
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
