import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../common/access';
import { formatLondonZoned } from '../common/london-time';
import type { Page } from '../common/pagination';
import { OrganisationsService } from '../organisations/organisations.service';
import { DeadlineExtensionStore } from '../rounds/deadline-extension-store';
import { RoundStore } from '../rounds/round-store';
import { isWindowOpen } from '../rounds/round-lifecycle';
import { BidEligibilityService } from './bid-eligibility.service';
import type { BidDto, EligibilityDto } from './bid-response.dto';
import { BidListStore } from './bid-list-store';
import { BidStore } from './bid-store';
import { LoadedBid, toBidDto } from './loaded-bid';
import type { BidQuery } from './bid.dto';
import { Bid } from './bid.entity';
import { wasSubmitted } from './bid-lifecycle';
import { notFound } from '../common/common.errors';

// Who is looking: Home Office staff, or an applicant with their organisation and, for a PCC
// office, the force area whose bids it endorses.
export type BidViewer =
  { kind: 'staff' } | { kind: 'applicant'; organisationId: string; pccArea: string | null };

export function mayRead(viewer: BidViewer, bid: Bid): boolean {
  if (viewer.kind === 'staff') {
    // A draft is the bidder's working copy; the Home Office sees what was submitted.
    return wasSubmitted(bid);
  }
  return (
    bid.organisationId === viewer.organisationId ||
    (viewer.pccArea !== null && bid.forceAreaCode === viewer.pccArea && wasSubmitted(bid))
  );
}

@Injectable()
export class BidsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: BidStore,
    private readonly pages: BidListStore,
    private readonly eligibility: BidEligibilityService,
    private readonly organisations: OrganisationsService,
    private readonly rounds: RoundStore,
    private readonly deadlines: DeadlineExtensionStore,
  ) {}

  async viewer(user: AuthenticatedUser, manager: EntityManager): Promise<BidViewer> {
    if (user.role !== 'applicant') {
      return { kind: 'staff' };
    }
    // Every applicant has an organisation (ck_users_applicant_organisation).
    const organisation = await this.organisations.findWithArea(
      user.organisationId as string,
      manager,
    );
    return {
      kind: 'applicant',
      organisationId: user.organisationId as string,
      pccArea: organisation?.type === 'pcc' ? organisation.forceAreaCode : null,
    };
  }

  // A bid the user may read, or 404 as if it did not exist.
  async readable(user: AuthenticatedUser, manager: EntityManager, id: string): Promise<LoadedBid> {
    const bid = await this.store.load(manager, id);
    if (!mayRead(await this.viewer(user, manager), bid)) {
      throw notFound('Bid');
    }
    return bid;
  }

  // A bid and its lists are one query (BidStore.loadMany), so a read needs no transaction.
  async get(user: AuthenticatedUser, id: string): Promise<BidDto> {
    return toBidDto(await this.readable(user, this.dataSource.manager, id));
  }

  // A page in one query whatever its size (BidListStore.loadVisiblePage).
  async list(user: AuthenticatedUser, query: BidQuery): Promise<Page<BidDto>> {
    const page = await this.pages.loadVisiblePage(this.dataSource.manager, user, query);
    return {
      items: page.bids.map(toBidDto),
      total: page.total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  // Every rule the bid fails now, so a bidder can fix them before the deadline.
  async checkEligibility(user: AuthenticatedUser, id: string, now = new Date()) {
    return this.dataSource.transaction(async (manager): Promise<EligibilityDto> => {
      const bid = await this.readable(user, manager, id);
      const round = await this.rounds.findPublished(manager, bid.roundId, null);
      if (!round) {
        throw notFound('Funding round');
      }
      const result = await this.eligibility.evaluate(manager, bid, round);
      const closesAt = await this.deadlines.deadlineOf(manager, round, bid.organisationId);
      return {
        bidId: bid.id,
        eligible: result.failures.length === 0,
        failures: result.failures,
        requestedPence: bid.requestedPence,
        matchFundingPence: bid.matchFundingPence,
        requiredMatchFundingPence: result.requiredMatchPence,
        windowOpen: isWindowOpen(round, closesAt, now),
        closesAt,
        closesAtUkTime: formatLondonZoned(closesAt),
      };
    });
  }
}
