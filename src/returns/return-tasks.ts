import { Injectable, OnModuleInit } from '@nestjs/common';
import { overdueDaysSql } from '../tasks/task-kinds';
import { TaskRegistry } from '../tasks/task-registry';
import { bidTiedSql } from '../users/separation-sql';
import { londonDateOfSql } from '../common/london-time';
import {
  PAYMENT_DEADLINE_SQL,
  PAYMENT_UNMADE_SQL,
  RETURN_AWAITING_REVIEW_SQL,
  RETURN_DEADLINE_SQL,
  RETURN_OF_ACTIVE_AWARD_JOIN,
  returnDaysOverdueSql,
  returnOverdueSql,
  returnUnsentSql,
} from './return-lifecycle';

const TODAY = londonDateOfSql('$1::timestamptz');
const RETURN_COLUMNS = `'delivery_return' AS object_type, d.id::text AS object_id, b.reference,
  b.title || ' (Q' || d.quarter || ' ' || d.financial_year || ' return)' AS title,
  ${RETURN_DEADLINE_SQL} AS deadline`;
const RETURNS = `FROM delivery_returns d ${RETURN_OF_ACTIVE_AWARD_JOIN} JOIN bids b ON b.id = a.bid_id`;

// The bidder's returns, split as the reminders split them (due, overdue: the very conditions the
// reminder scan emails about), and finance's reviews and payments, never on a bid separation of
// duties keeps them from.
@Injectable()
export class ReturnTasks implements OnModuleInit {
  constructor(private readonly registry: TaskRegistry) {}

  onModuleInit(): void {
    const ownReturns = `SELECT ${RETURN_COLUMNS}`;
    this.registry.register({
      kind: 'return_due',
      roles: ['applicant'],
      select: `${ownReturns}, 0 AS overdue_days ${RETURNS}
        WHERE d.organisation_id = $3 AND ${returnUnsentSql(TODAY)}
          AND NOT (${returnOverdueSql(TODAY)})`,
    });
    this.registry.register({
      kind: 'return_overdue',
      roles: ['applicant'],
      select: `${ownReturns}, ${returnDaysOverdueSql(TODAY)} AS overdue_days ${RETURNS}
        WHERE d.organisation_id = $3 AND ${returnOverdueSql(TODAY)}`,
    });
    this.registry.register({
      kind: 'return_changes_requested',
      roles: ['applicant'],
      select: `${ownReturns}, 0 AS overdue_days ${RETURNS}
        WHERE d.organisation_id = $3 AND d.status = 'changes_requested'
          AND NOT (${returnOverdueSql(TODAY)})`,
    });
    this.registry.register({
      kind: 'return_review',
      roles: ['finance'],
      select: `SELECT 'delivery_return' AS object_type, d.id::text AS object_id, b.reference,
          b.title || ' (Q' || d.quarter || ' ' || d.financial_year || ' return)' AS title,
          NULL::timestamptz AS deadline, 0 AS overdue_days
        FROM delivery_returns d JOIN award_decisions a ON a.id = d.award_id
        JOIN bids b ON b.id = a.bid_id
        WHERE ${RETURN_AWAITING_REVIEW_SQL} AND NOT ${bidTiedSql('$2::uuid')}`,
    });
    this.registry.register({
      kind: 'payment_to_make',
      roles: ['finance'],
      select: `SELECT 'return_payment' AS object_type, p.id::text AS object_id, b.reference,
          b.title || ' (Q' || d.quarter || ' ' || d.financial_year || ' payment)' AS title,
          ${PAYMENT_DEADLINE_SQL} AS deadline, ${overdueDaysSql(PAYMENT_DEADLINE_SQL)} AS overdue_days
        FROM return_payments p
        JOIN delivery_returns d ON d.id = p.return_id
        JOIN award_decisions a ON a.id = p.award_id
        JOIN bids b ON b.id = a.bid_id
        WHERE ${PAYMENT_UNMADE_SQL} AND NOT ${bidTiedSql('$2::uuid')}`,
    });
  }
}
