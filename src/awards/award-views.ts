import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Not } from 'typeorm';
import { BidProgressService } from '../bids/bid-progress.service';
import type { AuthenticatedUser } from '../common/access';
import { formatLondon, londonDateOf } from '../common/london-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OrganisationsService } from '../organisations/organisations.service';
import {
  ReturnScheduleService,
  scheduled,
  type ScheduledFields,
} from '../returns/return-schedule.service';
import { returnSchedule } from '../returns/return-schedule.rules';
import { RoundStore } from '../rounds/round-store';
import { UsersService } from '../users/users.service';
import { awardUrl } from './award-emails';
import { AwardDecision, AwardLine } from './award.entity';
import { offerLapsed } from './award.rules';
import { OfferLetters } from './offer-letters';
import type { AwardDto, OutcomeDto } from './offer.dto';
import { notFound } from '../common/common.errors';
import { awardError } from './awards.errors';

// An award's own lines and its returns, each list gathered into JSON by its own subquery so the
// award comes back as one row (joining the two lists would return the product of their lengths).
const AWARD_LINES_JSON = `(SELECT coalesce(json_agg(json_build_object(
    'financialYear', l.financial_year, 'kind', l.kind, 'amountPence', l.amount_pence)
    ORDER BY l.financial_year, l.kind), '[]')
  FROM award_lines l WHERE l.decision_id = a.id)`;
const AWARD_RETURNS_JSON = `(SELECT coalesce(json_agg(json_build_object(
    'id', d.id, 'financialYear', d.financial_year, 'quarter', d.quarter,
    'periodStartsOn', d.period_starts_on::text, 'periodEndsOn', d.period_ends_on::text,
    'dueOn', d.due_on::text, 'status', d.status) ORDER BY d.period_starts_on), '[]')
  FROM delivery_returns d WHERE d.award_id = a.id)`;

interface AwardRaw {
  reference: string;
  bid_title: string;
  organisation_name: string;
  round_name: string | null;
  award_lines: AwardDto['lines'];
  award_returns: ScheduledFields[];
}

const FUNDER = 'Home Office, on behalf of the Secretary of State for the Home Department';

// Awards and outcomes as bidders read them: an applicant sees only their organisation's, and
// only once the round's outcomes are published; anything else answers 404 as if it did not exist.
@Injectable()
export class AwardViews {
  constructor(
    private readonly bids: BidProgressService,
    private readonly rounds: RoundStore,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly returns: ReturnScheduleService,
    private readonly letters: OfferLetters,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // The award, visible to `user`; `lock` holds it for a command.
  async visibleAward(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
    lock = false,
  ): Promise<AwardDecision> {
    const row = await manager.findOne(AwardDecision, {
      where: { id, outcome: 'award' },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    const hidden =
      user.role === 'applicant' &&
      (row?.organisationId !== user.organisationId || !row?.publishedAt);
    if (!row || hidden) {
      throw notFound('Award');
    }
    return row;
  }

  // GET /awards/{id}: the award visible to `user` with everything its answer shows, in one
  // query (so one snapshot without a transaction): the award row, its bid's reference and
  // title, the organisation's and the round's names, its lines and its returns.
  async read(user: AuthenticatedUser, id: string, now = new Date()): Promise<AwardDto> {
    const { entities, raw } = await this.dataSource.manager
      .createQueryBuilder(AwardDecision, 'a')
      .innerJoin('bids', 'b', 'b.id = a.bid_id')
      .innerJoin('organisations', 'o', 'o.id = a.organisation_id')
      // A draft round has no name to show (as findPublished, which reads no draft round).
      .leftJoin('funding_rounds', 'r', `r.id = a.round_id AND r.status <> 'draft'`)
      .addSelect('b.reference', 'reference')
      .addSelect('b.title', 'bid_title')
      .addSelect('o.name', 'organisation_name')
      .addSelect('r.name', 'round_name')
      .addSelect(AWARD_LINES_JSON, 'award_lines')
      .addSelect(AWARD_RETURNS_JSON, 'award_returns')
      .where(`a.id = :id AND a.outcome = 'award'`, { id })
      .getRawAndEntities<AwardRaw>();
    const [row] = entities;
    const hidden =
      user.role === 'applicant' &&
      (row?.organisationId !== user.organisationId || !row?.publishedAt);
    if (!row || hidden) {
      throw notFound('Award');
    }
    const [parts] = raw;
    const today = londonDateOf(now);
    return this.dto(row, {
      reference: parts.reference,
      bidTitle: parts.bid_title,
      organisationName: parts.organisation_name,
      roundName: parts.round_name ?? '',
      lines: parts.award_lines,
      returns: parts.award_returns.map((ret) => scheduled(ret, today)),
      now,
    });
  }

  async outcome(
    manager: EntityManager,
    user: AuthenticatedUser,
    bidId: string,
  ): Promise<OutcomeDto> {
    const bid = await this.bids.find(manager, bidId);
    if (user.role === 'applicant' && bid.organisationId !== user.organisationId) {
      throw notFound('Bid');
    }
    const decision = await manager.findOne(AwardDecision, {
      where: { bidId, status: Not('not_confirmed') },
    });
    if (!decision?.publishedAt) {
      throw awardError('outcome-not-published', {
        message:
          bid.status === 'withdrawn' || bid.status === 'eligibility_failed'
            ? `Bid ${bid.reference} is ${bid.status.replace('_', ' ')}, so it gets no award decision.`
            : `The outcome of bid ${bid.reference} is not published yet. A round's outcomes are published together, and the bidder is emailed then.`,
      });
    }
    return {
      bidId,
      reference: bid.reference,
      bidTitle: bid.title,
      outcome: decision.outcome === 'award' ? 'awarded' : 'unsuccessful',
      publishedAt: decision.publishedAt,
      requestedPence: bid.requestedPence,
      amountPence: decision.amountPence,
      lines: await this.lines(manager, decision.id),
      conditions: decision.conditions,
      reason: decision.rejectionReason,
      feedback: decision.feedback,
      awardId: decision.outcome === 'award' ? decision.id : null,
      awardStatus: decision.outcome === 'award' ? decision.status : null,
    };
  }

  async award(manager: EntityManager, row: AwardDecision, now = new Date()): Promise<AwardDto> {
    const bid = await this.bids.find(manager, row.bidId);
    const round = await this.rounds.findPublished(manager, row.roundId, null);
    return this.dto(row, {
      reference: bid.reference,
      bidTitle: bid.title,
      organisationName: bid.organisationName,
      roundName: round?.name ?? '',
      lines: await this.lines(manager, row.id),
      returns: await this.returns.list(manager, row.id, londonDateOf(now)),
      now,
    });
  }

  private dto(
    row: AwardDecision,
    parts: Pick<AwardDto, 'reference' | 'bidTitle' | 'organisationName' | 'roundName'> &
      Pick<AwardDto, 'lines' | 'returns'> & { now: Date },
  ): AwardDto {
    return {
      id: row.id,
      reference: parts.reference,
      bidId: row.bidId,
      bidTitle: parts.bidTitle,
      roundId: row.roundId,
      roundName: parts.roundName,
      organisationId: row.organisationId,
      organisationName: parts.organisationName,
      status: row.status,
      amountPence: row.amountPence,
      lines: parts.lines,
      conditions: row.conditions,
      publishedAt: row.publishedAt,
      offerExpiresAt: row.offerExpiresAt,
      offerExpiresUkTime: row.offerExpiresAt ? formatLondon(row.offerExpiresAt) : null,
      offerLapsed: offerLapsed(row, parts.now),
      acceptedAt: row.acceptedAt,
      signatoryName: row.signatoryName,
      signatoryPosition: row.signatoryPosition,
      closedAt: row.closedAt,
      closeReason: row.closeReason,
      returns: parts.returns,
      version: row.version,
    };
  }

  // The grant offer letter for a published award, as printable HTML.
  async letter(
    manager: EntityManager,
    row: AwardDecision,
  ): Promise<{ filename: string; html: string }> {
    if (!row.publishedAt || !row.offerExpiresAt) {
      throw awardError('offer-not-made');
    }
    const bid = await this.bids.find(manager, row.bidId);
    const round = await this.rounds.findPublished(manager, row.roundId, null);
    const organisation = await this.organisations.findWithArea(row.organisationId, manager);
    if (!round || !organisation) {
      throw notFound('Award');
    }
    const approverIds = [row.decidedBy, ...(row.secondApproverId ? [row.secondApproverId] : [])];
    const names = await this.users.namesOf(approverIds, manager);
    const html = this.letters.render({
      funderName: FUNDER,
      reference: bid.reference,
      bidTitle: bid.title,
      roundName: round.name,
      organisationName: organisation.name,
      companyNumber: organisation.companyNumber,
      charityNumber: organisation.charityNumber,
      offeredAt: row.publishedAt,
      amountPence: row.amountPence,
      lines: await this.lines(manager, row.id),
      conditions: row.conditions,
      deliveryStartsOn: round.deliveryStartsOn,
      deliveryEndsOn: round.deliveryEndsOn,
      returnDueDays: round.returnDueDays,
      returns: returnSchedule(round.deliveryStartsOn, round.deliveryEndsOn, round.returnDueDays),
      offerExpiresAt: row.offerExpiresAt,
      approvedBy: approverIds.map((id) => names.get(id) ?? 'an approver'),
      awardUrl: awardUrl(this.config.portal, row),
      acceptance:
        row.acceptedAt && row.signatoryName && row.signatoryPosition
          ? {
              signatoryName: row.signatoryName,
              signatoryPosition: row.signatoryPosition,
              acceptedAt: row.acceptedAt,
            }
          : null,
      status: row.status.replace(/_/g, ' '),
    });
    return { filename: `grant-offer-${bid.reference}.html`, html };
  }

  private async lines(manager: EntityManager, decisionId: string) {
    const rows = await manager.find(AwardLine, {
      where: { decisionId },
      order: { financialYear: 'ASC', kind: 'ASC' },
    });
    return rows.map(({ financialYear, kind, amountPence }) => ({
      financialYear,
      kind,
      amountPence,
    }));
  }
}
