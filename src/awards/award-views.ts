import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BidProgressService } from '../bids/bid-progress.service';
import type { AuthenticatedUser } from '../common/access';
import { formatLondonZoned, londonDateOf } from '../common/london-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OrganisationsService } from '../organisations/organisations.service';
import { ReturnScheduleStore, scheduled } from '../returns/return-schedule-store';
import { returnSchedule } from '../returns/return-schedule.rules';
import { RoundStore } from '../rounds/round-store';
import { UsersService } from '../users/users.service';
import { awardUrl } from './award-emails';
import type { AwardDecision } from './award.entity';
import { awardVisibleTo } from './award-lifecycle';
import { AwardStore } from './award-store';
import { offerLapsed } from './award.rules';
import { FUNDER, OfferLetters } from './offer-letters';
import type { AwardDto, OutcomeDto } from './offer.dto';
import { notFound } from '../common/common.errors';
import { awardError } from './awards.errors';

// Awards and outcomes as bidders read them: an applicant sees only their organisation's, and
// only once the round's outcomes are published; anything else answers 404 as if it did not exist.
@Injectable()
export class AwardViews {
  constructor(
    private readonly bids: BidProgressService,
    private readonly rounds: RoundStore,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly returns: ReturnScheduleStore,
    private readonly letters: OfferLetters,
    private readonly dataSource: DataSource,
    private readonly store: AwardStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // The award, visible to `user`; `lock` holds it for a command.
  async visibleAward(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
    lock = false,
  ): Promise<AwardDecision> {
    const row = await this.store.findAward(manager, id, lock);
    if (!row || !awardVisibleTo(user, row)) {
      throw notFound('Award');
    }
    return row;
  }

  // GET /awards/{id}: the award visible to `user` with everything its answer shows, in one
  // query (so one snapshot without a transaction): the award row, its bid's reference and
  // title, the organisation's and the round's names, its lines and its returns.
  async read(user: AuthenticatedUser, id: string, now = new Date()): Promise<AwardDto> {
    const whole = await this.store.readWhole(this.dataSource.manager, id);
    if (!whole || !awardVisibleTo(user, whole.row)) {
      throw notFound('Award');
    }
    const today = londonDateOf(now);
    return this.dto(whole.row, {
      reference: whole.reference,
      bidTitle: whole.bidTitle,
      organisationName: whole.organisationName,
      roundName: whole.roundName ?? '',
      lines: whole.lines,
      returns: whole.returns.map((ret) => scheduled(ret, today)),
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
    const decision = await this.store.standingOfBid(manager, bidId);
    if (!decision?.publishedAt) {
      throw awardError('outcome-not-published', {
        message:
          bid.status === 'withdrawn' || bid.status === 'eligibility_failed'
            ? `Bid ${bid.reference} is ${bid.status.replace('_', ' ')}, so it gets no award decision.`
            : `The outcome of bid ${bid.reference} is not published yet. A round's outcomes are published together, and the bidder is emailed then.`,
      });
    }
    // The terms as decided: a later variation changes the award (its own page shows the terms
    // now), never what the bidder was told.
    const decided = await this.store.termsAt(manager, decision, decision.decidedAt);
    return {
      bidId,
      reference: bid.reference,
      bidTitle: bid.title,
      outcome: decision.outcome === 'award' ? 'awarded' : 'unsuccessful',
      publishedAt: decision.publishedAt,
      requestedPence: bid.requestedPence,
      amountPence: decided.amountPence,
      lines: decided.lines,
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
      offerExpiresUkTime: row.offerExpiresAt ? formatLondonZoned(row.offerExpiresAt) : null,
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
    // The terms as accepted (or as offered, before acceptance): a later variation has its own
    // letter and never rewrites this one.
    const terms = await this.store.termsAt(manager, row, row.acceptedAt ?? new Date());
    const html = this.letters.render({
      funderName: FUNDER,
      reference: bid.reference,
      bidTitle: bid.title,
      roundName: round.name,
      organisationName: organisation.name,
      companyNumber: organisation.companyNumber,
      charityNumber: organisation.charityNumber,
      offeredAt: row.publishedAt,
      amountPence: terms.amountPence,
      lines: terms.lines,
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
    return (await this.store.linesOf(manager, [decisionId])).map(
      ({ financialYear, kind, amountPence }) => ({ financialYear, kind, amountPence }),
    );
  }
}
