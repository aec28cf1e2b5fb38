import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
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

// Turns assignment rows into what the API shows, with the bid's name and the marks a viewer
// may see, in a handful of queries whatever the number of rows.
@Injectable()
export class AssignmentViews {
  constructor(
    private readonly bids: BidProgressService,
    private readonly users: UsersService,
  ) {}

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
      return {
        id: row.id,
        roundId: row.roundId,
        bidId: row.bidId,
        bidReference: bid?.reference ?? '',
        bidTitle: bid?.title ?? '',
        organisationName: bid?.organisationName ?? '',
        forceAreaCode: bid?.forceAreaCode ?? null,
        assessorId: row.assessorId,
        assessorName: assessors.get(row.assessorId) ?? '',
        status: row.status,
        declaration: row.declaration,
        declaredAt: row.declaredAt,
        conflictReason: row.conflictReason,
        assignedAt: row.assignedAt,
        submittedAt: row.submittedAt,
        score:
          row.scoreHundredths !== null && mayReadMarks(user, row, ownSubmitted)
            ? formatScore(row.scoreHundredths)
            : null,
        scoreHundredths: mayReadMarks(user, row, ownSubmitted) ? row.scoreHundredths : null,
        marks: marks.get(row.id) ?? [],
        version: row.version,
      };
    });
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
