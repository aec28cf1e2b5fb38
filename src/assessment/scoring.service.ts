import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { auditInsert } from '../audit/audit-store';
import type { BidStatus } from '../bids/bid.entity';
import { BidForAssessment, BidProgressService } from '../bids/bid-progress.service';
import type { BidDto } from '../bids/bid-response.dto';
import type { AuthenticatedUser } from '../common/access';
import { formatLondonZoned } from '../common/london-time';
import type { RoundWithParts } from '../rounds/round-views';
import { RoundsService } from '../rounds/rounds.service';
import { SeparationOfDutiesService } from '../users/separation-of-duties.service';
import type { BidParties, PersonTies } from '../users/separation.rules';
import type { MarksDto } from './assessment.dto';
import type { AssignmentDto, BidAssessmentsDto } from './assessment-response.dto';
import type { AssessmentAssignment } from './assignment.entity';
import { AssignmentStore, marksAfter } from './assignment-store';
import { AssignmentViews } from './assignment-views';
import { AssignmentsService } from './assignments.service';
import { ModerationService } from './moderation.service';
import { formatScore, markErrors, toHundredths, weightedScore } from './scoring.rules';
import { bidError } from '../bids/bids.errors';
import { assessmentError } from './assessment.errors';
import { notFound } from '../common/common.errors';

// An assessor's own work on a bid: reading it once declared, marking it, submitting it.
@Injectable()
export class ScoringService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly assignments: AssignmentsService,
    private readonly bids: BidProgressService,
    private readonly views: AssignmentViews,
    private readonly store: AssignmentStore,
    private readonly moderation: ModerationService,
    private readonly rounds: RoundsService,
    private readonly duties: SeparationOfDutiesService,
    private readonly audit: AuditService,
  ) {}

  // The bid as submitted, once the assessor has declared no conflict with it.
  readBid(user: AuthenticatedUser, id: string): Promise<BidDto> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.assignments.visible(manager, user, id);
      if (user.role === 'assessor') {
        this.checkDeclared(row, 'read the bid');
      }
      return this.bids.readSubmitted(manager, row.bidId);
    });
  }

  // Saves marks while the assessment is open; criteria not sent keep their marks. Three
  // statements: the locks, one read of all the checks need (after the locks, so the marks it
  // reads are the ones they hold still), and one write of the marks, the version and the audit
  // event; the answer is made from what those read and wrote.
  saveMarks(actor: AuditActor, user: AuthenticatedUser, id: string, input: MarksDto) {
    return this.dataSource.transaction(async (manager): Promise<AssignmentDto> => {
      await this.store.lockOwn(manager, id, user.id);
      const found = await this.store.readForMarking(manager, id, user.id);
      this.rounds.refuseUnlessInAssessment(found.round);
      this.refuseUnlessOpen(
        found.row,
        found.bid,
        { userId: user.id, organisationIds: found.viewerOrganisationIds },
        'mark the bid',
      );
      const errors = markErrors(found.round.criteria, input.marks, false);
      if (errors.length > 0) {
        throw assessmentError('marks-invalid', { errors });
      }
      const entry = {
        command: 'assignment.save-marks',
        objectType: 'assessment_assignment',
        objectId: id,
        changes: Object.fromEntries(
          input.marks.map((mark) => {
            const old = found.marks.find((b) => b.criterionId === mark.criterionId);
            return [
              `marks.${mark.criterionId}`,
              {
                before: old ? { mark: old.mark, justification: old.justification } : null,
                after: { mark: mark.mark, justification: mark.justification },
              },
            ];
          }),
        ),
      };
      const { version } = await this.store.writeMarks(manager, id, input.marks, (first) =>
        auditInsert(actor, entry, first),
      );
      const [saved] = this.views.shown(user, [
        {
          row: Object.assign(found.row, { version }),
          bidReference: found.bidReference,
          bidTitle: found.bidTitle,
          organisationName: found.organisationName,
          forceAreaCode: found.forceAreaCode,
          assessorName: found.assessorName,
          viewerSubmitted: found.viewerSubmitted,
          marks: marksAfter(found.marks, input.marks, found.round.criteria),
        },
      ]);
      return saved;
    });
  }

  // Final: needs a mark and justification on every criterion; fixes the weighted score. The
  // last assessment of a bid to arrive scores the bid.
  submit(actor: AuditActor, user: AuthenticatedUser, id: string, now = new Date()) {
    return this.dataSource.transaction(async (manager): Promise<AssignmentDto> => {
      const { row, round, bid } = await this.lockOwnOpen(manager, user, id, 'submit');
      const marks = await this.store.listMarksOf(manager, id);
      const errors = markErrors(round.criteria, marks, true);
      if (errors.length > 0) {
        throw assessmentError('assessment-incomplete', {
          message: `The assessment of ${bid.reference} is not complete; see errors. Nothing was submitted.`,
          errors,
        });
      }
      const score = toHundredths(weightedScore(round.criteria, marks));
      await this.store.writeSubmission(manager, id, now, score);
      await this.audit.record(manager, actor, {
        command: 'assignment.submit',
        objectType: 'assessment_assignment',
        objectId: id,
        changes: {
          status: { before: 'assigned', after: 'submitted' },
          score: { before: null, after: formatScore(score) },
        },
      });
      await this.moderation.scoreIfComplete(manager, actor, bid, round);
      const saved = await this.assignments.visible(manager, user, row.id);
      return (await this.views.render(manager, user, [saved]))[0];
    });
  }

  // Every submitted assessment of a bid with its marks, and the bid's score. An assessor sees
  // them only after submitting their own: scoring is blind until then.
  bidAssessments(user: AuthenticatedUser, bidId: string): Promise<BidAssessmentsDto> {
    return this.dataSource.transaction(async (manager) => {
      const bid = await this.bids.find(manager, bidId);
      if (user.role === 'assessor') {
        const own = await this.store.findOwnOfBid(manager, bidId, user.id);
        if (!own) {
          throw notFound('Bid');
        }
        if (own.status !== 'submitted') {
          throw assessmentError('assessment-blind', {
            message: `Other assessors' marks for ${bid.reference} stay hidden until you submit your own assessment of it.`,
          });
        }
      }
      const rows = await this.store.listSubmittedOfBid(manager, bidId);
      return {
        score: await this.moderation.scoreOf(manager, bid),
        assessments: await this.views.render(manager, user, rows),
      };
    });
  }

  private checkDeclared(row: AssessmentAssignment, action: string): void {
    if (row.status === 'conflict_declared') {
      throw assessmentError('assignment-conflicted', {
        message: `You declared a conflict of interest with this bid, so you cannot ${action}.`,
      });
    }
    if (row.declaration === null) {
      throw assessmentError('declaration-required', {
        message: `Declare whether you have a conflict of interest (POST /assignments/${row.id}/declaration) before you ${action}.`,
      });
    }
  }

  // The assessor's own assignment, declared and not yet submitted, of a bid still in
  // assessment in a round in assessment; locked in the order round, bid, assignment.
  private async lockOwnOpen(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
    action: string,
  ): Promise<{ row: AssessmentAssignment; round: RoundWithParts; bid: BidForAssessment }> {
    const found = await this.assignments.visible(manager, user, id);
    if (found.assessorId !== user.id) {
      throw notFound('Assignment');
    }
    const round = await this.rounds.lockInAssessment(manager, found.roundId, 'share');
    const bid = await this.bids.find(manager, found.bidId, true);
    const row = await this.assignments.visible(manager, user, id, true);
    const ties = (await this.duties.tiesOf(manager, [user.id])).get(user.id) as PersonTies;
    this.refuseUnlessOpen(row, bid, ties, action);
    return { row, round, bid };
  }

  // The assignment can still be worked on by its assessor: they are not tied to the bid (ties
  // can arise after the assignment: a spell at the bidder's organisation), have not submitted,
  // have declared no conflict, and the bid is still being assessed.
  private refuseUnlessOpen(
    row: AssessmentAssignment,
    bid: BidParties & { reference: string; status: BidStatus },
    ties: PersonTies,
    action: string,
  ): void {
    this.duties.refuseTie(ties, bid, 'assess');
    if (row.status === 'submitted') {
      throw assessmentError('assessment-submitted', {
        message: `Your assessment of ${bid.reference} was submitted on ${row.submittedAt ? formatLondonZoned(row.submittedAt) : 'an earlier day'} and is final.`,
      });
    }
    this.checkDeclared(row, action);
    if (bid.status !== 'in_assessment') {
      throw bidError('bid-not-in-assessment', {
        message: `Bid ${bid.reference} is ${bid.status}; it is no longer being assessed.`,
      });
    }
  }
}
