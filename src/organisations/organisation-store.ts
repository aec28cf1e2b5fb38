import { Injectable } from '@nestjs/common';
import { EntityManager, FindOptionsWhere, ILike } from 'typeorm';
import { containsPattern } from '../common/list-query';
import { Organisation } from './organisation.entity';
import type { OrganisationQuery } from './organisation.dto';
import { PoliceForceArea } from './police-force-area.entity';

// Named reads and writes of organisations and police force areas, in the caller's transaction
// (or the data source's manager for a plain read).
@Injectable()
export class OrganisationStore {
  forceAreas(manager: EntityManager): Promise<PoliceForceArea[]> {
    return manager.find(PoliceForceArea, { order: { name: 'ASC' } });
  }

  isForceArea(manager: EntityManager, code: string): Promise<boolean> {
    return manager.existsBy(PoliceForceArea, { code });
  }

  // Reference data: inserts missing areas, leaves existing ones as they are.
  async insertMissingForceAreas(manager: EntityManager, areas: PoliceForceArea[]): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(PoliceForceArea)
      .values(areas)
      .orIgnore()
      .execute();
  }

  // A page of organisations by name; `only` narrows it to one (an applicant's own), or to none
  // when that one is missing.
  async page(
    manager: EntityManager,
    query: OrganisationQuery,
    only: { id: string | null } | null,
  ): Promise<[Organisation[], number]> {
    if (only && only.id === null) {
      return [[], 0];
    }
    const where: FindOptionsWhere<Organisation> = {
      ...(only ? { id: only.id as string } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.forceAreaCode ? { forceAreaCode: query.forceAreaCode } : {}),
      ...(query.q ? { name: ILike(containsPattern(query.q)) } : {}),
    };
    return manager.findAndCount(Organisation, {
      where,
      order: { name: 'ASC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
  }

  find(manager: EntityManager, id: string): Promise<Organisation | null> {
    return manager.findOneBy(Organisation, { id });
  }

  findByName(manager: EntityManager, name: string): Promise<Organisation | null> {
    return manager.findOneBy(Organisation, { name });
  }

  // The organisation locked for a change.
  lock(manager: EntityManager, id: string): Promise<Organisation | null> {
    return manager.findOne(Organisation, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  // The organisation with its force area. `find`, not `findOne`: with a relation, findOne runs
  // an extra DISTINCT query for its LIMIT 1.
  async findWithArea(manager: EntityManager, id: string): Promise<Organisation | null> {
    const [organisation] = await manager.find(Organisation, {
      where: { id },
      relations: { forceArea: true },
    });
    return organisation ?? null;
  }

  // The active PCC office of a force area, if one is registered.
  pccOfArea(manager: EntityManager, forceAreaCode: string): Promise<Organisation | null> {
    return manager.findOneBy(Organisation, { forceAreaCode, type: 'pcc', active: true });
  }

  isActive(manager: EntityManager, id: string): Promise<boolean> {
    return manager.existsBy(Organisation, { id, active: true });
  }

  // Another organisation with the same name (case aside), or, for a PCC, another PCC of the
  // same force area.
  clashWith(manager: EntityManager, organisation: Organisation): Promise<Organisation | null> {
    return manager
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
  }

  save(manager: EntityManager, organisation: Organisation): Promise<Organisation> {
    return manager.save(organisation);
  }
}
