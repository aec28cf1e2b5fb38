import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ReminderRegistry } from '../notifications/reminder-registry';
import { pageUrlTemplate } from '../notifications/portal-links';
import { londonDateOfSql } from '../common/london-time';
import {
  RETURN_OF_ACTIVE_AWARD_JOIN,
  returnDaysOverdueSql,
  returnOverdueSql,
  returnUnsentSql,
} from './return-lifecycle';

// One row per return of an active award, with today's UK date as `t.today`, the bidder
// organisation's active applicants as `c.emails`, and the email data the templates use.
const RETURNS_OF_ACTIVE_AWARDS = `
  FROM delivery_returns d
  ${RETURN_OF_ACTIVE_AWARD_JOIN}
  JOIN bids b ON b.id = a.bid_id
  JOIN organisations o ON o.id = d.organisation_id
  CROSS JOIN (SELECT ${londonDateOfSql('$1::timestamptz')} AS today) t
  CROSS JOIN LATERAL (
    SELECT array_agg(u.email ORDER BY u.email) AS emails FROM users u
    WHERE u.organisation_id = d.organisation_id AND u.role = 'applicant' AND u.active) c`;

const DATA = `jsonb_build_object(
    'organisationName', o.name, 'reference', b.reference, 'title', b.title,
    'financialYear', d.financial_year, 'quarter', d.quarter, 'dueOn', d.due_on::text,
    'returnUrl', replace($2::text, '{id}', d.id::text))`;

// A return not yet sent, its quarter over, due within `from`..`to` days: one email per step.
function dueSoon(step: string, from: number, to: number): string {
  return `
    SELECT 'return:' || d.id || ':${step}' AS dedupe_key,
           c.emails AS recipients,
           ${DATA} || jsonb_build_object('daysLeft', d.due_on - t.today) AS data,
           'delivery_return' AS object_type, d.id::text AS object_id
    ${RETURNS_OF_ACTIVE_AWARDS}
    WHERE ${returnUnsentSql('t.today')}
      AND d.due_on - t.today BETWEEN ${from} AND ${to}
      AND c.emails IS NOT NULL`;
}

// Reminders for quarterly returns: 14 and 3 days before the due date to the bidder's contacts;
// once overdue, to them and the programme team (active admins) on the first day overdue and
// every seventh day after. Each step's dedupe key names it (`return:{id}:overdue-2` is the third
// week), so each is sent once however often the scan runs, and a missed scan day still sends it.
@Injectable()
export class ReturnReminders implements OnModuleInit {
  constructor(
    private readonly registry: ReminderRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const params = [pageUrlTemplate(this.config.portal, 'return')];
    this.registry.register({
      name: 'return-due-14d',
      template: 'return-due-reminder',
      select: dueSoon('due-14d', 4, 14),
      params,
    });
    this.registry.register({
      name: 'return-due-3d',
      template: 'return-due-reminder',
      select: dueSoon('due-3d', 0, 3),
      params,
    });
    this.registry.register({
      name: 'return-overdue',
      template: 'return-overdue-reminder',
      select: `
        SELECT 'return:' || d.id || ':overdue-' || ((t.today - d.due_on - 1) / 7) AS dedupe_key,
               ARRAY(SELECT DISTINCT e FROM unnest(c.emails || team.emails) AS e
                     WHERE e IS NOT NULL ORDER BY e) AS recipients,
               ${DATA} || jsonb_build_object('daysOverdue', ${returnDaysOverdueSql('t.today')}) AS data,
               'delivery_return' AS object_type, d.id::text AS object_id
        ${RETURNS_OF_ACTIVE_AWARDS}
        CROSS JOIN (SELECT array_agg(email) AS emails FROM users
                    WHERE role = 'admin' AND active) team
        WHERE ${returnOverdueSql('t.today')}
          AND (c.emails IS NOT NULL OR team.emails IS NOT NULL)`,
      params,
    });
  }
}
