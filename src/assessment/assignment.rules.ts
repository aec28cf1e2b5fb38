import { bidTie, type PersonTies, tieReason } from '../users/separation.rules';

// What keeps an assessor from a bid: the ties they declared, and (separation of duties) the
// organisations they ever belonged to, with who they are, so that bids they made count too.
export interface Affiliations {
  organisationIds: string[];
  forceAreaCodes: string[];
  person?: PersonTies;
}

export interface AssessorForPlanning {
  id: string;
  affiliations: Affiliations;
  // Assignments the assessor holds in the round that still count (assigned or submitted).
  load: number;
}

export interface BidForPlanning {
  id: string;
  reference: string;
  organisationId: string;
  forceAreaCode: string | null;
  createdBy?: string;
  submittedBy?: string | null;
  // Every assessor who ever held the bid, conflicted ones included: none is picked again.
  assessorIds: string[];
  // Of those, the assignments still counting towards the round's number per bid.
  activeCount: number;
}

export interface PlannedAssignment {
  bidId: string;
  assessorId: string;
}

export interface Shortfall {
  bidId: string;
  reference: string;
  missing: number;
}

// Why the assessor may not assess a bid from this organisation and force area, or null.
export function affiliationConflict(
  affiliations: Affiliations,
  bid: {
    organisationId: string;
    forceAreaCode: string | null;
    createdBy?: string;
    submittedBy?: string | null;
  },
): string | null {
  const tie =
    affiliations.person &&
    bidTie(affiliations.person, {
      organisationId: bid.organisationId,
      createdBy: bid.createdBy ?? null,
      submittedBy: bid.submittedBy ?? null,
    });
  if (tie) {
    return `the assessor ${tieReason(tie)}`;
  }
  if (affiliations.organisationIds.includes(bid.organisationId)) {
    return 'the assessor has declared an affiliation with the bidding organisation';
  }
  if (bid.forceAreaCode !== null && affiliations.forceAreaCodes.includes(bid.forceAreaCode)) {
    return `the assessor has declared an affiliation with force area ${bid.forceAreaCode}, where the bid is`;
  }
  return null;
}

// Fills each bid up to `perBid` assessors, each time choosing the free, unaffiliated assessor
// with the lightest load (ties by id), so work spreads evenly and the same inputs always give the
// same plan. The bids with the fewest assessors to spare go first (then by reference): a bid
// that only some may assess takes them before bids anyone may assess use up their time.
// Bids that cannot be filled are reported.
export function planAssignments(
  bids: BidForPlanning[],
  assessors: AssessorForPlanning[],
  perBid: number,
): { assignments: PlannedAssignment[]; shortfalls: Shortfall[] } {
  const load = new Map(assessors.map((assessor) => [assessor.id, assessor.load]));
  const assignments: PlannedAssignment[] = [];
  const shortfalls: Shortfall[] = [];
  const spare = (bid: BidForPlanning) =>
    assessors.filter(
      (assessor) =>
        !bid.assessorIds.includes(assessor.id) &&
        affiliationConflict(assessor.affiliations, bid) === null,
    ).length -
    (perBid - bid.activeCount);
  const ordered = bids
    .map((bid) => ({ bid, spare: spare(bid) }))
    .sort(
      (a, b) =>
        a.spare - b.spare ||
        (a.bid.reference < b.bid.reference ? -1 : a.bid.reference > b.bid.reference ? 1 : 0),
    )
    .map(({ bid }) => bid);
  for (const bid of ordered) {
    const taken = new Set(bid.assessorIds);
    let missing = perBid - bid.activeCount;
    while (missing > 0) {
      const candidates = assessors
        .filter(
          (assessor) =>
            !taken.has(assessor.id) && affiliationConflict(assessor.affiliations, bid) === null,
        )
        .sort(
          (a, b) =>
            (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) ||
            (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
        );
      const chosen = candidates[0];
      if (!chosen) {
        break;
      }
      assignments.push({ bidId: bid.id, assessorId: chosen.id });
      taken.add(chosen.id);
      load.set(chosen.id, (load.get(chosen.id) ?? 0) + 1);
      missing -= 1;
    }
    if (missing > 0) {
      shortfalls.push({ bidId: bid.id, reference: bid.reference, missing });
    }
  }
  return { assignments, shortfalls };
}
