import { Injectable, OnModuleInit } from '@nestjs/common';
import { overdueDaysSql } from '../tasks/task-kinds';
import { TaskRegistry } from '../tasks/task-registry';
import { bidTiedSql } from '../users/separation-sql';
import {
  AWAITING_MODERATION_SQL,
  DECLARATION_OUTSTANDING_SQL,
  MARKS_OUTSTANDING_SQL,
} from './assignment-lifecycle';

// Assessors' own outstanding assignments, due by the round's assessment date (the assessment
// reminder is about the same ones), and the divergent bids a moderator may moderate.
@Injectable()
export class AssessmentTasks implements OnModuleInit {
  constructor(private readonly registry: TaskRegistry) {}

  onModuleInit(): void {
    const assignments = `SELECT 'assessment_assignment' AS object_type, a.id::text AS object_id,
        b.reference, b.title, r.assessment_due_at AS deadline,
        ${overdueDaysSql('r.assessment_due_at')} AS overdue_days
      FROM assessment_assignments a
      JOIN bids b ON b.id = a.bid_id
      JOIN funding_rounds r ON r.id = a.round_id
      WHERE a.assessor_id = $2`;
    this.registry.register({
      kind: 'assessment_declaration',
      roles: ['assessor'],
      select: `${assignments} AND ${DECLARATION_OUTSTANDING_SQL}`,
    });
    this.registry.register({
      kind: 'assessment_marks',
      roles: ['assessor'],
      select: `${assignments} AND ${MARKS_OUTSTANDING_SQL}`,
    });
    this.registry.register({
      kind: 'moderation',
      roles: ['moderator'],
      select: `SELECT 'bid' AS object_type, b.id::text AS object_id, b.reference, b.title,
          NULL::timestamptz AS deadline, 0 AS overdue_days
        FROM bid_scores s JOIN bids b ON b.id = s.bid_id
        WHERE ${AWAITING_MODERATION_SQL} AND NOT ${bidTiedSql('$2::uuid')}`,
    });
  }
}
