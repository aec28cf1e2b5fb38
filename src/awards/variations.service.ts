import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { formatLondonZoned, londonDateOf } from '../common/london-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import { returnSchedule } from '../returns/return-schedule.rules';
import type { RoundWithParts } from '../rounds/round-views';
import { RoundStore } from '../rounds/round-store';
import { SeparationOfDutiesService } from '../users/separation-of-duties.service';
import { UsersService } from '../users/users.service';
import { AwardDeliveryService, type AwardForDelivery } from './award-delivery.service';
import { needsSecondApproval } from './award.rules';
import type { RequestVariationDto, RefuseVariationDto, VariationDto } from './variation.dto';
import { variationDecidedEmail } from './variation-emails';
import { AwardVariation, OPEN_VARIATION_STATUSES } from './variation.entity';
import { linesOf, sortProfile, totalOf, variationErrors } from './variation.rules';
import { quarterOf, VariationStore } from './variation-store';
import { VariationReadsService } from './variation-reads.service';
import { VariationViews } from './variation-views';
import { awardError } from './awards.errors';
import { notFound } from '../common/common.errors';
import { userError } from '../users/users.errors';

// Variations of active awards: requested by the award's organisation, decided by approvers like
// an award (the round's approval threshold, a second and different approver above it, nobody
// tied to the bid), refused with a reason or withdrawn. Every command locks the award row first
// and checks the variation's state after, so two decisions on one award happen one at a time.
@Injectable()
export class VariationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly awards: AwardDeliveryService,
    private readonly rounds: RoundStore,
    private readonly store: VariationStore,
    private readonly views: VariationViews,
    private readonly reads: VariationReadsService,
    private readonly duties: SeparationOfDutiesService,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  request(
    actor: AuditActor,
    user: AuthenticatedUser,
    awardId: string,
    input: RequestVariationDto,
    now = new Date(),
  ): Promise<VariationDto> {
    return this.dataSource.transaction(async (manager) => {
      const { award, round } = await this.activeAward(manager, user, awardId);
      const open = await this.store.openOf(manager, awardId);
      if (open) {
        throw awardError('variation-already-open', {
          message: `Award ${award.reference} already has a variation waiting for a decision (requested ${formatLondonZoned(open.requestedAt)}); withdraw it or wait for the decision.`,
        });
      }
      const proposal = {
        profile: sortProfile(
          input.profile.map(({ financialYear, quarter, kind, amountPence }) => ({
            ...{ financialYear, quarter, kind, amountPence },
          })),
        ),
        deliveryEndsOn: input.deliveryEndsOn ?? null,
        outputTargets: input.outputTargets?.length
          ? input.outputTargets.map(({ interventionId, outputTarget }) => ({
              interventionId,
              outputTarget,
            }))
          : null,
      };
      await this.check(manager, award, round, proposal, londonDateOf(now));
      const id = await this.store.insert(manager, {
        awardId,
        organisationId: award.organisationId,
        status: 'requested',
        reason: input.reason,
        ...proposal,
        amountPence: totalOf(proposal.profile),
        requestedBy: user.id,
        requestedAt: now,
      });
      await this.audit.record(manager, actor, {
        command: 'variation.request',
        objectType: 'award_variation',
        objectId: id,
        changes: {
          awardId: { before: null, after: awardId },
          status: { before: null, after: 'requested' },
          reason: { before: null, after: input.reason },
          lines: { before: award.lines, after: linesOf(proposal.profile) },
          deliveryEndsOn: { before: null, after: proposal.deliveryEndsOn },
          outputTargets: { before: null, after: proposal.outputTargets },
        },
      });
      return this.views.one(manager, await this.store.find(manager, id), award);
    });
  }

  // The first approver's decision: it takes effect at once, or, above the round's approval
  // threshold (the award's total after the change), waits for a second approver.
  approve(actor: AuditActor, user: AuthenticatedUser, id: string, now = new Date()) {
    return this.decide(user, id, 'requested', async (manager, row, award, round) => {
      await this.refuseIfTied(manager, user, row, award, 'approve a variation of');
      if (needsSecondApproval(row.amountPence, round.approvalThresholdPence)) {
        await this.store.update(manager, id, {
          status: 'pending_second_approval',
          decidedBy: user.id,
          decidedAt: now,
        });
        await this.audit.record(manager, actor, {
          command: 'variation.approve',
          objectType: 'award_variation',
          objectId: id,
          changes: { status: { before: 'requested', after: 'pending_second_approval' } },
        });
        return;
      }
      await this.apply(manager, actor, user, row, award, round, now, { decidedBy: user.id });
    });
  }

  // A different approver confirms a variation above the threshold: it takes effect then.
  confirm(actor: AuditActor, user: AuthenticatedUser, id: string, now = new Date()) {
    return this.decide(user, id, 'pending_second_approval', async (manager, row, award, round) => {
      if (row.decidedBy === user.id) {
        throw awardError('second-approver-must-differ', {
          message: 'You approved this variation; a different approver must confirm it.',
        });
      }
      await this.refuseIfTied(manager, user, row, award, 'confirm a variation of');
      await this.apply(manager, actor, user, row, award, round, now, {
        secondApproverId: user.id,
      });
    });
  }

  refuse(
    actor: AuditActor,
    user: AuthenticatedUser,
    id: string,
    input: RefuseVariationDto,
    now = new Date(),
  ) {
    return this.decide(user, id, 'open', async (manager, row, award) => {
      await this.refuseIfTied(manager, user, row, award, 'refuse a variation of');
      await this.store.update(manager, id, {
        status: 'refused',
        refusalReason: input.reason,
        closedAt: now,
        ...(row.decidedBy ? {} : { decidedBy: user.id, decidedAt: now }),
      });
      await this.audit.record(manager, actor, {
        command: 'variation.refuse',
        objectType: 'award_variation',
        objectId: id,
        changes: {
          status: { before: row.status, after: 'refused' },
          refusalReason: { before: null, after: input.reason },
        },
      });
      await this.email(manager, { ...row, status: 'refused', refusalReason: input.reason }, award);
    });
  }

  // The award's organisation takes its request back before a decision takes effect.
  withdraw(actor: AuditActor, user: AuthenticatedUser, id: string, now = new Date()) {
    return this.decide(user, id, 'open', async (manager, row) => {
      await this.store.update(manager, id, { status: 'withdrawn', closedAt: now });
      await this.audit.record(manager, actor, {
        command: 'variation.withdraw',
        objectType: 'award_variation',
        objectId: id,
        changes: { status: { before: row.status, after: 'withdrawn' } },
      });
    });
  }

  // Locks the award, then the variation, checks the state inside the transaction and runs `step`.
  // `open`: requested or awaiting its second approval.
  private decide(
    user: AuthenticatedUser,
    id: string,
    from: 'requested' | 'pending_second_approval' | 'open',
    step: (
      manager: EntityManager,
      row: AwardVariation,
      award: AwardForDelivery,
      round: RoundWithParts,
    ) => Promise<void>,
  ): Promise<VariationDto> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.reads.visibleVariation(manager, user, id);
      const { award, round } = await this.activeAward(manager, user, found.awardId);
      const row = await this.store.find(manager, id, true);
      const allowed = from === 'open' ? OPEN_VARIATION_STATUSES : [from];
      if (!allowed.includes(row.status)) {
        const wanted =
          from === 'open'
            ? 'one waiting for a decision'
            : from === 'requested'
              ? 'a requested one'
              : 'one awaiting a second approval';
        throw awardError('variation-not-open', {
          message: `This variation is ${row.status.replace(/_/g, ' ')}; only ${wanted} can be ${from === 'pending_second_approval' ? 'confirmed' : 'decided or withdrawn'}.`,
        });
      }
      await step(manager, row, award, round);
      return this.views.one(manager, await this.store.find(manager, id), award);
    });
  }

  // The change takes effect now: the award's lines and total become the profile's, later quarters
  // are added for an extension, the award as it stood is kept on the variation, and the bidder is
  // told. The rules are checked again against the award as it stands now (a return may have been
  // approved since the request).
  private async apply(
    manager: EntityManager,
    actor: AuditActor,
    user: AuthenticatedUser,
    row: AwardVariation,
    award: AwardForDelivery,
    round: RoundWithParts,
    now: Date,
    decider: { decidedBy: string } | { secondApproverId: string },
  ): Promise<void> {
    const today = londonDateOf(now);
    const before = await this.check(manager, award, round, row, today);
    const { lines, amountPence } = await this.store.replaceLines(manager, award.id, row.profile);
    const added = row.deliveryEndsOn
      ? await this.store.addQuarters(manager, award, round, row.deliveryEndsOn, today)
      : [];
    await this.store.update(manager, row.id, {
      status: 'approved',
      ...('decidedBy' in decider ? { decidedBy: user.id, decidedAt: now } : decider),
      approvedAt: now,
      profileBefore: before.profile,
      linesBefore: before.lines,
      deliveryEndsOnBefore: before.deliveryEndsOn,
      amountPenceBefore: before.amountPence,
    });
    await this.audit.record(manager, actor, {
      command: 'decidedBy' in decider ? 'variation.approve' : 'variation.confirm',
      objectType: 'award_variation',
      objectId: row.id,
      changes: {
        status: { before: row.status, after: 'approved' },
        lines: { before: before.lines, after: lines },
        profile: { before: before.profile, after: row.profile },
        deliveryEndsOn: {
          before: before.deliveryEndsOn,
          after: row.deliveryEndsOn ?? before.deliveryEndsOn,
        },
        returnsAdded: { before: 0, after: added.length },
      },
    });
    await this.audit.record(manager, actor, {
      command: 'award.vary',
      objectType: 'award_decision',
      objectId: award.id,
      changes: {
        amountPence: { before: before.amountPence, after: amountPence },
        lines: { before: before.lines, after: lines },
        variationId: { before: null, after: row.id },
      },
    });
    await this.email(
      manager,
      { ...row, status: 'approved' },
      { ...award, lines },
      row.deliveryEndsOn ?? before.deliveryEndsOn,
    );
  }

  // Refuses a proposal that breaks a rule (variation.rules.ts), naming the first rule broken and
  // listing every reason; returns the award as it stands.
  private async check(
    manager: EntityManager,
    award: AwardForDelivery,
    round: RoundWithParts,
    proposal: Pick<AwardVariation, 'profile' | 'deliveryEndsOn' | 'outputTargets'>,
    today: string,
  ) {
    const current = await this.store.current(manager, award, round, today);
    const existing = new Set(current.returns.map((r) => `${r.financialYear} ${r.quarter}`));
    const addedQuarters = proposal.deliveryEndsOn
      ? returnSchedule(round.deliveryStartsOn, proposal.deliveryEndsOn, round.returnDueDays)
          .filter((r) => !existing.has(`${r.financialYear} ${r.quarter}`))
          .map(quarterOf)
      : [];
    const errors = variationErrors({
      current,
      quarters: current.returns.map((r) => ({ ...quarterOf(r), status: r.status })),
      addedQuarters,
      committed: await this.store.committed(manager, award.id),
      interventionIds: award.interventions.map((i) => i.id),
      proposal,
    });
    if (errors.length > 0) {
      throw awardError(errors[0].rule, {
        message: `The variation of award ${award.reference} breaks the rules for variations (${errors[0].message}); see errors. Nothing was recorded.`,
        errors: errors.map(({ field, message }) => ({ field, message })),
      });
    }
    return current;
  }

  private async refuseIfTied(
    manager: EntityManager,
    user: AuthenticatedUser,
    row: AwardVariation,
    award: AwardForDelivery,
    action: string,
  ): Promise<void> {
    if (row.requestedBy === user.id) {
      throw userError('conflict-of-interest', {
        message: `You requested this variation of ${award.reference}; another member of staff must decide it.`,
      });
    }
    await this.duties.refuseIfTied(
      manager,
      user.id,
      await this.awards.bidParties(manager, award),
      action,
    );
  }

  private async email(
    manager: EntityManager,
    row: AwardVariation,
    award: AwardForDelivery,
    deliveryEndsOn: string | null = null,
  ): Promise<void> {
    const contacts = await this.users.applicantContacts(award.organisationId, manager);
    if (contacts.length === 0) {
      return;
    }
    await this.outbox.queue(
      manager,
      variationDecidedEmail(
        row,
        award,
        deliveryEndsOn,
        contacts.map((contact) => contact.email),
        this.config.portal,
      ),
    );
  }

  // The award, locked, if the user may see it and it can be varied: active, in a round in delivery.
  private async activeAward(manager: EntityManager, user: AuthenticatedUser, awardId: string) {
    await this.reads.visibleAward(manager, user, awardId);
    const award = await this.awards.find(manager, awardId, true);
    const round = await this.rounds.findPublished(manager, award.roundId, null);
    if (!round) {
      throw notFound('Award');
    }
    if (award.status !== 'active' || round.status !== 'delivery') {
      throw awardError('award-not-active', {
        message: `Award ${award.reference} is ${award.status} in a round that is ${round.status.replace('_', ' ')}; only an active award of a round in delivery can be varied.`,
      });
    }
    return { award, round };
  }
}
