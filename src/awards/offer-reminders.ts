import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ReminderRegistry } from '../notifications/reminder-registry';
import { pageUrlTemplate } from '../notifications/portal-links';
import { offerOpenSql } from './award-lifecycle';

// An open offer whose deadline falls in (`from`, `to`] days after the scan, to the bidder
// organisation's active applicants (as the offer email went): one email per step, its dedupe
// key naming the step, so each goes once however often the scan runs.
function expiresSoon(step: string, from: number, to: number): string {
  return `
    SELECT 'decision:' || a.id || ':${step}' AS dedupe_key, c.emails AS recipients,
           jsonb_build_object(
             'organisationName', o.name, 'reference', b.reference, 'title', b.title,
             'amountPence', a.amount_pence, 'offerExpiresAt', a.offer_expires_at,
             'daysLeft', ceil(extract(epoch FROM a.offer_expires_at - $1::timestamptz) / 86400)::int,
             'letterUrl', replace($2::text, '{id}', a.id::text)) AS data,
           'award_decision' AS object_type, a.id::text AS object_id
    FROM award_decisions a
    JOIN bids b ON b.id = a.bid_id
    JOIN organisations o ON o.id = a.organisation_id
    CROSS JOIN LATERAL (
      SELECT array_agg(u.email ORDER BY u.email) AS emails FROM users u
      WHERE u.organisation_id = a.organisation_id AND u.role = 'applicant' AND u.active) c
    WHERE ${offerOpenSql('$1::timestamptz')}
      AND a.offer_expires_at > $1::timestamptz + interval '${from} days'
      AND a.offer_expires_at <= $1::timestamptz + interval '${to} days'
      AND c.emails IS NOT NULL`;
}

// Reminders of an offer not yet accepted: 7 days and 1 day before it lapses.
@Injectable()
export class OfferReminders implements OnModuleInit {
  constructor(
    private readonly registry: ReminderRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const params = [pageUrlTemplate(this.config.portal, 'offerLetter')];
    this.registry.register({
      name: 'offer-expiry-7d',
      template: 'offer-expiry-reminder',
      select: expiresSoon('expiry-7d', 1, 7),
      params,
    });
    this.registry.register({
      name: 'offer-expiry-1d',
      template: 'offer-expiry-reminder',
      select: expiresSoon('expiry-1d', 0, 1),
      params,
    });
  }
}
