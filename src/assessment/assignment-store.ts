import { Injectable } from '@nestjs/common';
import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import type { BidStatus } from '../bids/bid.entity';
import { notFound } from '../common/common.errors';
import type { RoundStatus } from '../rounds/funding-round.entity';
import { organisationsEverOfSql } from '../users/separation-sql';
import type { BidParties } from '../users/separation.rules';
import type { MarkViewDto } from './assessment-response.dto';
import { COUNTING_STATUSES } from './assignment-lifecycle';
import { AssessmentAssignment, AssessmentMark } from './assignment.entity';
import type { CriterionMark, ScoredCriterion } from './scoring.rules';

// An assignment's marks with their criteria, in the criteria's order, as JSON by its own
// subquery (over `assessment_assignments assignment`). marksAfter() keeps this order.
const MARKS_JSON = `(SELECT coalesce(json_agg(json_build_object(
    'criterionId', m.criterion_id, 'criterionTitle', c.title, 'maxMark', c.max_mark,
    'weight', c.weight, 'mark', m.mark, 'justification', m.justification)
    ORDER BY c.position, m.criterion_id), '[]')
  FROM assessment_marks m JOIN assessment_criteria c ON c.id = m.criterion_id
  WHERE m.assignment_id = assignment.id)`;

// Whether the viewer has submitted their own assessment of the row's bid (what lets an
// assessor see a fellow assessor's marks, by mayReadMarks).
const VIEWER_SUBMITTED_SQL = `EXISTS (SELECT 1 FROM assessment_assignments own
  WHERE own.bid_id = assignment.bid_id AND own.assessor_id = :viewerId
    AND own.status = 'submitted')`;

// The round's criteria in their order, as JSON, for the round `r` of the surrounding query.
const CRITERIA_JSON = `(SELECT coalesce(json_agg(json_build_object(
    'id', c.id, 'title', c.title, 'weight', c.weight, 'maxMark', c.max_mark, 'position', c.position)
    ORDER BY c.position, c.id), '[]')
  FROM assessment_criteria c WHERE c.round_id = r.id)`;

interface ShownRaw {
  assignment_id: string;
  bid_reference: string;
  bid_title: string;
  organisation_name: string;
  force_area_code: string | null;
  assessor_name: string | null;
  viewer_submitted: boolean;
  marks: MarkViewDto[];
}

interface MarkingRaw extends ShownRaw {
  round_code: string;
  round_status: RoundStatus;
  criteria: MarkingCriterion[];
  bid_status: BidStatus;
  bid_organisation_id: string;
  bid_created_by: string | null;
  bid_submitted_by: string | null;
  viewer_organisation_ids: string[];
}

// An assignment with what the API shows beside it: its bid's reference, title and area, the
// organisation's and the assessor's names, whether the viewer has submitted their own
// assessment of the bid, and its marks (all of them: who may see them is mayReadMarks's call).
export interface ShownAssignment {
  row: AssessmentAssignment;
  bidReference: string;
  bidTitle: string;
  organisationName: string;
  forceAreaCode: string | null;
  assessorName: string;
  viewerSubmitted: boolean;
  marks: MarkViewDto[];
}

export interface MarkingCriterion extends ScoredCriterion {
  position: number;
}

// What saving marks checks, read in the same statement as the assignment it answers.
export interface AssignmentForMarking extends ShownAssignment {
  round: { code: string; status: RoundStatus; criteria: MarkingCriterion[] };
  bid: BidParties & { reference: string; status: BidStatus };
  // Every organisation the viewer ever belonged to, for separation of duties.
  viewerOrganisationIds: string[];
}

// The marks once `sent` are saved over `before`: each criterion's latest mark, in MARKS_JSON's
// order (the criteria's position, then id) and shape.
export function marksAfter(
  before: MarkViewDto[],
  sent: CriterionMark[],
  criteria: MarkingCriterion[],
): MarkViewDto[] {
  const byCriterion = new Map(before.map((mark) => [mark.criterionId, mark]));
  for (const { criterionId, mark, justification } of sent) {
    const criterion = criteria.find((row) => row.id === criterionId) as MarkingCriterion;
    byCriterion.set(criterionId, {
      criterionId,
      criterionTitle: criterion.title,
      maxMark: criterion.maxMark,
      weight: criterion.weight,
      mark,
      justification,
    });
  }
  const position = new Map(criteria.map((row) => [row.id, row.position]));
  return [...byCriterion.values()].sort(
    (a, b) =>
      (position.get(a.criterionId) ?? 0) - (position.get(b.criterionId) ?? 0) ||
      (a.criterionId < b.criterionId ? -1 : a.criterionId > b.criterionId ? 1 : 0),
  );
}

// Named reads and writes of assignments and their marks, always inside the caller's transaction.
@Injectable()
export class AssignmentStore {
  // A page of the assignments matching `filter`, first assigned first, with what the API shows
  // beside each, and the total: two queries whatever the page's size (the count, then the rows).
  async loadPage(
    manager: EntityManager,
    filter: Partial<Pick<AssessmentAssignment, 'assessorId' | 'roundId' | 'bidId' | 'status'>>,
    page: { limit: number; offset: number },
    viewerId: string,
  ): Promise<{ shown: ShownAssignment[]; total: number }> {
    const builder = manager.createQueryBuilder(AssessmentAssignment, 'assignment').where({
      ...(filter.assessorId ? { assessorId: filter.assessorId } : {}),
      ...(filter.roundId ? { roundId: filter.roundId } : {}),
      ...(filter.bidId ? { bidId: filter.bidId } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    });
    const total = await builder.clone().getCount();
    const shown = await this.readShown(
      builder
        .orderBy('assignment.assignedAt', 'ASC')
        .addOrderBy('assignment.id', 'ASC')
        .offset(page.offset)
        .limit(page.limit),
      viewerId,
    );
    return { shown, total };
  }

  // The assignments `builder` selects (as `assignment`, filtered, ordered and paged by the
  // caller) with what the API shows beside each, in one query whatever their number.
  private async readShown(
    builder: SelectQueryBuilder<AssessmentAssignment>,
    viewerId: string,
  ): Promise<ShownAssignment[]> {
    const { entities, raw } = await this.withShown(builder, viewerId).getRawAndEntities<ShownRaw>();
    const parts = new Map(raw.map((row) => [row.assignment_id, row]));
    return entities.map((row) => this.shownFrom(row, parts.get(row.id) as ShownRaw));
  }

  // Locks the assessor's own assignment for the rest of the transaction in one statement, in
  // the order every assessment command takes its locks: the round shared (it keeps its status;
  // other assessors' work goes on), then the bid and the assignment. 404 when the assignment is
  // not theirs.
  async lockOwn(manager: EntityManager, id: string, assessorId: string): Promise<void> {
    const locked = await manager.query<{ id: string }[]>(
      `SELECT a.id FROM assessment_assignments a
         JOIN bids b ON b.id = a.bid_id
         JOIN funding_rounds r ON r.id = a.round_id
        WHERE a.id = $1 AND a.assessor_id = $2
        FOR SHARE OF r FOR UPDATE OF b, a`,
      [id, assessorId],
    );
    if (locked.length === 0) {
      throw notFound('Assignment');
    }
  }

  // The assignment as shown, with its round's status and criteria, its bid's status and
  // parties, and every organisation the viewer ever belonged to, in one query. After lockOwn,
  // so that the marks read are the ones the lock holds still.
  async readForMarking(
    manager: EntityManager,
    id: string,
    viewerId: string,
  ): Promise<AssignmentForMarking> {
    const { entities, raw } = await this.withShown(
      manager
        .createQueryBuilder(AssessmentAssignment, 'assignment')
        .innerJoin('funding_rounds', 'r', 'r.id = assignment.round_id')
        .addSelect('r.code', 'round_code')
        .addSelect('r.status', 'round_status')
        .addSelect(CRITERIA_JSON, 'criteria')
        .addSelect(
          `(SELECT coalesce(json_agg(ever.organisation_id), '[]')
              FROM (${organisationsEverOfSql('ARRAY[:viewerId]::uuid[]')}) ever)`,
          'viewer_organisation_ids',
        )
        .where('assignment.id = :id', { id }),
      viewerId,
    )
      .addSelect('b.status', 'bid_status')
      .addSelect('b.organisation_id', 'bid_organisation_id')
      .addSelect('b.created_by', 'bid_created_by')
      .addSelect('b.submitted_by', 'bid_submitted_by')
      .getRawAndEntities<MarkingRaw>();
    const [row] = entities;
    if (!row) {
      throw notFound('Assignment');
    }
    const [part] = raw;
    return {
      ...this.shownFrom(row, part),
      round: { code: part.round_code, status: part.round_status, criteria: part.criteria },
      bid: {
        reference: part.bid_reference,
        status: part.bid_status,
        organisationId: part.bid_organisation_id,
        createdBy: part.bid_created_by,
        submittedBy: part.bid_submitted_by,
      },
      viewerOrganisationIds: part.viewer_organisation_ids,
    };
  }

  // Saves the marks sent over the assignment's (criteria not sent keep theirs) and moves its
  // version and update time, in one statement with `audit` (auditInsert, its values numbered
  // from the one given). Answers the new version.
  async writeMarks(
    manager: EntityManager,
    id: string,
    marks: CriterionMark[],
    audit: (first: number) => { sql: string; values: unknown[] },
  ): Promise<{ version: number }> {
    const event = audit(3);
    const sent = marks.map(({ criterionId, mark, justification }) => ({
      criterionId,
      mark,
      justification,
    }));
    // TypeORM answers an UPDATE with its rows and its count.
    const [[written]] = await manager.query<[{ version: number }[], number]>(
      `WITH audit AS (${event.sql}),
       marks AS (
         INSERT INTO assessment_marks (assignment_id, criterion_id, mark, justification)
         SELECT $1, m."criterionId", m.mark, m.justification
           FROM jsonb_to_recordset($2::jsonb) AS m("criterionId" uuid, mark int, justification text)
         ON CONFLICT (assignment_id, criterion_id) DO UPDATE
           SET mark = EXCLUDED.mark, justification = EXCLUDED.justification, updated_at = DEFAULT)
       UPDATE assessment_assignments SET version = version + 1, updated_at = CURRENT_TIMESTAMP
        WHERE id = $1
       RETURNING version`,
      [id, JSON.stringify(sent), ...event.values],
    );
    return { version: written.version };
  }

  findRow(manager: EntityManager, id: string): Promise<AssessmentAssignment | null> {
    return manager.findOne(AssessmentAssignment, { where: { id } });
  }

  // The assignment's row, locked for the rest of the transaction; null when there is none.
  lockRow(manager: EntityManager, id: string): Promise<AssessmentAssignment | null> {
    return manager.findOne(AssessmentAssignment, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  listOfBid(manager: EntityManager, bidId: string): Promise<AssessmentAssignment[]> {
    return manager.find(AssessmentAssignment, { where: { bidId } });
  }

  listOfRound(manager: EntityManager, roundId: string): Promise<AssessmentAssignment[]> {
    return manager.find(AssessmentAssignment, { where: { roundId } });
  }

  // The bid's assignments that count towards its number of assessors (COUNTING_STATUSES).
  listCountingOfBid(manager: EntityManager, bidId: string): Promise<AssessmentAssignment[]> {
    return manager.find(AssessmentAssignment, {
      where: { bidId, status: In(COUNTING_STATUSES) },
    });
  }

  // The same for several bids, each row's bid and status only.
  listCountingOfBids(
    manager: EntityManager,
    bidIds: string[],
  ): Promise<Pick<AssessmentAssignment, 'bidId' | 'status'>[]> {
    return manager.find(AssessmentAssignment, {
      select: { bidId: true, status: true },
      where: { bidId: In(bidIds), status: In(COUNTING_STATUSES) },
    });
  }

  // The assessor's load: in round `roundId` what counts towards it, else what is not yet done.
  countLoad(manager: EntityManager, assessorId: string, roundId?: string): Promise<number> {
    return manager.count(AssessmentAssignment, {
      where: {
        assessorId,
        status: roundId ? In(COUNTING_STATUSES) : 'assigned',
        ...(roundId ? { roundId } : {}),
      },
    });
  }

  findOwnOfBid(
    manager: EntityManager,
    bidId: string,
    assessorId: string,
  ): Promise<AssessmentAssignment | null> {
    return manager.findOne(AssessmentAssignment, { where: { bidId, assessorId } });
  }

  // The bid's submitted assessments, first submitted first.
  listSubmittedOfBid(manager: EntityManager, bidId: string): Promise<AssessmentAssignment[]> {
    return manager.find(AssessmentAssignment, {
      where: { bidId, status: 'submitted' },
      order: { submittedAt: 'ASC', id: 'ASC' },
    });
  }

  // The bids the assessor has submitted their own assessment of.
  async listSubmittedBidIds(manager: EntityManager, assessorId: string): Promise<string[]> {
    const rows = await manager.find(AssessmentAssignment, {
      select: { bidId: true },
      where: { assessorId, status: 'submitted' },
    });
    return rows.map((row) => row.bidId);
  }

  // New assignments, answered as read back, in the order given.
  async insertAll(
    manager: EntityManager,
    rows: Pick<AssessmentAssignment, 'roundId' | 'bidId' | 'assessorId' | 'assignedBy'>[],
  ): Promise<AssessmentAssignment[]> {
    const inserted = await manager.insert(AssessmentAssignment, rows);
    const ids = inserted.identifiers.map((identifier) => identifier.id as string);
    const read = await manager.find(AssessmentAssignment, { where: { id: In(ids) } });
    const byId = new Map(read.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) as AssessmentAssignment);
  }

  async writeDeclaration(
    manager: EntityManager,
    id: string,
    declaration: Pick<AssessmentAssignment, 'declaration' | 'declaredAt'> &
      Partial<Pick<AssessmentAssignment, 'status' | 'conflictReason'>>,
  ): Promise<void> {
    await manager.update(AssessmentAssignment, { id }, declaration);
  }

  async writeSubmission(
    manager: EntityManager,
    id: string,
    submittedAt: Date,
    scoreHundredths: number,
  ): Promise<void> {
    await manager.update(
      AssessmentAssignment,
      { id },
      { status: 'submitted', submittedAt, scoreHundredths },
    );
  }

  listMarksOf(manager: EntityManager, assignmentId: string): Promise<AssessmentMark[]> {
    return manager.find(AssessmentMark, { where: { assignmentId } });
  }

  // The marks of the assignments, `withCriteria` each with its criterion.
  listMarksOfAll(
    manager: EntityManager,
    assignmentIds: string[],
    withCriteria = false,
  ): Promise<AssessmentMark[]> {
    return manager.find(AssessmentMark, {
      where: { assignmentId: In(assignmentIds) },
      ...(withCriteria ? { relations: { criterion: true } } : {}),
    });
  }

  private withShown(
    builder: SelectQueryBuilder<AssessmentAssignment>,
    viewerId: string,
  ): SelectQueryBuilder<AssessmentAssignment> {
    return builder
      .innerJoin('bids', 'b', 'b.id = assignment.bid_id')
      .innerJoin('organisations', 'o', 'o.id = b.organisation_id')
      .leftJoin('users', 'u', 'u.id = assignment.assessor_id')
      .addSelect('b.reference', 'bid_reference')
      .addSelect('b.title', 'bid_title')
      .addSelect('o.name', 'organisation_name')
      .addSelect('b.force_area_code', 'force_area_code')
      .addSelect('u.name', 'assessor_name')
      .addSelect(VIEWER_SUBMITTED_SQL, 'viewer_submitted')
      .addSelect(MARKS_JSON, 'marks')
      .setParameter('viewerId', viewerId);
  }

  private shownFrom(row: AssessmentAssignment, part: ShownRaw): ShownAssignment {
    return {
      row,
      bidReference: part.bid_reference,
      bidTitle: part.bid_title,
      organisationName: part.organisation_name,
      forceAreaCode: part.force_area_code,
      assessorName: part.assessor_name ?? '',
      viewerSubmitted: part.viewer_submitted,
      marks: part.marks,
    };
  }
}
