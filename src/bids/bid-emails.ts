import type { EmailMessage } from '../notifications/outbox.service';
import type { EndorsementDecision } from './bid.entity';
import { bidContent, LoadedBid } from './loaded-bid';
import { pageUrl, type PortalLinks } from '../notifications/portal-links';

export function bidUrl(links: PortalLinks, bid: { id: string }): string {
  return pageUrl(links, 'bid', { id: bid.id });
}

function summaryOf(bid: LoadedBid, round: { name: string }) {
  const content = bidContent(bid);
  return {
    reference: bid.reference,
    title: bid.title,
    roundName: round.name,
    organisationName: bid.organisation.name,
    requestedPence: bid.requestedPence,
    matchFundingPence: bid.matchFundingPence,
    costLines: content.costLines,
    interventions: content.interventions.map(({ category, type, costPence }) => ({
      category,
      type,
      costPence,
    })),
  };
}

// The receipt: the reference and what was frozen, so the bidder holds their own record.
export function submissionReceipt(
  bid: LoadedBid,
  round: { name: string },
  submitter: { email: string; name: string },
  awaitingPcc: string | null,
  links: PortalLinks,
): EmailMessage {
  return {
    template: 'bid-submitted',
    to: submitter.email,
    dedupeKey: `bid:${bid.id}:submitted`,
    about: { type: 'bid', id: bid.id },
    data: {
      ...summaryOf(bid, round),
      name: submitter.name,
      submittedAt: bid.submittedAt,
      digest: bid.submittedDigest,
      awaitingPcc,
      bidUrl: bidUrl(links, bid),
    },
  };
}

export function endorsementRequest(
  bid: LoadedBid,
  round: { name: string; closesAt: Date },
  pcc: { name: string },
  contacts: { email: string }[],
  links: PortalLinks,
): EmailMessage {
  return {
    template: 'bid-endorsement-requested',
    to: contacts.map((contact) => contact.email),
    dedupeKey: `bid:${bid.id}:endorsement-requested`,
    about: { type: 'bid', id: bid.id },
    data: {
      ...summaryOf(bid, round),
      pccName: pcc.name,
      closesAt: round.closesAt,
      endorsementUrl: pageUrl(links, 'endorsement', { id: bid.id }),
    },
  };
}

export function endorsementDecided(
  bid: LoadedBid,
  round: { name: string },
  submitter: { email: string; name: string },
  pcc: { name: string },
  decision: EndorsementDecision,
  links: PortalLinks,
): EmailMessage {
  return {
    template: 'bid-endorsement-decided',
    to: submitter.email,
    dedupeKey: `bid:${bid.id}:endorsement-${decision}`,
    about: { type: 'bid', id: bid.id },
    data: {
      ...summaryOf(bid, round),
      name: submitter.name,
      pccName: pcc.name,
      endorsed: decision === 'endorsed',
      reason: bid.endorsementReason,
      bidUrl: bidUrl(links, bid),
    },
  };
}
