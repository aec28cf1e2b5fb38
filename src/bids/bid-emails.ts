import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { EmailMessage } from '../notifications/outbox.service';
import { ReminderRegistry } from '../notifications/reminder-registry';
import type { EndorsementDecision } from './bid.entity';
import {
  BID_DEADLINE_KEY_SQL,
  BID_DEADLINE_SQL,
  DRAFT_REMINDER_DAYS,
  draftOpenSql,
  roundClosesWithinSql,
} from './bid-lifecycle';
import { bidContent, LoadedBid } from './loaded-bid';
import { pageUrl, pageUrlTemplate, type PortalLinks } from '../notifications/portal-links';

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
      bidUrl: bidUrl(links, bid),
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

// Drafts still unsubmitted 7 days and 1 day before their round closes for their organisation (a
// deadline extension moves the steps) remind their creators, once each step; a draft started
// inside the last week gets the steps still ahead of it.
@Injectable()
export class DraftBidReminders implements OnModuleInit {
  constructor(
    private readonly registry: ReminderRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    for (const days of DRAFT_REMINDER_DAYS) {
      this.registry.register({
        name: `bid-draft-${days}d`,
        template: 'bid-draft-reminder',
        select: `
          SELECT 'bid:' || b.id || ':draft-${days}d' || ${BID_DEADLINE_KEY_SQL} AS dedupe_key,
                 ARRAY[u.email] AS recipients,
                 jsonb_build_object(
                   'name', u.name, 'reference', b.reference, 'title', b.title,
                   'roundName', r.name, 'closesAt', ${BID_DEADLINE_SQL}, 'daysLeft', ${days},
                   'bidUrl', replace($2::text, '{id}', b.id::text)) AS data,
                 'bid' AS object_type,
                 b.id::text AS object_id
          FROM bids b
          JOIN funding_rounds r ON r.id = b.round_id
          JOIN users u ON u.id = b.created_by
          WHERE ${draftOpenSql('$1::timestamptz')} AND u.active
            AND ${roundClosesWithinSql('$1::timestamptz', String(days))}
            AND (${days} = 1 OR NOT (${roundClosesWithinSql('$1::timestamptz', '1')}))`,
        params: [pageUrlTemplate(this.config.portal, 'bid')],
      });
    }
  }
}
