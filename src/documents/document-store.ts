import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ATTACHED_SQL, OwnerType, visibleSql } from './document.lifecycle';
import { SupportingDocument } from './supporting-document.entity';

export interface Owner {
  type: OwnerType;
  id: string;
}

// Who uploaded a document and what it is attached to, as an email about it names them.
export interface UploadContext {
  uploaderEmail: string;
  uploaderName: string;
  uploaderActive: boolean;
  ownerType: OwnerType;
  ownerId: string;
  fileName: string;
  uploadedAt: Date;
  // The bid's reference (a return's: its award's bid).
  reference: string;
  title: string;
  // A return's quarter; null for a bid.
  quarter: number | null;
  financialYear: string | null;
}

// DocumentStore.attached() as SQL, for a caller that reads the documents in one of its own
// statements: a JSON array of { id, fileName, sha256, scanStatus } in upload order, of the owner
// of type `ownerType` whose id is the SQL expression `ownerId`.
export function attachedDocumentsJsonSql(ownerType: OwnerType, ownerId: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', d.id, 'fileName', d.file_name,
      'sha256', d.sha256, 'scanStatus', d.scan_status) ORDER BY d.uploaded_at, d.id), '[]')
    FROM supporting_documents d
    WHERE d.owner_type = '${ownerType}' AND d.owner_id = ${ownerId} AND ${ATTACHED_SQL})`;
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

  // Documents waiting for their virus scan (their jobs may have been lost with Redis).
  async findPendingIds(manager: EntityManager): Promise<string[]> {
    const rows = await manager.find(SupportingDocument, {
      select: { id: true },
      where: { scanStatus: 'pending' },
    });
    return rows.map(({ id }) => id);
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

  async uploadContext(manager: EntityManager, documentId: string): Promise<UploadContext | null> {
    const [row] = await manager.query<UploadContext[]>(
      `SELECT u.email AS "uploaderEmail", u.name AS "uploaderName", u.active AS "uploaderActive",
              d.owner_type AS "ownerType", d.owner_id AS "ownerId", d.file_name AS "fileName",
              d.uploaded_at AS "uploadedAt",
              COALESCE(b.reference, rb.reference) AS reference, COALESCE(b.title, rb.title) AS title,
              r.quarter, r.financial_year AS "financialYear"
         FROM supporting_documents d
         JOIN users u ON u.id = d.uploaded_by
         LEFT JOIN bids b ON d.owner_type = 'bid' AND b.id = d.owner_id
         LEFT JOIN delivery_returns r ON d.owner_type = 'return' AND r.id = d.owner_id
         LEFT JOIN award_decisions a ON a.id = r.award_id
         LEFT JOIN bids rb ON rb.id = a.bid_id
        WHERE d.id = $1`,
      [documentId],
    );
    return row ?? null;
  }

  async delete(manager: EntityManager, documentId: string): Promise<void> {
    await manager.delete(SupportingDocument, { id: documentId });
  }
}
