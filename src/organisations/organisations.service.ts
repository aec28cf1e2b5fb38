import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  AuditActor,
  AuditService,
  changedFields,
  changesNothing,
  createdFields,
} from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import type { Page } from '../common/pagination';
import type { FieldError } from '../common/problem';
import { Organisation } from './organisation.entity';
import type {
  CreateOrganisationDto,
  OrganisationDto,
  OrganisationQuery,
  UpdateOrganisationDto,
} from './organisation.dto';
import type { PoliceForceArea } from './police-force-area.entity';
import { OrganisationStore } from './organisation-store';
import { organisationError } from './organisations.errors';
import { notFound } from '../common/common.errors';

const FIELDS = [
  'name',
  'type',
  'forceAreaCode',
  'companyNumber',
  'charityNumber',
  'gssCode',
  'website',
  'active',
] as const;

function toDto(organisation: Organisation): OrganisationDto {
  const {
    id,
    name,
    type,
    forceAreaCode,
    companyNumber,
    charityNumber,
    gssCode,
    website,
    active,
    version,
  } = organisation;
  return {
    id,
    name,
    type,
    forceAreaCode,
    companyNumber,
    charityNumber,
    gssCode,
    website,
    active,
    version,
  };
}

// Applicants see only their own organisation; asking for another answers 404, as if it did not exist.
function mayView(user: AuthenticatedUser, organisationId: string): boolean {
  return user.role !== 'applicant' || user.organisationId === organisationId;
}

@Injectable()
export class OrganisationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: OrganisationStore,
    private readonly audit: AuditService,
  ) {}

  listForceAreas(): Promise<PoliceForceArea[]> {
    return this.store.forceAreas(this.dataSource.manager);
  }

  async list(user: AuthenticatedUser, query: OrganisationQuery): Promise<Page<OrganisationDto>> {
    // The database guarantees every applicant has an organisation (ck_users_applicant_organisation).
    const [rows, total] = await this.store.page(
      this.dataSource.manager,
      query,
      user.role === 'applicant' ? { id: user.organisationId } : null,
    );
    return { items: rows.map(toDto), total, limit: query.limit, offset: query.offset };
  }

  async get(user: AuthenticatedUser, id: string): Promise<OrganisationDto> {
    const organisation = mayView(user, id)
      ? await this.store.find(this.dataSource.manager, id)
      : null;
    if (!organisation) {
      throw notFound('Organisation');
    }
    return toDto(organisation);
  }

  async findIdByName(name: string): Promise<string | null> {
    const organisation = await this.store.findByName(this.dataSource.manager, name);
    return organisation?.id ?? null;
  }

  // Reference data: inserts missing areas, leaves existing ones as they are.
  async ensureForceAreas(areas: PoliceForceArea[]): Promise<void> {
    await this.store.insertMissingForceAreas(this.dataSource.manager, areas);
  }

  async nameOf(id: string, manager: EntityManager): Promise<string | null> {
    const organisation = await this.store.find(manager, id);
    return organisation?.name ?? null;
  }

  // The organisation with its force area, for rules that depend on who an applicant is.
  findWithArea(id: string, manager: EntityManager): Promise<Organisation | null> {
    return this.store.findWithArea(manager, id);
  }

  // The active PCC office of a force area, if one is registered.
  pccOfArea(forceAreaCode: string, manager: EntityManager): Promise<Organisation | null> {
    return this.store.pccOfArea(manager, forceAreaCode);
  }

  isActive(id: string, manager: EntityManager): Promise<boolean> {
    return this.store.isActive(manager, id);
  }

  create(actor: AuditActor, input: CreateOrganisationDto): Promise<OrganisationDto> {
    return this.dataSource.transaction(async (manager) => {
      const organisation = manager.create(Organisation, {
        name: input.name,
        type: input.type,
        forceAreaCode: input.forceAreaCode ?? null,
        companyNumber: input.companyNumber ?? null,
        charityNumber: input.charityNumber ?? null,
        gssCode: input.gssCode ?? null,
        website: input.website ?? null,
        active: true,
      });
      await this.check(manager, organisation);
      const saved = await this.store.save(manager, organisation);
      await this.audit.record(manager, actor, {
        command: 'organisation.create',
        objectType: 'organisation',
        objectId: saved.id,
        changes: createdFields({ ...saved }, FIELDS),
      });
      return toDto(saved);
    });
  }

  update(actor: AuditActor, id: string, input: UpdateOrganisationDto): Promise<OrganisationDto> {
    return this.dataSource.transaction(async (manager) => {
      const organisation = await this.store.lock(manager, id);
      if (!organisation) {
        throw notFound('Organisation');
      }
      const before = { ...organisation };
      for (const field of FIELDS) {
        if (input[field] !== undefined) {
          Object.assign(organisation, { [field]: input[field] });
        }
      }
      await this.check(manager, organisation);
      const changes = changedFields(before, { ...organisation }, FIELDS);
      if (changesNothing(changes)) {
        return toDto(organisation);
      }
      const saved = await this.store.save(manager, organisation);
      await this.audit.record(manager, actor, {
        command: 'organisation.update',
        objectType: 'organisation',
        objectId: id,
        changes,
      });
      return toDto(saved);
    });
  }

  private async check(manager: EntityManager, organisation: Organisation): Promise<void> {
    const errors: FieldError[] = [];
    if (organisation.type === 'btp' && organisation.forceAreaCode) {
      errors.push({
        field: 'forceAreaCode',
        message:
          'British Transport Police covers the rail network, not one force area: leave it empty',
      });
    }
    if (organisation.type !== 'btp') {
      if (!organisation.forceAreaCode) {
        errors.push({
          field: 'forceAreaCode',
          message: `a ${organisation.type} organisation must be in a police force area`,
        });
      } else if (!(await this.store.isForceArea(manager, organisation.forceAreaCode))) {
        errors.push({
          field: 'forceAreaCode',
          message: `${organisation.forceAreaCode} is not a police force area of England and Wales`,
        });
      }
    }
    if (errors.length > 0) {
      throw organisationError('organisation-invalid', { errors });
    }
    const clash = await this.store.clashWith(manager, organisation);
    if (clash) {
      throw organisationError('organisation-exists', {
        message:
          clash.type === 'pcc' &&
          organisation.type === 'pcc' &&
          clash.forceAreaCode === organisation.forceAreaCode
            ? `Force area ${organisation.forceAreaCode} already has a PCC: ${clash.name}.`
            : `An organisation named "${clash.name}" already exists.`,
      });
    }
  }
}
