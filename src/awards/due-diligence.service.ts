import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { OrganisationsService } from '../organisations/organisations.service';
import { SeparationOfDutiesService } from '../users/separation-of-duties.service';
import { UsersService } from '../users/users.service';
import type { DueDiligenceDto } from './award.dto';
import type { DueDiligenceCheckDto } from './award-response.dto';
import { dueDiligenceDateError, type DueDiligenceRating } from './award.rules';
import type { DueDiligenceCheck } from './due-diligence.entity';
import { AwardStore } from './award-store';
import { notFound } from '../common/common.errors';
import { awardError } from './awards.errors';

// Due-diligence results per organisation, recorded by finance or moderators before awards.
@Injectable()
export class DueDiligenceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly duties: SeparationOfDutiesService,
    private readonly audit: AuditService,
    private readonly store: AwardStore,
  ) {}

  record(
    actor: AuditActor,
    user: AuthenticatedUser,
    organisationId: string,
    input: DueDiligenceDto,
    now = new Date(),
  ) {
    return this.dataSource.transaction(async (manager): Promise<DueDiligenceCheckDto> => {
      const name = await this.organisations.nameOf(organisationId, manager);
      if (name === null) {
        throw notFound('Organisation');
      }
      await this.duties.refuseIfMember(
        manager,
        user.id,
        { id: organisationId, name },
        'record due diligence on',
      );
      const dateError = dueDiligenceDateError(input.checkedOn, now);
      if (dateError) {
        throw awardError('due-diligence-invalid', { errors: [dateError] });
      }
      const check = await this.store.insertCheck(manager, {
        organisationId,
        rating: input.rating,
        checkedOn: input.checkedOn,
        notes: input.notes,
        recordedBy: user.id,
        recordedAt: now,
      });
      await this.audit.record(manager, actor, {
        command: 'due-diligence.record',
        objectType: 'organisation',
        objectId: organisationId,
        changes: {
          dueDiligence: {
            before: null,
            after: { rating: input.rating, checkedOn: input.checkedOn, notes: input.notes },
          },
        },
      });
      return (await this.render(manager, [check]))[0];
    });
  }

  // Every check of the organisation, latest first.
  async history(organisationId: string): Promise<DueDiligenceCheckDto[]> {
    const manager = this.dataSource.manager;
    if ((await this.organisations.nameOf(organisationId, manager)) === null) {
      throw notFound('Organisation');
    }
    const rows = await this.store.checksOf(manager, organisationId);
    return this.render(manager, rows);
  }

  // The rating that counts now: the latest check's, or null when there is none.
  async currentRating(
    manager: EntityManager,
    organisationId: string,
  ): Promise<DueDiligenceRating | null> {
    const latest = await this.store.latestCheckOf(manager, organisationId);
    return latest?.rating ?? null;
  }

  private async render(
    manager: EntityManager,
    rows: DueDiligenceCheck[],
  ): Promise<DueDiligenceCheckDto[]> {
    const names = await this.users.namesOf(
      rows.map((row) => row.recordedBy),
      manager,
    );
    return rows.map((row) => ({
      id: row.id,
      organisationId: row.organisationId,
      rating: row.rating,
      checkedOn: row.checkedOn,
      notes: row.notes,
      recordedByName: names.get(row.recordedBy) ?? '',
      recordedAt: row.recordedAt,
    }));
  }
}
