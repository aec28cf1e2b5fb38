import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { BidForAssessment, BidProgressService } from '../bids/bid-progress.service';
import type { AuthenticatedUser } from '../common/access';
import { formatLondonZoned } from '../common/london-time';
import type { Page } from '../common/pagination';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import type { RoundWithParts } from '../rounds/round-views';
import { RoundsService } from '../rounds/rounds.service';
import type { User } from '../users/user.entity';
import { SeparationOfDutiesService } from '../users/separation-of-duties.service';
import { UsersService } from '../users/users.service';
import { AffiliationsService } from './affiliations.service';
import { assignedEmail, conflictDeclaredEmail } from './assessment-emails';
import type { AssignmentQuery, DeclarationDto } from './assessment.dto';
import type { AssignmentDto, AutoAssignmentDto } from './assessment-response.dto';
import { COUNTING_STATUSES } from './assignment-lifecycle';
import { AssignmentStore } from './assignment-store';
import type { AssessmentAssignment } from './assignment.entity';
import { affiliationConflict, planAssignments } from './assignment.rules';
import { AssignmentViews } from './assignment-views';
import { BidScoreStore } from './bid-score-store';
import { assessmentError } from './assessment.errors';
import { bidError } from '../bids/bids.errors';
import { notFound } from '../common/common.errors';

@Injectable()
export class AssignmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bids: BidProgressService,
    private readonly rounds: RoundsService,
    private readonly users: UsersService,
    private readonly affiliations: AffiliationsService,
    private readonly duties: SeparationOfDutiesService,
    private readonly views: AssignmentViews,
    private readonly store: AssignmentStore,
    private readonly scores: BidScoreStore,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // One assessor to one bid, by a moderator.
  assign(actor: AuditActor, user: AuthenticatedUser, bidId: string, assessorId: string) {
    return this.dataSource.transaction(async (manager): Promise<AssignmentDto> => {
      const found = await this.bids.find(manager, bidId);
      const round = await this.rounds.lockInAssessment(manager, found.roundId);
      const bid = await this.assignableBid(manager, bidId);
      await this.duties.refuseIfTied(manager, user.id, bid, 'assign assessors to');
      const [assessor] = await this.panel(manager, [assessorId], 'assessorId');
      const existing = await this.store.listOfBid(manager, bidId);
      const held = existing.find((row) => row.assessorId === assessorId);
      if (held) {
        throw assessmentError('already-assigned', {
          message:
            held.status === 'conflict_declared'
              ? `${assessor.name} declared a conflict with bid ${bid.reference} and cannot assess it.`
              : `${assessor.name} is already assigned to bid ${bid.reference}.`,
        });
      }
      const affiliation = (await this.affiliations.of(manager, [assessorId])).get(assessorId);
      const conflict = affiliation && affiliationConflict(affiliation, bid);
      if (conflict) {
        throw assessmentError('assessor-affiliated', {
          message: `${assessor.name} cannot assess bid ${bid.reference}: ${conflict}.`,
        });
      }
      const counting = existing.filter((row) => COUNTING_STATUSES.includes(row.status)).length;
      if (counting >= round.assessmentsPerBid) {
        throw assessmentError('bid-fully-assigned', {
          message: `Bid ${bid.reference} already has the round's ${round.assessmentsPerBid} assessors.`,
        });
      }
      const [created] = await this.create(manager, actor, user, round, [{ bid, assessor }]);
      return (await this.views.render(manager, user, [created]))[0];
    });
  }

  // Fills every bid in assessment up to the round's number of assessors from the panel (every
  // active assessor when none is given), balancing load and never using an assessor affiliated
  // with the bidder or its force area.
  autoAssign(actor: AuditActor, user: AuthenticatedUser, roundId: string, panel?: string[]) {
    return this.dataSource.transaction(async (manager): Promise<AutoAssignmentDto> => {
      const round = await this.rounds.lockInAssessment(manager, roundId);
      const scored = new Set(await this.scores.listScoredBidIds(manager, roundId));
      const bids = (await this.bids.list(manager, roundId, ['in_assessment'], true)).filter(
        (bid) => !scored.has(bid.id),
      );
      const rows = await this.store.listOfRound(manager, roundId);
      const assessors = panel
        ? await this.panel(manager, panel, 'assessorIds')
        : await this.users.activeStaff('assessor', manager);
      const affiliations = await this.affiliations.of(
        manager,
        assessors.map((assessor) => assessor.id),
      );
      const counting = rows.filter((row) => COUNTING_STATUSES.includes(row.status));
      const plan = planAssignments(
        bids.map((bid) => ({
          ...bid,
          assessorIds: rows.filter((row) => row.bidId === bid.id).map((row) => row.assessorId),
          activeCount: counting.filter((row) => row.bidId === bid.id).length,
        })),
        assessors.map((assessor) => ({
          id: assessor.id,
          affiliations: affiliations.get(assessor.id) ?? {
            organisationIds: [],
            forceAreaCodes: [],
          },
          load: counting.filter((row) => row.assessorId === assessor.id).length,
        })),
        round.assessmentsPerBid,
      );
      const byId = new Map(bids.map((bid) => [bid.id, bid]));
      const created = await this.create(
        manager,
        actor,
        user,
        round,
        plan.assignments.map(({ bidId, assessorId }) => ({
          bid: byId.get(bidId) as BidForAssessment,
          assessor: assessors.find((candidate) => candidate.id === assessorId) as User,
        })),
      );
      return {
        assignments: await this.views.render(manager, user, created),
        shortfalls: plan.shortfalls,
      };
    });
  }

  // A page in two queries whatever its size (AssignmentStore.loadPage); an assessor sees their own.
  async list(user: AuthenticatedUser, query: AssignmentQuery): Promise<Page<AssignmentDto>> {
    const assessorId = user.role === 'assessor' ? user.id : query.assessorId;
    const { shown, total } = await this.store.loadPage(
      this.dataSource.manager,
      { assessorId, roundId: query.roundId, bidId: query.bidId, status: query.status },
      query,
      user.id,
    );
    const items = this.views.shown(user, shown);
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async get(user: AuthenticatedUser, id: string): Promise<AssignmentDto> {
    const manager = this.dataSource.manager;
    const row = await this.visible(manager, user, id);
    return (await this.views.render(manager, user, [row]))[0];
  }

  // An assignment the user may see: an assessor's own, or any for a moderator; else 404.
  async visible(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
    lock = false,
  ): Promise<AssessmentAssignment> {
    const row = lock
      ? await this.store.lockRow(manager, id)
      : await this.store.findRow(manager, id);
    if (!row || (user.role === 'assessor' && row.assessorId !== user.id)) {
      throw notFound('Assignment');
    }
    return row;
  }

  // Before reading the bid, the assessor says whether they have a conflict. A conflict ends
  // the assignment for good and asks the moderators to reassign the bid.
  declare(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    input: DeclarationDto,
    now = new Date(),
  ) {
    return this.dataSource.transaction(async (manager): Promise<AssignmentDto> => {
      // Locks in one order everywhere (round, bid, assignment), so no two commands deadlock.
      const { roundId, bidId } = await this.visible(manager, user, id);
      const round = await this.rounds.lockInAssessment(manager, roundId, 'share');
      const bid = await this.bids.find(manager, bidId, true);
      const row = await this.visible(manager, user, id, true);
      if (bid.status !== 'in_assessment') {
        throw bidError('bid-not-in-assessment', {
          message: `Bid ${bid.reference} is ${bid.status}, so there is nothing to declare on it.`,
        });
      }
      if (row.declaration !== null) {
        throw assessmentError('already-declared', {
          message: `You declared ${row.declaration === 'conflict' ? 'a conflict' : 'no conflict'} on this assignment on ${row.declaredAt ? formatLondonZoned(row.declaredAt) : 'an earlier day'}; a declaration cannot be changed.`,
        });
      }
      const conflict = input.conflict;
      const affiliation = (await this.affiliations.of(manager, [user.id])).get(user.id);
      const tie = !conflict && affiliation ? affiliationConflict(affiliation, bid) : null;
      if (tie) {
        throw assessmentError('affiliation-declared', {
          message: `Your affiliations rule out bid ${bid.reference} (${tie}); declare a conflict with the reason instead.`,
        });
      }
      const change = conflict
        ? {
            status: 'conflict_declared' as const,
            declaration: 'conflict' as const,
            conflictReason: input.reason as string,
          }
        : { declaration: 'no_conflict' as const };
      await this.store.writeDeclaration(manager, id, { ...change, declaredAt: now });
      await this.audit.record(manager, actor, {
        command: conflict ? 'assignment.declare-conflict' : 'assignment.declare-no-conflict',
        objectType: 'assessment_assignment',
        objectId: id,
        changes: {
          declaration: { before: null, after: change.declaration },
          ...(conflict
            ? {
                status: { before: 'assigned', after: 'conflict_declared' },
                conflictReason: { before: null, after: input.reason },
              }
            : {}),
        },
      });
      if (conflict) {
        const moderators = await this.users.activeStaff('moderator', manager);
        if (moderators.length > 0) {
          await this.outbox.queue(
            manager,
            conflictDeclaredEmail(
              { id, conflictReason: input.reason ?? null },
              bid,
              round,
              { name: user.name },
              moderators,
              this.config.portal,
            ),
          );
        }
      }
      const saved = await this.visible(manager, user, id);
      return (await this.views.render(manager, user, [saved]))[0];
    });
  }

  // The named users, each of whom must be an active assessor.
  private async panel(manager: EntityManager, ids: string[], field: string): Promise<User[]> {
    const active = new Map(
      (await this.users.activeStaff('assessor', manager)).map((user) => [user.id, user]),
    );
    const unknown = [...new Set(ids)].filter((id) => !active.has(id));
    if (unknown.length > 0) {
      throw assessmentError('not-an-assessor', {
        message: `${unknown.join(', ')} ${unknown.length === 1 ? 'is not an active assessor' : 'are not active assessors'}; choose from GET /assessors.`,
        errors: unknown.map(() => ({ field, message: 'must be an active assessor' })),
      });
    }
    return [...new Set(ids)].map((id) => active.get(id) as User);
  }

  // A bid that can take assessors: in assessment and not yet fully scored.
  private async assignableBid(manager: EntityManager, bidId: string): Promise<BidForAssessment> {
    const bid = await this.bids.find(manager, bidId, true);
    if (bid.status !== 'in_assessment') {
      throw bidError('bid-not-in-assessment', {
        message: `Bid ${bid.reference} is ${bid.status}; only bids in assessment take assessors.`,
      });
    }
    if (await this.scores.isScored(manager, bidId)) {
      throw assessmentError('bid-already-scored', {
        message: `Every assessment of bid ${bid.reference} is in; it needs moderation, not another assessor.`,
      });
    }
    return bid;
  }

  private async create(
    manager: EntityManager,
    actor: AuditActor,
    user: AuthenticatedUser,
    round: RoundWithParts,
    planned: { bid: BidForAssessment; assessor: User }[],
  ): Promise<AssessmentAssignment[]> {
    if (planned.length === 0) {
      return [];
    }
    const rows = await this.store.insertAll(
      manager,
      planned.map(({ bid, assessor }) => ({
        roundId: round.id,
        bidId: bid.id,
        assessorId: assessor.id,
        assignedBy: user.id,
      })),
    );
    for (const [index, { bid, assessor }] of planned.entries()) {
      const { id } = rows[index];
      await this.audit.record(manager, actor, {
        command: 'assignment.create',
        objectType: 'assessment_assignment',
        objectId: id,
        changes: {
          bidId: { before: null, after: bid.id },
          assessorId: { before: null, after: assessor.id },
        },
      });
      await this.outbox.queue(
        manager,
        assignedEmail({ id }, bid, round, assessor, this.config.portal),
      );
    }
    return rows;
  }
}
