import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  AuditActor,
  AuditService,
  changedFields,
  changesNothing,
  createdFields,
} from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Page } from '../common/pagination';
import { AssessmentCriterion } from './assessment-criterion.entity';
import { DeadlineExtensionStore } from './deadline-extension-store';
import { closeRefusalForExtensions } from './deadline-extension.rules';
import { FundingRound } from './funding-round.entity';
import type { RoundDto } from './round-response.dto';
import { auditView, RoundWithParts, toRoundDto } from './round-views';
import { RoundStore } from './round-store';
import { RoundYearCap } from './round-year-cap.entity';
import type { CreateRoundDto, RoundQuery, UpdateRoundDto } from './round.dto';
import {
  RoundCommand,
  roundCommandRefusal,
  ROUND_COMMANDS,
  RoundSettings,
  roundSettingsErrors,
  roundTimingErrors,
} from './rounds.rules';
import { commonError, notFound } from '../common/common.errors';
import { UNPUBLISHED_ROUND_STATUS } from './round-lifecycle';
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

function settingsOf(round: RoundWithParts): RoundSettings {
  return { ...round, criteria: round.criteria, yearCaps: round.yearCaps };
}

// Applicants see a round only once it is published.
function publishedOnlyFor(user: AuthenticatedUser): boolean {
  return user.role === 'applicant';
}

// What a module adds to a lifecycle command inside its transaction: a check that refuses it
// (with the round locked) and a reason that goes into the audit trail.
export interface RoundCommandGuard {
  check?: (round: RoundWithParts) => Promise<void>;
  reason?: string;
}

@Injectable()
export class RoundsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rounds: RoundStore,
    private readonly audit: AuditService,
    private readonly extensions: DeadlineExtensionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(user: AuthenticatedUser, query: RoundQuery): Promise<Page<RoundDto>> {
    if (publishedOnlyFor(user) && query.status === UNPUBLISHED_ROUND_STATUS) {
      return { items: [], total: 0, limit: query.limit, offset: query.offset };
    }
    const [rows, total] = await this.rounds.page(
      this.dataSource.manager,
      query,
      publishedOnlyFor(user),
    );
    const own = await this.ownDeadlines(
      user,
      rows.map((row) => row.id),
    );
    return {
      items: rows.map((row) => toRoundDto(row, own.get(row.id) ?? null)),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  async findIdByCode(code: string): Promise<string | null> {
    return (await this.rounds.findByCode(this.dataSource.manager, code))?.id ?? null;
  }

  async get(user: AuthenticatedUser, id: string): Promise<RoundDto> {
    const round = await this.rounds.find(this.dataSource.manager, id, publishedOnlyFor(user));
    if (!round) {
      throw notFound('Funding round');
    }
    const own = await this.ownDeadlines(user, [round.id]);
    return toRoundDto(round, own.get(round.id) ?? null);
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
      const saved = await this.rounds.insert(manager, round);
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
      const round = await this.rounds.lock(manager, id);
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
      const { criteria, yearCaps, opensAt, closesAt, ...fields } = input;
      // The edited round beside the stored one, which an edit that changes nothing answers.
      const edited: RoundWithParts = {
        ...round,
        ...fields,
        ...(opensAt ? { opensAt: new Date(opensAt) } : {}),
        ...(closesAt ? { closesAt: new Date(closesAt) } : {}),
        criteria: criteria ? this.criteriaFrom(criteria) : round.criteria,
        yearCaps: yearCaps
          ? yearCaps.map((cap) => manager.create(RoundYearCap, { ...cap, roundId: id }))
          : round.yearCaps,
      };
      if (fields.matchFundingPercent) {
        edited.matchFundingPercent = { ...fields.matchFundingPercent };
      }
      this.checkSettings(edited, now, opensAt !== undefined);
      if (fields.code) {
        await this.checkCodeFree(manager, fields.code, id);
      }
      const changes = changedFields(auditView(round), auditView(edited), AUDITED_FIELDS);
      if (changesNothing(changes)) {
        return toRoundDto(round);
      }
      const row: Partial<FundingRound> = {};
      for (const field of SETTINGS_FIELDS) {
        Object.assign(row, { [field]: edited[field] });
      }
      await this.rounds.update(manager, id, row, {
        criteria: criteria ? edited.criteria : undefined,
        yearCaps: yearCaps ? edited.yearCaps : undefined,
      });
      await this.audit.record(manager, actor, {
        command: 'round.update',
        objectType: 'funding_round',
        objectId: id,
        changes,
      });
      return toRoundDto(await this.rounds.load(manager, id));
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
    const round = await this.rounds.lock(manager, id);
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
    await this.rounds.setStatus(manager, id, status, settings);
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
    return toRoundDto(await this.rounds.load(manager, id));
  }

  // The round, which must be in assessment, locked: `write` for changes to who assesses what
  // and to final scores (one at a time per round), `share` for an assessor's own work, which
  // may run side by side (each also locks its bid) but never while assignments change.
  async lockInAssessment(
    manager: EntityManager,
    id: string,
    mode: 'write' | 'share' = 'write',
  ): Promise<RoundWithParts> {
    const round = await this.rounds.findPublished(manager, id, mode);
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
    const holder = await this.rounds.findByCode(manager, code);
    if (holder && holder.id !== exceptId) {
      throw roundError('round-code-taken', {
        message: `Round code ${code} is already used by "${holder.name}".`,
      });
    }
  }
}
