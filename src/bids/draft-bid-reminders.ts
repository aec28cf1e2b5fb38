import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ReminderRegistry } from '../notifications/reminder-registry';
import {
  BID_DEADLINE_KEY_SQL,
  BID_DEADLINE_SQL,
  DRAFT_REMINDER_DAYS,
  draftOpenSql,
  roundClosesWithinSql,
} from './bid-lifecycle';
import { pageUrlTemplate } from '../notifications/portal-links';

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
