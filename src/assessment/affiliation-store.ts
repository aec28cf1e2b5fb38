import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AssessorAffiliation } from './assessor-affiliation.entity';

// Named reads and writes of assessors' declared affiliations, inside the caller's transaction.
@Injectable()
export class AffiliationStore {
  listOfAssessors(manager: EntityManager, assessorIds: string[]): Promise<AssessorAffiliation[]> {
    return manager.find(AssessorAffiliation, { where: { assessorId: In(assessorIds) } });
  }

  // The assessor's affiliations with their organisations, in the order declared.
  listDeclared(manager: EntityManager, assessorId: string): Promise<AssessorAffiliation[]> {
    return manager.find(AssessorAffiliation, {
      where: { assessorId },
      relations: { organisation: true },
      order: { declaredAt: 'ASC', id: 'ASC' },
    });
  }

  // The assessor's affiliations replaced by `rows`.
  async replaceDeclared(
    manager: EntityManager,
    assessorId: string,
    rows: Partial<AssessorAffiliation>[],
  ): Promise<void> {
    await manager.delete(AssessorAffiliation, { assessorId });
    if (rows.length > 0) {
      await manager.insert(AssessorAffiliation, rows);
    }
  }
}
