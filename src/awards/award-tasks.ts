import { Injectable, OnModuleInit } from '@nestjs/common';
import { overdueDaysSql } from '../tasks/task-kinds';
import { TaskRegistry } from '../tasks/task-registry';
import { bidTiedSql } from '../users/separation-sql';
import { AWAITING_SECOND_APPROVAL_SQL, offerOpenSql } from './award-lifecycle';

// Offers the recipient organisation may accept, and decisions waiting for a second approver:
// never the approver's own first approval, nor a bid separation of duties keeps them from.
@Injectable()
export class AwardTasks implements OnModuleInit {
  constructor(private readonly registry: TaskRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      kind: 'offer_to_accept',
      roles: ['applicant'],
      select: `SELECT 'award' AS object_type, a.id::text AS object_id, b.reference, b.title,
          a.offer_expires_at AS deadline, ${overdueDaysSql('a.offer_expires_at')} AS overdue_days
        FROM award_decisions a JOIN bids b ON b.id = a.bid_id
        WHERE a.organisation_id = $3 AND ${offerOpenSql('$1::timestamptz')}`,
    });
    this.registry.register({
      kind: 'second_approval',
      roles: ['approver'],
      select: `SELECT 'award' AS object_type, a.id::text AS object_id, b.reference, b.title,
          NULL::timestamptz AS deadline, 0 AS overdue_days
        FROM award_decisions a JOIN bids b ON b.id = a.bid_id
        WHERE ${AWAITING_SECOND_APPROVAL_SQL} AND a.decided_by <> $2
          AND NOT ${bidTiedSql('$2::uuid')}`,
    });
  }
}
