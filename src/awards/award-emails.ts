import type { EmailMessage } from '../notifications/outbox.service';
import type { ScheduledReturnDto } from '../returns/return-response.dto';
import type { AwardDecision, AwardLine } from './award.entity';
import { pageUrl, type PortalLinks } from '../notifications/portal-links';

export function awardUrl(links: PortalLinks, award: { id: string }): string {
  return pageUrl(links, 'award', { id: award.id });
}

export interface OutcomeContext {
  reference: string;
  title: string;
  roundName: string;
  organisationName: string;
  requestedPence: number;
}

// Outcomes published: the offer (amounts, conditions, deadline, the letter) or the reason and
// feedback, to every applicant of the bidding organisation.
export function outcomeEmail(
  decision: AwardDecision,
  lines: AwardLine[],
  bid: OutcomeContext & { id: string },
  to: string[],
  links: PortalLinks,
): EmailMessage {
  const common = {
    to,
    dedupeKey: `decision:${decision.id}:outcome`,
    about: { type: 'award_decision', id: decision.id },
  };
  const { reference, title, roundName, organisationName, requestedPence } = bid;
  if (decision.outcome === 'reject') {
    return {
      ...common,
      template: 'bid-unsuccessful',
      data: {
        ...{ reference, title, roundName, organisationName },
        reason: decision.rejectionReason,
        feedback: decision.feedback,
        bidUrl: pageUrl(links, 'bid', { id: bid.id }),
      },
    };
  }
  return {
    ...common,
    template: 'award-offered',
    data: {
      ...{ reference, title, roundName, organisationName, requestedPence },
      amountPence: decision.amountPence,
      lines: lines.map(({ financialYear, kind, amountPence }) => ({
        financialYear,
        kind,
        amountPence,
      })),
      conditions: decision.conditions,
      offerExpiresAt: decision.offerExpiresAt,
      letterUrl: pageUrl(links, 'offerLetter', { id: decision.id }),
    },
  };
}

export function acceptedEmail(
  decision: AwardDecision,
  context: Pick<OutcomeContext, 'reference' | 'title' | 'organisationName'>,
  returns: ScheduledReturnDto[],
  to: string[],
  links: PortalLinks,
): EmailMessage {
  return {
    template: 'award-accepted',
    to,
    dedupeKey: `decision:${decision.id}:accepted`,
    about: { type: 'award_decision', id: decision.id },
    data: {
      ...context,
      amountPence: decision.amountPence,
      signatoryName: decision.signatoryName,
      acceptedAt: decision.acceptedAt,
      returns: returns.map(({ financialYear, quarter, dueOn }) => ({
        financialYear,
        quarter,
        dueOn,
      })),
      awardUrl: awardUrl(links, decision),
    },
  };
}

export type ClosedStatus = 'declined' | 'withdrawn';

// An award declined or withdrawn (by the programme or because the offer lapsed): a notice to the
// bidder's people with the reason and, for a decline, one to the programme team (active admins).
export function closedEmails(
  decision: AwardDecision,
  status: ClosedStatus,
  context: Pick<OutcomeContext, 'reference' | 'title' | 'organisationName'>,
  reason: string,
  to: { bidder: string[]; team: string[] },
  links: PortalLinks,
): EmailMessage[] {
  const about = { type: 'award_decision', id: decision.id };
  const data = {
    ...context,
    amountPence: decision.amountPence,
    reason,
    awardUrl: awardUrl(links, decision),
  };
  const messages: EmailMessage[] = [];
  if (to.bidder.length > 0) {
    messages.push({
      template: status === 'declined' ? 'award-declined' : 'award-withdrawn',
      to: to.bidder,
      dedupeKey: `decision:${decision.id}:${status}`,
      about,
      data,
    });
  }
  if (status === 'declined' && to.team.length > 0) {
    messages.push({
      template: 'award-declined-notice',
      to: to.team,
      dedupeKey: `decision:${decision.id}:declined-notice`,
      about,
      data,
    });
  }
  return messages;
}
