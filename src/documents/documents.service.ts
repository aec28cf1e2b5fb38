import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { FileStore } from '../files/file-store';
import { DocumentOwners } from './document-owners';
import { DocumentStore, Owner } from './document-store';
import { isVisibleTo } from './document.lifecycle';
import { DocumentDto, toDocumentDto } from './documents.dto';
import { documentError } from './documents.errors';
import type { SupportingDocument } from './supporting-document.entity';
import { notFound } from '../common/common.errors';

// Reading, downloading and removing a bid's or a return's documents.
@Injectable()
export class DocumentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DocumentStore,
    private readonly owners: DocumentOwners,
    private readonly files: FileStore,
    private readonly audit: AuditService,
  ) {}

  list(user: AuthenticatedUser, owner: Owner): Promise<DocumentDto[]> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await this.owners.checkReadable(manager, user, owner);
      const rows = await this.store.listVisible(manager, owner, user.id);
      return rows.map(toDocumentDto);
    });
  }

  get(user: AuthenticatedUser, owner: Owner, documentId: string): Promise<DocumentDto> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) =>
      toDocumentDto(await this.visible(manager, user, owner, documentId)),
    );
  }

  // A clean document's bytes; every download is audited.
  async download(
    actor: AuditActor,
    user: AuthenticatedUser,
    owner: Owner,
    documentId: string,
  ): Promise<{ document: DocumentDto; stream: Readable }> {
    const row = await this.dataSource.transaction(async (manager) => {
      const found = await this.visible(manager, user, owner, documentId);
      if (found.scanStatus !== 'clean') {
        throw documentError(
          found.scanStatus === 'infected' ? 'document-infected' : 'document-not-scanned',
        );
      }
      await this.audit.record(manager, actor, {
        command: 'document.download',
        objectType: 'supporting_document',
        objectId: found.id,
        changes: {},
      });
      return found;
    });
    const stream = await this.files.read(row.storageKey);
    if (!stream) {
      throw notFound('Document');
    }
    return { document: toDocumentDto(row), stream };
  }

  async remove(
    actor: AuditActor,
    user: AuthenticatedUser,
    owner: Owner,
    documentId: string,
  ): Promise<void> {
    const row = await this.dataSource.transaction(async (manager) => {
      await this.owners.lockEditable(manager, user, owner);
      const found = await this.store.findOfOwner(manager, owner, documentId, true);
      if (!found || !isVisibleTo(found, user.id)) {
        throw notFound('Document');
      }
      await this.store.delete(manager, found.id);
      await this.audit.record(manager, actor, {
        command: 'document.delete',
        objectType: 'supporting_document',
        objectId: found.id,
        changes: {
          fileName: { before: found.fileName, after: null },
          sha256: { before: found.sha256, after: null },
        },
      });
      return found;
    });
    await this.files.remove(row.storageKey);
  }

  // The document, when the user may read its owner and it is clean or theirs; otherwise 404.
  private async visible(
    manager: EntityManager,
    user: AuthenticatedUser,
    owner: Owner,
    documentId: string,
  ): Promise<SupportingDocument> {
    await this.owners.checkReadable(manager, user, owner);
    const found = await this.store.findOfOwner(manager, owner, documentId);
    if (!found || !isVisibleTo(found, user.id)) {
      throw notFound('Document');
    }
    return found;
  }
}
