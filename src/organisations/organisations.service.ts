import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, ILike, Repository } from 'typeorm';
import { AuditActor, AuditService, changedFields, createdFields } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { containsPattern } from '../common/list-query';
import type { Page } from '../common/pagination';
import type { FieldError } from '../common/problem';
import { Organisation } from './organisation.entity';
import type {
  CreateOrganisationDto,
  OrganisationDto,
  OrganisationQuery,
  UpdateOrganisationDto,
} from './organisation.dto';
import { PoliceForceArea } from './police-force-area.entity';
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
    @InjectRepository(Organisation) private readonly organisations: Repository<Organisation>,
    @InjectRepository(PoliceForceArea) private readonly forceAreas: Repository<PoliceForceArea>,
    private readonly audit: AuditService,
  ) {}

  listForceAreas(): Promise<PoliceForceArea[]> {
    return this.forceAreas.find({ order: { name: 'ASC' } });
  }

  async list(user: AuthenticatedUser, query: OrganisationQuery): Promise<Page<OrganisationDto>> {
    const where: FindOptionsWhere<Organisation> = {
      // The database guarantees every applicant has an organisation (ck_users_applicant_organisation).
      ...(user.role === 'applicant' ? { id: user.organisationId as string } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.forceAreaCode ? { forceAreaCode: query.forceAreaCode } : {}),
      ...(query.q ? { name: ILike(containsPattern(query.q)) } : {}),
    };
    const [rows, total] = await this.organisations.findAndCount({
      where,
      order: { name: 'ASC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items: rows.map(toDto), total, limit: query.limit, offset: query.offset };
  }

  async get(user: AuthenticatedUser, id: string): Promise<OrganisationDto> {
    const organisation = mayView(user, id) ? await this.organisations.findOneBy({ id }) : null;
    if (!organisation) {
      throw notFound('Organisation');
    }
    return toDto(organisation);
  }

  async findIdByName(name: string): Promise<string | null> {
    const organisation = await this.organisations.findOneBy({ name });
    return organisation?.id ?? null;
  }

  // Reference data: inserts missing areas, leaves existing ones as they are.
  async ensureForceAreas(areas: PoliceForceArea[]): Promise<void> {
    await this.forceAreas.createQueryBuilder().insert().values(areas).orIgnore().execute();
  }

  async nameOf(id: string, manager: EntityManager): Promise<string | null> {
    const organisation = await manager.findOneBy(Organisation, { id });
    return organisation?.name ?? null;
  }

  // The organisation with its force area, for rules that depend on who an applicant is.
  // `find`, not `findOne`: with a relation, findOne runs an extra DISTINCT query for its LIMIT 1.
  async findWithArea(id: string, manager: EntityManager): Promise<Organisation | null> {
    const [organisation] = await manager.find(Organisation, {
      where: { id },
      relations: { forceArea: true },
    });
    return organisation ?? null;
  }

  // The active PCC office of a force area, if one is registered.
  pccOfArea(forceAreaCode: string, manager: EntityManager): Promise<Organisation | null> {
    return manager.findOneBy(Organisation, { forceAreaCode, type: 'pcc', active: true });
  }

  async isActive(id: string, manager: EntityManager): Promise<boolean> {
    return manager.existsBy(Organisation, { id, active: true });
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
      const saved = await manager.save(organisation);
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
      const organisation = await manager.findOne(Organisation, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
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
      const saved = await manager.save(organisation);
      await this.audit.record(manager, actor, {
        command: 'organisation.update',
        objectType: 'organisation',
        objectId: id,
        changes: changedFields(before, { ...saved }, FIELDS),
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
      } else if (!(await manager.existsBy(PoliceForceArea, { code: organisation.forceAreaCode }))) {
        errors.push({
          field: 'forceAreaCode',
          message: `${organisation.forceAreaCode} is not a police force area of England and Wales`,
        });
      }
    }
    if (errors.length > 0) {
      throw organisationError('organisation-invalid', { errors });
    }
    const clash = await manager
      .createQueryBuilder(Organisation, 'o')
      .where('o.id IS DISTINCT FROM :id', { id: organisation.id ?? null })
      .andWhere(
        '(lower(o.name) = lower(:name) OR (o.type = :pcc AND :type = :pcc AND o.forceAreaCode = :area))',
        {
          name: organisation.name,
          type: organisation.type,
          pcc: 'pcc',
          area: organisation.forceAreaCode,
        },
      )
      .getOne();
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
