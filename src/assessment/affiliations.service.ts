import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import type { FieldError } from '../common/problem';
import { OrganisationsService } from '../organisations/organisations.service';
import { SeparationOfDutiesService } from '../users/separation-of-duties.service';
import { UsersService } from '../users/users.service';
import type { AffiliationsDto } from './assessment.dto';
import type { AssessorDto } from './assessment-response.dto';
import { AffiliationStore } from './affiliation-store';
import { AssignmentStore } from './assignment-store';
import type { Affiliations } from './assignment.rules';
import { assessmentError } from './assessment.errors';

// Assessors' declared ties, which keep them away from bids of those organisations and areas.
@Injectable()
export class AffiliationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly duties: SeparationOfDutiesService,
    private readonly store: AffiliationStore,
    private readonly assignments: AssignmentStore,
    private readonly audit: AuditService,
  ) {}

  // What keeps each assessor from bids: declared ties and every organisation they belonged to.
  async of(manager: EntityManager, assessorIds: string[]): Promise<Map<string, Affiliations>> {
    const ties = await this.duties.tiesOf(manager, assessorIds);
    const result = new Map<string, Affiliations>(
      assessorIds.map((id) => [
        id,
        { organisationIds: [], forceAreaCodes: [], person: ties.get(id) },
      ]),
    );
    if (assessorIds.length === 0) {
      return result;
    }
    const rows = await this.store.listOfAssessors(manager, assessorIds);
    for (const row of rows) {
      const entry = result.get(row.assessorId) as Affiliations;
      if (row.organisationId) {
        entry.organisationIds.push(row.organisationId);
      }
      if (row.forceAreaCode) {
        entry.forceAreaCodes.push(row.forceAreaCode);
      }
    }
    return result;
  }

  // Active assessors with their affiliations and how many assessments of the round they hold.
  async assessors(roundId: string | undefined, manager = this.dataSource.manager) {
    const assessors = await this.users.activeStaff('assessor', manager);
    return Promise.all(assessors.map((assessor) => this.describe(manager, assessor, roundId)));
  }

  async mine(user: AuthenticatedUser): Promise<AssessorDto> {
    return this.describe(this.dataSource.manager, user, undefined);
  }

  // Replaces the assessor's declared affiliations with the ones sent.
  replaceMine(actor: AuditActor, user: AuthenticatedUser, input: AffiliationsDto) {
    return this.dataSource.transaction(async (manager): Promise<AssessorDto> => {
      const errors: FieldError[] = [];
      for (const [index, id] of input.organisationIds.entries()) {
        if (!(await this.organisations.nameOf(id, manager))) {
          errors.push({
            field: `organisationIds.${index}`,
            message: `no organisation has id ${id}`,
          });
        }
      }
      const areas = new Set((await this.organisations.listForceAreas()).map((area) => area.code));
      input.forceAreaCodes.forEach((code, index) => {
        if (!areas.has(code)) {
          errors.push({
            field: `forceAreaCodes.${index}`,
            message: `${code} is not a police force area`,
          });
        }
      });
      if (errors.length > 0) {
        throw assessmentError('affiliation-unknown', { errors });
      }
      const declared = (all: Map<string, Affiliations>) => {
        const { organisationIds, forceAreaCodes } = all.get(user.id) as Affiliations;
        return { organisationIds, forceAreaCodes };
      };
      const before = await this.of(manager, [user.id]);
      const note = input.note ?? '';
      const rows = [
        ...[...new Set(input.organisationIds)].map((organisationId) => ({ organisationId })),
        ...[...new Set(input.forceAreaCodes)].map((forceAreaCode) => ({ forceAreaCode })),
      ].map((target) => ({ assessorId: user.id, note, ...target }));
      await this.store.replaceDeclared(manager, user.id, rows);
      const after = await this.of(manager, [user.id]);
      await this.audit.record(manager, actor, {
        command: 'assessor.declare-affiliations',
        objectType: 'user',
        objectId: user.id,
        changes: { affiliations: { before: declared(before), after: declared(after) } },
      });
      return this.describe(manager, user, undefined);
    });
  }

  private async describe(
    manager: EntityManager,
    assessor: { id: string; name: string; email: string },
    roundId: string | undefined,
  ): Promise<AssessorDto> {
    const rows = await this.store.listDeclared(manager, assessor.id);
    const load = await this.assignments.countLoad(manager, assessor.id, roundId);
    return {
      id: assessor.id,
      name: assessor.name,
      email: assessor.email,
      note: rows[0]?.note ?? '',
      affiliations: rows.map((row) => ({
        organisationId: row.organisationId,
        organisationName: row.organisation?.name ?? null,
        forceAreaCode: row.forceAreaCode,
        declaredAt: row.declaredAt,
      })),
      load,
    };
  }
}
