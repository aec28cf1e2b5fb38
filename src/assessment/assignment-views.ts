import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BidProgressService } from '../bids/bid-progress.service';
import type { AuthenticatedUser } from '../common/access';
import { AssessmentCriterion } from '../rounds/assessment-criterion.entity';
import { UsersService } from '../users/users.service';
import type { AssignmentDto, MarkViewDto } from './assessment-response.dto';
import type { AssessmentAssignment } from './assignment.entity';
import { formatScore } from './scoring.rules';
import { AssignmentStore, type ShownAssignment } from './assignment-store';

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

// Turns assignment rows into what the API shows, with the bid's name and the marks a viewer
// may see, in a handful of queries whatever the number of rows.
@Injectable()
export class AssignmentViews {
  constructor(
    private readonly bids: BidProgressService,
    private readonly users: UsersService,
    private readonly store: AssignmentStore,
  ) {}

  // Assignments as read with what the API shows beside them, with the marks the viewer may see.
  // Marks the viewer may not see were read and are dropped here, so the rule stays in
  // mayReadMarks.
  shown(user: AuthenticatedUser, rows: ShownAssignment[]): AssignmentDto[] {
    // Only the rows' own bids matter to mayReadMarks, so the viewer's submitted bids among them
    // answer it as the whole set would.
    const ownSubmitted = new Set(
      user.role === 'assessor'
        ? rows.filter((shown) => shown.viewerSubmitted).map((shown) => shown.row.bidId)
        : [],
    );
    return rows.map((shown) => {
      const visible = mayReadMarks(user, shown.row, ownSubmitted);
      return this.dto(shown.row, {
        bidReference: shown.bidReference,
        bidTitle: shown.bidTitle,
        organisationName: shown.organisationName,
        forceAreaCode: shown.forceAreaCode,
        assessorName: shown.assessorName,
        visible,
        marks: visible ? shown.marks : [],
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
      user.role === 'assessor' ? await this.store.listSubmittedBidIds(manager, user.id) : [],
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
    const marks = await this.store.listMarksOfAll(manager, assignmentIds, true);
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
