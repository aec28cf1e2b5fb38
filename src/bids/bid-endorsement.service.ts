import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import type { Organisation } from '../organisations/organisation.entity';
import { OrganisationsService } from '../organisations/organisations.service';
import type { RoundWithParts } from '../rounds/round-views';
import { RoundStore } from '../rounds/round-store';
import { UsersService } from '../users/users.service';
import { endorsementDecided } from './bid-emails';
import type { AreaRankingResponseDto, BidDto } from './bid-response.dto';
import { BidEndorsementStore } from './bid-endorsement-store';
import { BidStore } from './bid-store';
import { isAwaitingEndorsement, isRankableBid, wasSubmitted } from './bid-lifecycle';
import { isEndorsingRound } from '../rounds/round-lifecycle';
import { endorsementState, toBidDto } from './loaded-bid';
import type { EndorsementDecision } from './bid.entity';
import { bidError } from './bids.errors';
import { notFound } from '../common/common.errors';

@Injectable()
export class BidEndorsementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: BidStore,
    private readonly endorsements: BidEndorsementStore,
    private readonly rounds: RoundStore,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // The PCC endorses or declines a submitted bid from its area. Repeating the same decision
  // answers the bid as it stands; changing a decision is refused.
  decide(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    decision: EndorsementDecision,
    reason: string | null,
    now = new Date(),
  ): Promise<BidDto> {
    return this.dataSource.transaction(async (manager) => {
      const pcc = await this.pccOf(user, manager);
      const bid = await this.store.lock(manager, id);
      const own = bid.organisationId === pcc.id;
      if (bid.forceAreaCode !== pcc.forceAreaCode || (!wasSubmitted(bid) && !own)) {
        throw notFound('Bid');
      }
      if (!bid.needsEndorsement) {
        throw bidError('endorsement-not-needed', {
          message: `Bid ${bid.reference} is led by the PCC itself and needs no endorsement.`,
        });
      }
      if (bid.endorsementDecision === decision) {
        return toBidDto(bid);
      }
      if (bid.endorsementDecision !== null) {
        throw bidError('endorsement-decided', {
          message: `Bid ${bid.reference} was already ${bid.endorsementDecision}; that decision stands.`,
        });
      }
      if (bid.status !== 'submitted') {
        throw bidError('bid-not-submitted', {
          message: `Bid ${bid.reference} is ${bid.status}; only a submitted bid can be endorsed or declined.`,
        });
      }
      const round = await this.endorsingRound(manager, bid.roundId);
      await this.endorsements.writeEndorsement(manager, id, decision, reason, user.id, now);
      await this.audit.record(manager, actor, {
        command: decision === 'endorsed' ? 'bid.endorse' : 'bid.decline-endorsement',
        objectType: 'bid',
        objectId: id,
        changes: {
          endorsement: { before: 'awaiting', after: decision },
          ...(reason ? { endorsementReason: { before: null, after: reason } } : {}),
        },
      });
      const saved = await this.store.load(manager, id);
      const submitter = saved.submittedBy
        ? await this.users.nameOf(saved.submittedBy, manager)
        : null;
      if (submitter) {
        await this.outbox.queue(
          manager,
          endorsementDecided(saved, round, submitter, pcc, decision, this.config.portal),
        );
      }
      return toBidDto(saved);
    });
  }

  async ranking(user: AuthenticatedUser, roundId: string): Promise<AreaRankingResponseDto> {
    const manager = this.dataSource.manager;
    const pcc = await this.pccOf(user, manager);
    const round = await this.rounds.findPublished(manager, roundId, null);
    if (!round) {
      throw notFound('Funding round');
    }
    return this.rankingOf(manager, round, pcc);
  }

  // Sets the area's priority order: every endorsed or PCC-led live bid of the area, once each.
  rank(
    actor: AuditActor,
    user: AuthenticatedUser,
    roundId: string,
    bidIds: string[],
  ): Promise<AreaRankingResponseDto> {
    return this.dataSource.transaction(async (manager) => {
      const pcc = await this.pccOf(user, manager);
      const round = await this.endorsingRound(manager, roundId);
      const area = pcc.forceAreaCode as string;
      await this.store.lockScope(manager, round.id, `area:${area}`);
      const rankable = await this.endorsements.listRankable(manager, round.id, area);
      this.checkRanking(bidIds, rankable);
      const before = rankable
        .filter((bid) => bid.pcc_rank !== null)
        .sort((a, b) => a.pcc_rank - b.pcc_rank)
        .map((bid) => bid.reference);
      await this.endorsements.writeRanking(manager, round.id, area, bidIds);
      const byId = new Map(rankable.map((bid) => [bid.id, bid.reference]));
      await this.audit.record(manager, actor, {
        command: 'bid.rank',
        objectType: 'funding_round',
        objectId: round.id,
        changes: {
          [`pccRanking:${area}`]: { before, after: bidIds.map((bidId) => byId.get(bidId)) },
        },
      });
      return this.rankingOf(manager, round, pcc);
    });
  }

  private checkRanking(bidIds: string[], rankable: { id: string; reference: string }[]): void {
    const expected = new Set(rankable.map((bid) => bid.id));
    const errors = bidIds.flatMap((bidId, index) =>
      expected.has(bidId)
        ? bidIds.indexOf(bidId) === index
          ? []
          : [{ field: `bidIds.${index}`, message: 'lists a bid twice' }]
        : [
            {
              field: `bidIds.${index}`,
              message:
                'is not a submitted bid of your area that is endorsed or led by you; only those are ranked',
            },
          ],
    );
    const missing = rankable.filter((bid) => !bidIds.includes(bid.id));
    if (missing.length > 0) {
      errors.push({
        field: 'bidIds',
        message: `leaves out ${missing.map((bid) => bid.reference).join(', ')}; rank every endorsed bid of your area`,
      });
    }
    if (errors.length > 0) {
      throw bidError('ranking-invalid', { errors });
    }
  }

  private async rankingOf(
    manager: EntityManager,
    round: RoundWithParts,
    pcc: Organisation,
  ): Promise<AreaRankingResponseDto> {
    const bids = await this.endorsements.listOfArea(manager, round.id, pcc.forceAreaCode as string);
    const visible = bids
      .filter((bid) => wasSubmitted(bid) || bid.organisationId === pcc.id)
      .sort((a, b) => (a.pccRank ?? Infinity) - (b.pccRank ?? Infinity));
    return {
      roundId: round.id,
      forceAreaCode: pcc.forceAreaCode as string,
      bidLimit: round.bidLimit,
      canRank: isEndorsingRound(round),
      bids: visible.map((bid) => ({
        id: bid.id,
        reference: bid.reference,
        title: bid.title,
        organisationName: bid.organisation?.name ?? '',
        applicantType: bid.applicantType,
        status: bid.status,
        endorsement: endorsementState(bid),
        requestedPence: bid.requestedPence,
        pccRank: bid.pccRank,
        rankable: isRankableBid(bid),
        awaitingEndorsement: isAwaitingEndorsement(bid, round),
      })),
    };
  }

  // The acting user's PCC office; only a PCC's applicants endorse and rank.
  private async pccOf(user: AuthenticatedUser, manager: EntityManager): Promise<Organisation> {
    const organisation = await this.organisations.findWithArea(
      user.organisationId as string,
      manager,
    );
    if (organisation?.type !== 'pcc' || organisation.forceAreaCode === null) {
      throw bidError('not-a-pcc');
    }
    return organisation;
  }

  private async endorsingRound(manager: EntityManager, roundId: string): Promise<RoundWithParts> {
    const round = await this.rounds.findPublished(manager, roundId, 'share');
    if (!round) {
      throw notFound('Funding round');
    }
    if (!isEndorsingRound(round)) {
      throw bidError('round-past-endorsement', {
        message: `Round ${round.code} is ${round.status}; endorsement and ranking ended when assessment began.`,
      });
    }
    return round;
  }
}
