// Separation of duties (GovS 015): nobody decides, approves, assesses, moderates, reviews or pays
// anything about a bid they created, submitted, or whose organisation they ever belonged to.

// Where a user stands: their role, and the organisation they act for (applicants only).
export interface Placement {
  role: string;
  organisationId: string | null;
}

// A new role or organisation: a new spell in the user's history, refused on oneself, and the
// end of every session the user has.
export function placementChanged(before: Placement, after: Placement): boolean {
  return before.role !== after.role || before.organisationId !== after.organisationId;
}

// Who stands behind a bid.
export interface BidParties {
  organisationId: string;
  createdBy: string | null;
  submittedBy: string | null;
}

// A person as separation of duties sees them: every organisation they ever belonged to, from
// their role and organisation history.
export interface PersonTies {
  userId: string;
  organisationIds: readonly string[];
}

export type BidTie = 'created' | 'submitted' | 'member';

// The tie between the person and the bid, or null when they are free to act on it.
export function bidTie(person: PersonTies, bid: BidParties): BidTie | null {
  if (bid.createdBy === person.userId) {
    return 'created';
  }
  if (bid.submittedBy === person.userId) {
    return 'submitted';
  }
  if (person.organisationIds.includes(bid.organisationId)) {
    return 'member';
  }
  return null;
}

// The tie as the end of a sentence whose subject is the person ("you", "Sam Staff").
export function tieReason(tie: BidTie): string {
  switch (tie) {
    case 'created':
      return 'created the bid';
    case 'submitted':
      return 'submitted the bid';
    case 'member':
      return 'belonged to the bidding organisation';
  }
}
