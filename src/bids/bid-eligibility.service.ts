import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrganisationsService } from '../organisations/organisations.service';
import type { RoundWithParts } from '../rounds/round-views';
import { BidStore } from './bid-store';
import { bidContent, LoadedBid } from './loaded-bid';
import {
  BidLimitCount,
  eligibilityFailures,
  requiredMatchPence,
  RuleFailure,
} from './eligibility.rules';

export interface EligibilityResult {
  failures: RuleFailure[];
  requiredMatchPence: number;
  // The scope the bid limit counts in, for locking it during submission.
  scopeKey: string;
}

// Gathers what the eligibility rules need from the database and runs them.
@Injectable()
export class BidEligibilityService {
  constructor(
    private readonly store: BidStore,
    private readonly organisations: OrganisationsService,
  ) {}

  async evaluate(
    manager: EntityManager,
    bid: LoadedBid,
    round: RoundWithParts,
  ): Promise<EligibilityResult> {
    const limit = await this.limitCount(manager, bid, round);
    const areaHasPcc =
      bid.forceAreaCode !== null &&
      (await this.organisations.pccOfArea(bid.forceAreaCode, manager)) !== null;
    const failures = eligibilityFailures(
      { ...bidContent(bid), applicantType: bid.applicantType },
      round,
      limit,
      { needed: bid.needsEndorsement, areaHasPcc },
    );
    return {
      failures,
      requiredMatchPence: requiredMatchPence(round, bid.applicantType, bid.requestedPence).pence,
      scopeKey: limit.scopeKey,
    };
  }

  // A limit per PCC area counts every lead in the area; BTP, in no area, counts on its own.
  private async limitCount(
    manager: EntityManager,
    bid: LoadedBid,
    round: RoundWithParts,
  ): Promise<BidLimitCount & { scopeKey: string }> {
    if (round.bidLimitScope === 'pcc_area' && bid.forceAreaCode !== null) {
      const organisation = await this.organisations.findWithArea(bid.organisationId, manager);
      const areaName = organisation?.forceArea?.name ?? bid.forceAreaCode;
      return {
        scope: `the ${areaName} PCC area`,
        scopeKey: `area:${bid.forceAreaCode}`,
        otherBids: await this.store.countLive(
          manager,
          round.id,
          { forceAreaCode: bid.forceAreaCode },
          bid.id,
        ),
      };
    }
    return {
      scope: bid.organisation.name,
      countedBy: 'applicant',
      scopeKey: `organisation:${bid.organisationId}`,
      otherBids: await this.store.countLive(
        manager,
        round.id,
        { organisationId: bid.organisationId },
        bid.id,
      ),
    };
  }
}
