import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrganisationsService } from '../organisations/organisations.service';
import type { RoundWithParts } from '../rounds/round-views';
import { BidStore } from './bid-store';
import { bidContent, LoadedBid } from './loaded-bid';
import {
  bidLimitScopeOf,
  EligibilityRound,
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

// What the rules need from the database beside the bid and its round.
export interface EligibilityFacts {
  // Other live bids in the limit's scope.
  otherBids: number;
  // The name of the bid's PCC area, when the limit counts by area.
  areaName: string | null;
  // Whether the bid's area has an active PCC to endorse it.
  areaHasPcc: boolean;
}

// The eligibility rules run on the bid, its round and the facts read for them.
export function eligibilityOf(
  bid: LoadedBid,
  round: EligibilityRound,
  facts: EligibilityFacts,
): EligibilityResult {
  const { scope, countedBy, scopeKey } = limitScopeOf(bid, round, facts.areaName);
  const failures = eligibilityFailures(
    { ...bidContent(bid), applicantType: bid.applicantType },
    round,
    { scope, countedBy, otherBids: facts.otherBids },
    { needed: bid.needsEndorsement, areaHasPcc: facts.areaHasPcc },
  );
  return {
    failures,
    requiredMatchPence: requiredMatchPence(round, bid.applicantType, bid.requestedPence).pence,
    scopeKey,
  };
}

export function limitScopeOf(
  bid: LoadedBid,
  round: Pick<EligibilityRound, 'bidLimitScope'>,
  areaName: string | null,
): ReturnType<typeof bidLimitScopeOf> {
  return bidLimitScopeOf({ ...bid, organisationName: bid.organisation.name }, round, areaName);
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
    const { counted } = limitScopeOf(bid, round, null);
    // The area's name only when the limit counts by area.
    const organisation =
      'forceAreaCode' in counted
        ? await this.organisations.findWithArea(bid.organisationId, manager)
        : null;
    const otherBids = await this.store.countLive(manager, round.id, counted, bid.id);
    const areaHasPcc =
      bid.forceAreaCode !== null &&
      (await this.organisations.pccOfArea(bid.forceAreaCode, manager)) !== null;
    return eligibilityOf(bid, round, {
      otherBids,
      areaName: organisation?.forceArea?.name ?? null,
      areaHasPcc,
    });
  }
}
