import { Injectable, OnModuleInit } from '@nestjs/common';
import { overdueDaysSql } from '../tasks/task-kinds';
import { TaskRegistry } from '../tasks/task-registry';
import {
  AWAITING_ENDORSEMENT_SQL,
  BID_DEADLINE_SQL,
  DRAFT_CLOSING_SOON_DAYS,
  draftOpenSql,
  roundClosesWithinSql,
} from './bid-lifecycle';

const NOW = '$1::timestamptz';
const BID_TASK_COLUMNS = `'bid' AS object_type, b.id::text AS object_id, b.reference, b.title,
  ${BID_DEADLINE_SQL} AS deadline, ${overdueDaysSql(BID_DEADLINE_SQL)} AS overdue_days`;

// Applicants' bid tasks: their organisation's drafts (those the draft reminder is about first),
// and for a PCC's applicants, the bids of its area waiting for its endorsement.
@Injectable()
export class BidTasks implements OnModuleInit {
  constructor(private readonly registry: TaskRegistry) {}

  onModuleInit(): void {
    const closingSoon = roundClosesWithinSql(NOW, String(DRAFT_CLOSING_SOON_DAYS));
    const drafts = `SELECT ${BID_TASK_COLUMNS}
      FROM bids b JOIN funding_rounds r ON r.id = b.round_id
      WHERE b.organisation_id = $3 AND ${draftOpenSql(NOW)}`;
    this.registry.register({
      kind: 'bid_draft_closing_soon',
      roles: ['applicant'],
      select: `${drafts} AND ${closingSoon}`,
    });
    this.registry.register({
      kind: 'bid_draft',
      roles: ['applicant'],
      select: `${drafts} AND NOT (${closingSoon})`,
    });
    this.registry.register({
      kind: 'bid_endorsement',
      roles: ['applicant'],
      select: `SELECT ${BID_TASK_COLUMNS}
        FROM bids b JOIN funding_rounds r ON r.id = b.round_id
        JOIN organisations pcc ON pcc.id = $3 AND pcc.type = 'pcc'
          AND pcc.force_area_code = b.force_area_code
        WHERE ${AWAITING_ENDORSEMENT_SQL}`,
    });
  }
}
