import type { BidForAssessment } from '../bids/bid-progress.service';
import type { EmailMessage } from '../notifications/outbox.service';
import { pageUrl, type PortalLinks } from '../notifications/portal-links';

function aboutBid(bid: BidForAssessment, round: { name: string }) {
  return {
    reference: bid.reference,
    title: bid.title,
    organisationName: bid.organisationName,
    roundName: round.name,
  };
}

export function assignedEmail(
  assignment: { id: string },
  bid: BidForAssessment,
  round: { name: string; assessmentDueAt: Date | null },
  assessor: { email: string; name: string },
  links: PortalLinks,
): EmailMessage {
  return {
    template: 'assessment-assigned',
    to: assessor.email,
    dedupeKey: `assignment:${assignment.id}:assigned`,
    about: { type: 'assessment_assignment', id: assignment.id },
    data: {
      ...aboutBid(bid, round),
      name: assessor.name,
      dueAt: round.assessmentDueAt,
      assignmentUrl: pageUrl(links, 'assignment', { id: assignment.id }),
    },
  };
}

// Moderators are told at once, so the bid does not wait a day for another assessor.
export function conflictDeclaredEmail(
  assignment: { id: string; conflictReason: string | null },
  bid: BidForAssessment,
  round: { name: string },
  assessor: { name: string },
  moderators: { email: string }[],
  links: PortalLinks,
): EmailMessage {
  return {
    template: 'assessment-conflict-declared',
    to: moderators.map((moderator) => moderator.email),
    dedupeKey: `assignment:${assignment.id}:conflict-declared`,
    about: { type: 'bid', id: bid.id },
    data: {
      ...aboutBid(bid, round),
      assessorName: assessor.name,
      reason: assignment.conflictReason,
      bidUrl: pageUrl(links, 'bid', { id: bid.id }),
    },
  };
}

export function divergentEmail(
  bid: BidForAssessment,
  round: { name: string; divergenceThreshold: number },
  scores: { mean: string; spread: string; lowest: string; highest: string },
  moderators: { email: string }[],
  links: PortalLinks,
): EmailMessage {
  return {
    template: 'assessment-divergent',
    to: moderators.map((moderator) => moderator.email),
    dedupeKey: `bid:${bid.id}:divergent`,
    about: { type: 'bid', id: bid.id },
    data: {
      ...aboutBid(bid, round),
      ...scores,
      threshold: round.divergenceThreshold,
      bidUrl: pageUrl(links, 'bid', { id: bid.id }),
    },
  };
}
