import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ReminderRegistry } from '../notifications/reminder-registry';
import { pageUrlTemplate } from '../notifications/portal-links';
import { ASSESSMENT_OUTSTANDING_SQL } from './assignment-lifecycle';

// Assessments not submitted `ASSESSMENT_REMINDER_DAYS` before the round's assessment deadline
// remind their assessor, once.
@Injectable()
export class AssessmentReminders implements OnModuleInit {
  constructor(
    private readonly registry: ReminderRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'assessment-due',
      template: 'assessment-due-reminder',
      select: `
        SELECT 'assignment:' || a.id || ':due' AS dedupe_key,
               ARRAY[u.email] AS recipients,
               jsonb_build_object(
                 'name', u.name, 'reference', b.reference, 'title', b.title,
                 'roundName', r.name, 'dueAt', r.assessment_due_at,
                 'assignmentUrl', replace($2::text, '{id}', a.id::text)) AS data,
               'assessment_assignment' AS object_type,
               a.id::text AS object_id
        FROM assessment_assignments a
        JOIN bids b ON b.id = a.bid_id
        JOIN funding_rounds r ON r.id = a.round_id
        JOIN users u ON u.id = a.assessor_id
        WHERE ${ASSESSMENT_OUTSTANDING_SQL} AND u.active
          AND r.assessment_due_at > $1::timestamptz
          AND r.assessment_due_at <= $1::timestamptz + make_interval(days => $3::int)`,
      params: [
        pageUrlTemplate(this.config.portal, 'assignment'),
        this.config.reminders.assessmentDueDays,
      ],
    });
  }
}
