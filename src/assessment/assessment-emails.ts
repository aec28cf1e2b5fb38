import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { BidForAssessment } from '../bids/bid-progress.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { EmailMessage } from '../notifications/outbox.service';
import { ReminderRegistry } from '../notifications/reminder-registry';
import { pageUrl, pageUrlTemplate, type PortalLinks } from '../notifications/portal-links';
import { ASSESSMENT_OUTSTANDING_SQL } from './assignment-lifecycle';

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
