import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { DomainError } from '../common/domain-error';
import { formatLondonZoned } from '../common/london-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { UsersService } from '../users/users.service';
import { deadlineExtensionNotice } from './deadline-extension-emails';
import { DeadlineExtensionStore, ExtensionWithOrganisation } from './deadline-extension-store';
import type { DeadlineExtensionDto, GrantDeadlineExtensionDto } from './deadline-extension.dto';
import { DeadlineExtension } from './deadline-extension.entity';
import {
  ExtensionRefusal,
  extensionChangeRefusal,
  extensionRefusal,
  ExtensionSituation,
} from './deadline-extension.rules';
import type { RoundWithParts } from './round-views';
import { RoundStore } from './round-store';
import { roundError } from './rounds.errors';
import { notFound } from '../common/common.errors';

const AUDITED = ['organisationId', 'closesAt', 'reason'] as const;

export function toExtensionDto(extension: ExtensionWithOrganisation): DeadlineExtensionDto {
  return {
    id: extension.id,
    roundId: extension.roundId,
    organisationId: extension.organisationId,
    organisationName: extension.organisation.name,
    closesAt: extension.closesAt,
    closesAtUkTime: formatLondonZoned(extension.closesAt),
    reason: extension.reason,
    grantedBy: extension.grantedBy,
    createdAt: extension.createdAt,
    updatedAt: extension.updatedAt,
    version: extension.version,
  };
}

function auditValues(extension: DeadlineExtension | null): Record<string, unknown> {
  return extension
    ? {
        organisationId: extension.organisationId,
        closesAt: extension.closesAt.toISOString(),
        reason: extension.reason,
      }
    : {};
}

function refused(refusal: ExtensionRefusal): DomainError {
  const { code, message, field } = refusal;
  return roundError(code, { message, errors: field ? [{ field, message }] : undefined });
}

// A moderator gives one organisation a later close time for a round, changes it or revokes it;
// each is audited with before and after and emailed to the organisation's applicants.
@Injectable()
export class DeadlineExtensionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DeadlineExtensionStore,
    private readonly rounds: RoundStore,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  grant(
    actor: AuditActor,
    moderator: AuthenticatedUser,
    roundId: string,
    input: GrantDeadlineExtensionDto,
    now = new Date(),
  ): Promise<DeadlineExtensionDto> {
    return this.dataSource.transaction(async (manager) => {
      const { round, situation, current } = await this.situation(
        manager,
        roundId,
        input.organisationId,
        now,
      );
      const closesAt = new Date(input.closesAt);
      const refusal = extensionRefusal(situation, closesAt);
      if (refusal) {
        throw refused(refusal);
      }
      await this.store.put(manager, current?.id ?? null, {
        roundId,
        organisationId: input.organisationId,
        closesAt,
        reason: input.reason,
        grantedBy: moderator.id,
      });
      const saved = (await this.store.forOrganisation(manager, roundId, input.organisationId))!;
      const before = auditValues(current);
      const after = auditValues(saved);
      await this.audit.record(manager, actor, {
        command: current ? 'round.deadline-extension.change' : 'round.deadline-extension.grant',
        objectType: 'round_deadline_extension',
        objectId: saved.id,
        changes: Object.fromEntries(
          AUDITED.filter((field) => before[field] !== after[field]).map((field) => [
            field,
            { before: before[field] ?? null, after: after[field] ?? null },
          ]),
        ),
      });
      await this.notify(manager, round, saved, { kind: 'granted', extension: saved });
      return toExtensionDto(saved);
    });
  }

  revoke(
    actor: AuditActor,
    roundId: string,
    organisationId: string,
    reason: string,
    now = new Date(),
  ): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      // An organisation with no extension (or none at all) has nothing to revoke: 404.
      if (!(await this.store.forOrganisation(manager, roundId, organisationId))) {
        throw notFound('Deadline extension');
      }
      const { round, situation, current } = await this.situation(
        manager,
        roundId,
        organisationId,
        now,
      );
      if (!current) {
        throw notFound('Deadline extension');
      }
      const refusal = extensionChangeRefusal(situation);
      if (refusal) {
        throw refused(refusal);
      }
      await this.store.remove(manager, current.id);
      await this.audit.record(manager, actor, {
        command: 'round.deadline-extension.revoke',
        objectType: 'round_deadline_extension',
        objectId: current.id,
        changes: {
          ...Object.fromEntries(
            Object.entries(auditValues(current)).map(([field, before]) => [
              field,
              { before, after: null },
            ]),
          ),
          revocationReason: { before: null, after: reason },
        },
      });
      await this.notify(manager, round, current, { kind: 'revoked', extension: current, reason });
    });
  }

  list(roundId: string): Promise<DeadlineExtensionDto[]> {
    return this.dataSource.transaction(async (manager) => {
      await this.publishedRound(manager, roundId, null);
      return (await this.store.ofRound(manager, roundId)).map(toExtensionDto);
    });
  }

  // One organisation's extension: staff see any, an applicant only their own organisation's
  // (another's answers 404, as if it did not exist).
  get(user: AuthenticatedUser, roundId: string, organisationId: string) {
    return this.dataSource.transaction(async (manager): Promise<DeadlineExtensionDto> => {
      if (user.role === 'applicant' && user.organisationId !== organisationId) {
        throw notFound('Deadline extension');
      }
      await this.publishedRound(manager, roundId, null);
      const extension = await this.store.forOrganisation(manager, roundId, organisationId);
      if (!extension) {
        throw notFound('Deadline extension');
      }
      return toExtensionDto(extension);
    });
  }

  private async publishedRound(
    manager: EntityManager,
    roundId: string,
    lock: 'write' | null,
  ): Promise<RoundWithParts> {
    const round = await this.rounds.findPublished(manager, roundId, lock);
    if (!round) {
      throw notFound('Funding round');
    }
    return round;
  }

  // The round locked against submissions and its close (they hold it shared or write it), the
  // organisation and its extension as they stand.
  private async situation(
    manager: EntityManager,
    roundId: string,
    organisationId: string,
    now: Date,
  ): Promise<{
    round: RoundWithParts;
    situation: ExtensionSituation;
    current: ExtensionWithOrganisation | null;
  }> {
    const round = await this.publishedRound(manager, roundId, 'write');
    const organisation = await this.organisations.findWithArea(organisationId, manager);
    if (!organisation) {
      throw roundError('organisation-not-found', {
        errors: [{ field: 'organisationId', message: 'no organisation has this id' }],
      });
    }
    const current = await this.store.forOrganisation(manager, roundId, organisationId);
    return {
      round,
      current,
      situation: {
        round,
        organisation,
        current,
        maxDays: this.config.deadlineExtensionMaxDays,
        now,
      },
    };
  }

  private async notify(
    manager: EntityManager,
    round: RoundWithParts,
    extension: ExtensionWithOrganisation,
    change: Parameters<typeof deadlineExtensionNotice>[0],
  ): Promise<void> {
    const contacts = await this.users.applicantContacts(extension.organisationId, manager);
    if (contacts.length > 0) {
      await this.outbox.queue(
        manager,
        deadlineExtensionNotice(
          change,
          round,
          extension.organisation,
          contacts,
          this.config.portal,
        ),
      );
    }
  }
}
