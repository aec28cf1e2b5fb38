import { Injectable } from '@nestjs/common';
import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { BidProgressService } from '../bids/bid-progress.service';
import type { AuthenticatedUser } from '../common/access';
import { AssessmentCriterion } from '../rounds/assessment-criterion.entity';
import { UsersService } from '../users/users.service';
import type { AssignmentDto, MarkViewDto } from './assessment-response.dto';
import { AssessmentAssignment, AssessmentMark } from './assignment.entity';
import { formatScore } from './scoring.rules';

// Whose marks a user may see: their own, any once they are a moderator, and fellow assessors'
// on a bid only after submitting their own assessment of it (blind until then).
export function mayReadMarks(
  user: AuthenticatedUser,
  assignment: AssessmentAssignment,
  ownSubmittedBidIds: ReadonlySet<string>,
): boolean {
  if (user.role === 'moderator' || assignment.assessorId === user.id) {
    return true;
  }
  return (
    user.role === 'assessor' &&
    assignment.status === 'submitted' &&
    ownSubmittedBidIds.has(assignment.bidId)
  );
}

// An assignment's marks with their criteria, in the criteria's order, as JSON by its own
// subquery (over `assessment_assignments assignment`).
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

interface AssignmentRaw {
  assignment_id: string;
  assignment_bid_id: string;
  bid_reference: string;
  bid_title: string;
  organisation_name: string;
  force_area_code: string | null;
  assessor_name: string | null;
  viewer_submitted: boolean;
  marks: MarkViewDto[];
}

// Turns assignment rows into what the API shows, with the bid's name and the marks a viewer
// may see, in a handful of queries whatever the number of rows.
@Injectable()
export class AssignmentViews {
  constructor(
    private readonly bids: BidProgressService,
    private readonly users: UsersService,
  ) {}

  // The assignments `builder` selects (as `assignment`, filtered, ordered and paged by the
  // caller), rendered as render() does, in one query whatever their number: each row with its
  // bid's reference, title and area, the organisation's and the assessor's names, whether the
  // viewer has submitted their own assessment of the bid, and its marks as JSON. Marks the
  // viewer may not see are read and dropped here, so the rule stays in mayReadMarks.
  async renderSelected(
    user: AuthenticatedUser,
    builder: SelectQueryBuilder<AssessmentAssignment>,
  ): Promise<AssignmentDto[]> {
    const { entities, raw } = await builder
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
      .setParameter('viewerId', user.id)
      .getRawAndEntities<AssignmentRaw>();
    const parts = new Map(raw.map((row) => [row.assignment_id, row]));
    // Only the rows' own bids matter to mayReadMarks, so the viewer's submitted bids among them
    // answer it as the whole set would.
    const ownSubmitted = new Set(
      user.role === 'assessor'
        ? raw.filter((row) => row.viewer_submitted).map((row) => row.assignment_bid_id)
        : [],
    );
    return entities.map((row) => {
      const part = parts.get(row.id) as AssignmentRaw;
      const visible = mayReadMarks(user, row, ownSubmitted);
      return this.dto(row, {
        bidReference: part.bid_reference,
        bidTitle: part.bid_title,
        organisationName: part.organisation_name,
        forceAreaCode: part.force_area_code,
        assessorName: part.assessor_name ?? '',
        visible,
        marks: visible ? part.marks : [],
      });
    });
  }

  async render(
    manager: EntityManager,
    user: AuthenticatedUser,
    rows: AssessmentAssignment[],
  ): Promise<AssignmentDto[]> {
    if (rows.length === 0) {
      return [];
    }
    const bids = await this.bids.findMany(
      manager,
      rows.map((row) => row.bidId),
    );
    const assessors = await this.users.namesOf(
      [...new Set(rows.map((row) => row.assessorId))],
      manager,
    );
    const ownSubmitted = new Set(
      user.role === 'assessor'
        ? (
            await manager.find(AssessmentAssignment, {
              select: { bidId: true },
              where: { assessorId: user.id, status: 'submitted' },
            })
          ).map((row) => row.bidId)
        : [],
    );
    const visible = rows.filter((row) => mayReadMarks(user, row, ownSubmitted));
    const marks = await this.marksOf(
      manager,
      visible.map((row) => row.id),
    );
    return rows.map((row) => {
      const bid = bids.get(row.bidId);
      return this.dto(row, {
        bidReference: bid?.reference ?? '',
        bidTitle: bid?.title ?? '',
        organisationName: bid?.organisationName ?? '',
        forceAreaCode: bid?.forceAreaCode ?? null,
        assessorName: assessors.get(row.assessorId) ?? '',
        visible: mayReadMarks(user, row, ownSubmitted),
        marks: marks.get(row.id) ?? [],
      });
    });
  }

  // What the API shows of an assignment, given its bid's and assessor's names, whether the
  // viewer may see its score, and the marks they may see.
  private dto(
    row: AssessmentAssignment,
    parts: Pick<
      AssignmentDto,
      'bidReference' | 'bidTitle' | 'organisationName' | 'forceAreaCode' | 'assessorName' | 'marks'
    > & { visible: boolean },
  ): AssignmentDto {
    return {
      id: row.id,
      roundId: row.roundId,
      bidId: row.bidId,
      bidReference: parts.bidReference,
      bidTitle: parts.bidTitle,
      organisationName: parts.organisationName,
      forceAreaCode: parts.forceAreaCode,
      assessorId: row.assessorId,
      assessorName: parts.assessorName,
      status: row.status,
      declaration: row.declaration,
      declaredAt: row.declaredAt,
      conflictReason: row.conflictReason,
      assignedAt: row.assignedAt,
      submittedAt: row.submittedAt,
      score:
        row.scoreHundredths !== null && parts.visible ? formatScore(row.scoreHundredths) : null,
      scoreHundredths: parts.visible ? row.scoreHundredths : null,
      marks: parts.marks,
      version: row.version,
    };
  }

  private async marksOf(
    manager: EntityManager,
    assignmentIds: string[],
  ): Promise<Map<string, MarkViewDto[]>> {
    const result = new Map<string, MarkViewDto[]>();
    if (assignmentIds.length === 0) {
      return result;
    }
    const marks = await manager.find(AssessmentMark, {
      where: { assignmentId: In(assignmentIds) },
      relations: { criterion: true },
    });
    marks.sort(
      (a, b) =>
        (a.criterion as AssessmentCriterion).position -
        (b.criterion as AssessmentCriterion).position,
    );
    for (const mark of marks) {
      const criterion = mark.criterion as AssessmentCriterion;
      const list = result.get(mark.assignmentId) ?? [];
      list.push({
        criterionId: mark.criterionId,
        criterionTitle: criterion.title,
        maxMark: criterion.maxMark,
        weight: criterion.weight,
        mark: mark.mark,
        justification: mark.justification,
      });
      result.set(mark.assignmentId, list);
    }
    return result;
  }
}
