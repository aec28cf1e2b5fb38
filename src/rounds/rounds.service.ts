import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, ILike, Not, Repository } from 'typeorm';
import { AuditActor, AuditService, changedFields, createdFields } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { containsPattern } from '../common/list-query';
import type { Page } from '../common/pagination';
import { AssessmentCriterion } from './assessment-criterion.entity';
import { DeadlineExtensionStore } from './deadline-extension-store';
import { closeRefusalForExtensions } from './deadline-extension.rules';
import { FundingRound } from './funding-round.entity';
import type { RoundDto } from './round-response.dto';
import { auditView, RoundWithParts, toRoundDto } from './round-views';
import type { Organisation } from '../organisations/organisation.entity';
import { effectiveClosesAtSql } from './round-deadlines';
import { columnsSql, entityFromRow } from '../database/entity-rows';
import { preparedQuery } from '../database/prepared-query';
import { RoundYearCap } from './round-year-cap.entity';
import {
  type CreateRoundDto,
  ROUND_SORT_FIELDS,
  type RoundQuery,
  type UpdateRoundDto,
} from './round.dto';
import {
  RoundCommand,
  roundCommandRefusal,
  ROUND_COMMANDS,
  RoundSettings,
  roundSettingsErrors,
  roundTimingErrors,
} from './rounds.rules';
import { commonError, notFound } from '../common/common.errors';
import { roundError } from './rounds.errors';

const SETTINGS_FIELDS = [
  'code',
  'name',
  'awardType',
  'directAwardJustification',
  'budgetPence',
  'opensAt',
  'closesAt',
  'deliveryStartsOn',
  'deliveryEndsOn',
  'eligibleApplicantTypes',
  'capPerBidPence',
  'matchFundingPercent',
  'bidLimitScope',
  'bidLimit',
  'crimeFocus',
  'interventionTaxonomy',
  'assessmentsPerBid',
  'divergenceThreshold',
  'qualityThreshold',
  'approvalThresholdPence',
  'returnDueDays',
  'offerAcceptanceDays',
  'varianceThresholdPercent',
  'paymentDays',
] as const;
const AUDITED_FIELDS = [...SETTINGS_FIELDS, 'criteria', 'yearCaps', 'historic'] as const;

// A round's lists, each loaded by its own query: joined, 20 criteria and 10 year caps would
// repeat the round row, taxonomy and all, 200 times.
const WITH_PARTS = {
  relations: { criteria: true, yearCaps: true },
  relationLoadStrategy: 'query',
} as const;

function settingsOf(round: RoundWithParts): RoundSettings {
  return { ...round, criteria: round.criteria, yearCaps: round.yearCaps };
}

// Applicants see a round only once it is published.
function visibleTo(user: AuthenticatedUser): FindOptionsWhere<FundingRound> {
  return user.role === 'applicant' ? { status: Not('draft' as const) } : {};
}

// What a module adds to a lifecycle command inside its transaction: a check that refuses it
// (with the round locked) and a reason that goes into the audit trail.
export interface RoundCommandGuard {
  check?: (round: RoundWithParts) => Promise<void>;
  reason?: string;
}

// What drafting a bid reads about the organisation it is made from.
export interface BiddingOrganisation {
  id: string;
  name: string;
  type: Organisation['type'];
  active: boolean;
  forceAreaCode: string | null;
}

@Injectable()
export class RoundsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(FundingRound) private readonly rounds: Repository<FundingRound>,
    private readonly audit: AuditService,
    private readonly extensions: DeadlineExtensionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(user: AuthenticatedUser, query: RoundQuery): Promise<Page<RoundDto>> {
    const where = { ...visibleTo(user), ...(query.status ? { status: query.status } : {}) };
    if (user.role === 'applicant' && query.status === 'draft') {
      return { items: [], total: 0, limit: query.limit, offset: query.offset };
    }
    const search = query.q ? ILike(containsPattern(query.q)) : undefined;
    const descending = query.sort.startsWith('-');
    const field = ROUND_SORT_FIELDS[query.sort.replace('-', '') as keyof typeof ROUND_SORT_FIELDS];
    const [rows, total] = await this.rounds.findAndCount({
      where: search
        ? [
            { ...where, code: search },
            { ...where, name: search },
          ]
        : where,
      ...WITH_PARTS,
      // Then by code and id, unique, so that pages are stable.
      order: {
        [field]: { direction: descending ? 'DESC' : 'ASC', nulls: 'LAST' },
        ...(field === 'code' ? {} : { code: 'ASC' }),
        id: 'ASC',
      },
      take: query.limit,
      skip: query.offset,
    });
    const own = await this.ownDeadlines(
      user,
      rows.map((row) => row.id),
    );
    return {
      items: (rows as RoundWithParts[]).map((row) => toRoundDto(row, own.get(row.id) ?? null)),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  async findIdByCode(code: string): Promise<string | null> {
    const round = await this.rounds.findOneBy({ code });
    return round?.id ?? null;
  }

  async get(user: AuthenticatedUser, id: string): Promise<RoundDto> {
    const round = await this.rounds.findOne({
      where: { ...visibleTo(user), id },
      ...WITH_PARTS,
    });
    if (!round) {
      throw notFound('Funding round');
    }
    const own = await this.ownDeadlines(user, [round.id]);
    return toRoundDto(round as RoundWithParts, own.get(round.id) ?? null);
  }

  // An applicant's organisation's own close time for each round; none for staff.
  private ownDeadlines(user: AuthenticatedUser, roundIds: string[]): Promise<Map<string, Date>> {
    return user.role === 'applicant' && user.organisationId
      ? this.extensions.deadlinesOf(this.dataSource.manager, roundIds, user.organisationId)
      : Promise.resolve(new Map<string, Date>());
  }

  create(actor: AuditActor, input: CreateRoundDto, now = new Date()): Promise<RoundDto> {
    return this.dataSource.transaction(async (manager) => {
      const round = manager.create(FundingRound, {
        ...input,
        status: 'draft',
        historic: input.historic ?? false,
        directAwardJustification: input.directAwardJustification ?? null,
        opensAt: new Date(input.opensAt),
        closesAt: new Date(input.closesAt),
        matchFundingPercent: { ...input.matchFundingPercent },
        crimeFocus: input.crimeFocus ?? [],
        interventionTaxonomy: input.interventionTaxonomy ?? [],
        assessmentsPerBid: input.assessmentsPerBid ?? 2,
        approvalThresholdPence: input.approvalThresholdPence ?? 10_000_000,
        returnDueDays: input.returnDueDays ?? 30,
        offerAcceptanceDays: input.offerAcceptanceDays ?? 28,
        varianceThresholdPercent: input.varianceThresholdPercent ?? 10,
        paymentDays: input.paymentDays ?? 30,
      }) as RoundWithParts;
      round.criteria = this.criteriaFrom(input.criteria);
      round.yearCaps = (input.yearCaps ?? []).map((cap) => manager.create(RoundYearCap, cap));
      this.checkSettings(round, now, true);
      await this.checkCodeFree(manager, round.code, null);
      const { criteria, yearCaps, ...row } = round;
      const saved = (await manager.save(FundingRound, row)) as RoundWithParts;
      saved.criteria = await manager.save(
        AssessmentCriterion,
        criteria.map((criterion) => ({ ...criterion, roundId: saved.id })),
      );
      saved.yearCaps = await manager.save(
        RoundYearCap,
        yearCaps.map((cap) => ({ ...cap, roundId: saved.id })),
      );
      await this.audit.record(manager, actor, {
        command: 'round.create',
        objectType: 'funding_round',
        objectId: saved.id,
        changes: createdFields(auditView(saved), AUDITED_FIELDS),
      });
      return toRoundDto(saved);
    });
  }

  // Edits only while in draft, and only of the version the editor last read (If-Match).
  update(
    actor: AuditActor,
    id: string,
    expectedVersion: number,
    input: UpdateRoundDto,
    now = new Date(),
  ): Promise<RoundDto> {
    return this.dataSource.transaction(async (manager) => {
      const round = await this.lockRound(manager, id);
      if (round.version !== expectedVersion) {
        throw commonError('version-mismatch', {
          message: `The round has changed since you read it (now version ${round.version}); reload it and apply your edit again.`,
        });
      }
      if (round.status !== 'draft') {
        throw roundError('round-not-draft', {
          message: `Only a draft round can be edited; this round is ${round.status}.`,
        });
      }
      const before = auditView(round);
      const { criteria, yearCaps, opensAt, closesAt, ...fields } = input;
      Object.assign(
        round,
        fields,
        opensAt ? { opensAt: new Date(opensAt) } : {},
        closesAt ? { closesAt: new Date(closesAt) } : {},
      );
      if (fields.matchFundingPercent) {
        round.matchFundingPercent = { ...fields.matchFundingPercent };
      }
      if (criteria) {
        round.criteria = this.criteriaFrom(criteria);
      }
      if (yearCaps) {
        round.yearCaps = yearCaps.map((cap) =>
          manager.create(RoundYearCap, { ...cap, roundId: id }),
        );
      }
      this.checkSettings(round, now, opensAt !== undefined);
      if (fields.code) {
        await this.checkCodeFree(manager, fields.code, id);
      }
      const row: Partial<FundingRound> = {};
      for (const field of SETTINGS_FIELDS) {
        Object.assign(row, { [field]: round[field] });
      }
      // Any edit bumps the version, even one that touches only criteria or caps.
      await manager.update(FundingRound, { id }, row);
      if (criteria) {
        await manager.delete(AssessmentCriterion, { roundId: id });
        await manager.save(
          AssessmentCriterion,
          round.criteria.map((criterion) => ({ ...criterion, roundId: id })),
        );
      }
      if (yearCaps) {
        await manager.delete(RoundYearCap, { roundId: id });
        await manager.save(RoundYearCap, round.yearCaps);
      }
      const saved = await this.loadRound(manager, id);
      await this.audit.record(manager, actor, {
        command: 'round.update',
        objectType: 'funding_round',
        objectId: id,
        changes: changedFields(before, auditView(saved), AUDITED_FIELDS),
      });
      return toRoundDto(saved);
    });
  }

  run(actor: AuditActor, id: string, command: RoundCommand, now = new Date()): Promise<RoundDto> {
    return this.dataSource.transaction((manager) => this.runIn(manager, actor, id, command, now));
  }

  // A lifecycle command inside the caller's transaction, so a module can move its own objects
  // with the round (opening assessment moves the bids). `settings` are set with the status.
  async runIn(
    manager: EntityManager,
    actor: AuditActor,
    id: string,
    command: RoundCommand,
    now: Date,
    settings: Partial<Pick<FundingRound, 'assessmentDueAt'>> = {},
    guard: RoundCommandGuard = {},
  ): Promise<RoundDto> {
    const round = await this.lockRound(manager, id);
    const refusal = roundCommandRefusal(command, round, now);
    if (refusal) {
      throw roundError('round-command-refused', {
        message: `Cannot ${command} round ${round.code}: ${refusal}.`,
      });
    }
    if (command === 'publish') {
      this.checkSettings(round);
    }
    if (command === 'close') {
      const running = closeRefusalForExtensions(await this.extensions.running(manager, id, now));
      if (running) {
        throw roundError('deadline-extensions-running', {
          message: `Cannot close round ${round.code}: ${running}.`,
        });
      }
    }
    await guard.check?.(round);
    const status = ROUND_COMMANDS[command].to;
    await manager.update(FundingRound, { id }, { status, ...settings });
    await this.audit.record(manager, actor, {
      command: `round.${command}`,
      objectType: 'funding_round',
      objectId: id,
      changes: {
        status: { before: round.status, after: status },
        ...(guard.reason ? { reason: { before: null, after: guard.reason } } : {}),
        ...Object.fromEntries(
          Object.entries(settings).map(([field, after]) => [
            field,
            { before: round[field as keyof typeof settings], after },
          ]),
        ),
      },
    });
    return toRoundDto(await this.loadRound(manager, id));
  }

  // The round, which must be in assessment, locked: `write` for changes to who assesses what
  // and to final scores (one at a time per round), `share` for an assessor's own work, which
  // may run side by side (each also locks its bid) but never while assignments change.
  async lockInAssessment(
    manager: EntityManager,
    id: string,
    mode: 'write' | 'share' = 'write',
  ): Promise<RoundWithParts> {
    const round = await this.findPublished(manager, id, mode);
    if (!round) {
      throw notFound('Funding round');
    }
    this.refuseUnlessInAssessment(round);
    return round;
  }

  // 409 unless the round (read and locked by the caller) is in assessment.
  refuseUnlessInAssessment(round: Pick<FundingRound, 'code' | 'status'>): void {
    if (round.status !== 'assessment') {
      throw roundError('round-not-in-assessment', {
        message: `Round ${round.code} is ${round.status}; assessment work happens only while it is in assessment.`,
      });
    }
  }

  // A published round with its criteria and caps; `lock` holds it against concurrent changes
  // (`write` serialises work that must be one at a time per round, such as award decisions;
  // `share` only keeps its status still).
  async findPublished(
    manager: EntityManager,
    id: string,
    lock: 'write' | 'share' | null,
  ): Promise<RoundWithParts | null> {
    const found = await manager.findOne(FundingRound, {
      where: { id, status: Not('draft' as const) },
      ...(lock
        ? { lock: { mode: lock === 'write' ? 'pessimistic_write' : 'pessimistic_read' } }
        : {}),
    });
    return found ? this.loadRound(manager, id) : null;
  }

  // A published round share-locked (its status stays still until commit, while other bids in
  // it go ahead) with an organisation's own close time for it and the facts about the
  // organisation a bid is made from, in one query: what drafting a bid needs, without the
  // criteria and caps it does not.
  async findForBidding(
    manager: EntityManager,
    id: string,
    organisationId: string,
  ): Promise<{
    round: FundingRound;
    closesAt: Date;
    organisation: BiddingOrganisation | null;
  } | null> {
    // Plain SQL: every draft a bidder starts reads it.
    const [row] = await preparedQuery<
      Record<string, unknown> & {
        own_closes_at: Date;
        organisation: BiddingOrganisation | null;
      }
    >(
      manager,
      `SELECT ${columnsSql(manager, FundingRound, 'round')},
              ${effectiveClosesAtSql('round', '$2')} AS own_closes_at,
              (SELECT json_build_object('id', o.id, 'name', o.name, 'type', o.type,
                 'active', o.active, 'forceAreaCode', o.force_area_code)
                 FROM organisations o WHERE o.id = $2) AS organisation
         FROM funding_rounds round
        WHERE round.id = $1 AND round.status <> 'draft'
          FOR SHARE OF round`,
      [id, organisationId],
    );
    return row
      ? {
          round: entityFromRow(manager, FundingRound, row),
          closesAt: row.own_closes_at,
          organisation: row.organisation,
        }
      : null;
  }

  private criteriaFrom(criteria: CreateRoundDto['criteria']): AssessmentCriterion[] {
    return criteria.map((criterion, index) =>
      Object.assign(new AssessmentCriterion(), {
        ...criterion,
        guidance: criterion.guidance ?? '',
        position: index + 1,
      }),
    );
  }

  // `now` when the dates are checked too (create and edit; not when publishing a draft).
  private checkSettings(round: RoundWithParts, now?: Date, checkOpensAt = true): void {
    const errors = [
      ...roundSettingsErrors(settingsOf(round)),
      ...(now
        ? roundTimingErrors(round, now, this.config.rounds.opensMaxPastDays, checkOpensAt)
        : []),
    ];
    if (errors.length > 0) {
      throw roundError('round-settings-inconsistent', { errors });
    }
  }

  private async checkCodeFree(
    manager: EntityManager,
    code: string,
    exceptId: string | null,
  ): Promise<void> {
    const holder = await manager.findOneBy(FundingRound, { code });
    if (holder && holder.id !== exceptId) {
      throw roundError('round-code-taken', {
        message: `Round code ${code} is already used by "${holder.name}".`,
      });
    }
  }

  private async lockRound(manager: EntityManager, id: string): Promise<RoundWithParts> {
    const locked = await manager.findOne(FundingRound, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!locked) {
      throw notFound('Funding round');
    }
    return this.loadRound(manager, id);
  }

  private async loadRound(manager: EntityManager, id: string): Promise<RoundWithParts> {
    const [round] = await manager.find(FundingRound, {
      where: { id },
      ...WITH_PARTS,
    });
    if (!round) {
      throw notFound('Funding round');
    }
    return round as RoundWithParts;
  }
}
