import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ATTACHED_SQL, OwnerType, visibleSql } from './document.lifecycle';
import { SupportingDocument } from './supporting-document.entity';

export interface Owner {
  type: OwnerType;
  id: string;
}

// Named reads and writes of supporting documents, always inside the caller's transaction.
@Injectable()
export class DocumentStore {
  // The owner's documents `userId` may see (clean ones, and their own whatever the scan says),
  // oldest first.
  listVisible(manager: EntityManager, owner: Owner, userId: string): Promise<SupportingDocument[]> {
    return manager
      .createQueryBuilder(SupportingDocument, 'd')
      .where('d.owner_type = :type AND d.owner_id = :id', owner)
      .andWhere(visibleSql(':userId'), { userId })
      .orderBy('d.uploaded_at', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .getMany();
  }

  findOfOwner(
    manager: EntityManager,
    owner: Owner,
    documentId: string,
    lock = false,
  ): Promise<SupportingDocument | null> {
    return manager.findOne(SupportingDocument, {
      where: { id: documentId, ownerType: owner.type, ownerId: owner.id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  findById(
    manager: EntityManager,
    documentId: string,
    lock = false,
  ): Promise<SupportingDocument | null> {
    return manager.findOne(SupportingDocument, {
      where: { id: documentId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  // Documents attached to the owner (every one but the infected), toward its limit.
  async countAttached(manager: EntityManager, owner: Owner): Promise<number> {
    const [row] = await manager.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM supporting_documents d
        WHERE d.owner_type = $1 AND d.owner_id = $2 AND ${ATTACHED_SQL}`,
      [owner.type, owner.id],
    );
    return row.count;
  }

  // Attached documents by upload order, with their scan status: what a submission freezes.
  attached(
    manager: EntityManager,
    owner: Owner,
  ): Promise<Pick<SupportingDocument, 'id' | 'fileName' | 'sha256' | 'scanStatus'>[]> {
    return manager
      .createQueryBuilder(SupportingDocument, 'd')
      .select(['d.id', 'd.fileName', 'd.sha256', 'd.scanStatus', 'd.uploadedAt'])
      .where('d.owner_type = :type AND d.owner_id = :id', owner)
      .andWhere(ATTACHED_SQL)
      .orderBy('d.uploaded_at', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .getMany();
  }

  async insert(manager: EntityManager, row: Omit<SupportingDocument, 'uploadedAt'>) {
    await manager.insert(SupportingDocument, row);
    return manager.findOneByOrFail(SupportingDocument, { id: row.id });
  }

  // Records the scan's verdict on a document still pending; false when it is gone or done.
  async recordScan(
    manager: EntityManager,
    documentId: string,
    verdict: { scanStatus: 'clean' | 'infected'; signature: string | null; scannedAt: Date },
  ): Promise<boolean> {
    const result = await manager.update(
      SupportingDocument,
      { id: documentId, scanStatus: 'pending' },
      verdict,
    );
    return (result.affected ?? 0) > 0;
  }

  async delete(manager: EntityManager, documentId: string): Promise<void> {
    await manager.delete(SupportingDocument, { id: documentId });
  }
}
