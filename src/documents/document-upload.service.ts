import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../common/access';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { FileStore } from '../files/file-store';
import { QUEUES } from '../queues/queues';
import { checkFileType, sanitiseFileName, TYPE_SAMPLE_BYTES } from './document-type';
import { DocumentOwners } from './document-owners';
import { DocumentStore, Owner } from './document-store';
import { storageKeyOf } from './document.lifecycle';
import { DocumentDto, toDocumentDto } from './documents.dto';
import { documentError, documentTooLarge } from './documents.errors';
import { withOrigin } from '../observability/job-origin';

// One file part of a multipart request, as it arrives.
export interface IncomingFile {
  fileName: string;
  declaredType: string;
  stream: Readable;
  // The multipart parser cut the file at DOCUMENT_MAX_BYTES.
  truncated: () => boolean;
  // Reads what follows the file to its end; throws when another file part followed.
  noMoreFiles: () => Promise<void>;
}

class TooLarge extends Error {}

async function drain(chunks: AsyncIterator<Buffer>): Promise<void> {
  try {
    while (!(await chunks.next()).done) {
      // discarded
    }
  } catch {
    // An interrupted body: nothing more to read.
  }
}

// How a scan job is retried while clamd is down: 12 tries over about two hours.
const SCAN_JOB_OPTIONS = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: 1000,
  removeOnFail: 1000,
} as const;

// The scan job of a document: its id is the document's, so adding it again while it exists is
// a no-op (the worker re-adds pending ones when Redis comes back).
export function scanJob(documentId: string) {
  return { jobId: documentId, ...SCAN_JOB_OPTIONS };
}

// Receives a file into the store while hashing and counting it, then records it (pending) and
// queues its virus scan. Whole or nothing: a refused, oversized or interrupted upload leaves
// neither a row nor stored bytes.
@Injectable()
export class DocumentUploadService {
  private readonly logger = new Logger(DocumentUploadService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DocumentStore,
    private readonly owners: DocumentOwners,
    private readonly files: FileStore,
    private readonly audit: AuditService,
    @InjectQueue(QUEUES.documents) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async upload(
    actor: AuditActor,
    user: AuthenticatedUser,
    owner: Owner,
    incoming: IncomingFile,
  ): Promise<DocumentDto> {
    const chunks = incoming.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    try {
      // Refused before a byte is stored when the owner is frozen or full.
      await this.dataSource.transaction((manager) => this.checkRoom(manager, user, owner));
      return await this.receive(actor, user, owner, incoming, chunks);
    } finally {
      // Whatever was not read is discarded, so the request ends and the answer reaches the client.
      await drain(chunks);
    }
  }

  private async receive(
    actor: AuditActor,
    user: AuthenticatedUser,
    owner: Owner,
    incoming: IncomingFile,
    chunks: AsyncIterator<Buffer>,
  ): Promise<DocumentDto> {
    const fileName = sanitiseFileName(incoming.fileName);
    const { sample, ended } = await this.readSample(chunks);
    if (incoming.truncated()) {
      throw this.tooLarge();
    }
    if (sample.length === 0 && ended) {
      throw documentError('document-empty');
    }
    const verdict = await checkFileType(
      sample.subarray(0, TYPE_SAMPLE_BYTES),
      fileName,
      incoming.declaredType,
    );
    if (!verdict.ok) {
      throw documentError(
        verdict.reason === 'mismatch' ? 'document-type-mismatch' : 'document-type-not-allowed',
        {
          message: `"${fileName}" was refused: ${verdict.detail}. Accepted: PDF, PNG, JPEG, GIF, WebP, .docx, .xlsx, .pptx, .odt, .ods, .odp and UTF-8 .csv files, named with their real extension.`,
        },
      );
    }
    const id = randomUUID();
    const key = storageKeyOf(id);
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const maxBytes = this.config.documents.maxBytes;
    const count = (chunk: Buffer): Buffer => {
      sizeBytes += chunk.length;
      if (sizeBytes > maxBytes) {
        throw new TooLarge();
      }
      hash.update(chunk);
      return chunk;
    };
    async function* body(): AsyncGenerator<Buffer> {
      yield count(sample);
      if (!ended) {
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
          yield count(next.value);
        }
      }
      if (incoming.truncated()) {
        throw new TooLarge();
      }
    }
    try {
      await this.files.put(key, Readable.from(body()), verdict.mediaType);
    } catch (error) {
      await this.files.remove(key);
      throw error instanceof TooLarge
        ? this.tooLarge()
        : documentError('document-upload-interrupted');
    }
    try {
      await incoming.noMoreFiles();
    } catch (error) {
      await this.files.remove(key);
      throw error;
    }
    let saved;
    try {
      saved = await this.dataSource.transaction(async (manager) => {
        await this.checkRoom(manager, user, owner);
        const row = await this.store.insert(manager, {
          id,
          ownerType: owner.type,
          ownerId: owner.id,
          storageKey: key,
          fileName,
          mediaType: verdict.mediaType,
          sizeBytes,
          sha256: hash.digest('hex'),
          scanStatus: 'pending',
          scannedAt: null,
          signature: null,
          uploadedBy: user.id,
        });
        await this.audit.record(manager, actor, {
          command: 'document.upload',
          objectType: 'supporting_document',
          objectId: id,
          changes: {
            owner: { before: null, after: `${owner.type}:${owner.id}` },
            fileName: { before: null, after: fileName },
            sha256: { before: null, after: row.sha256 },
            sizeBytes: { before: null, after: sizeBytes },
          },
        });
        return row;
      });
    } catch (error) {
      await this.files.remove(key);
      throw error;
    }
    await this.queueScan(saved.id, key);
    return toDocumentDto(saved);
  }

  // The owner locked, still editable, and with room for one more document.
  private async checkRoom(
    manager: Parameters<DocumentStore['countAttached']>[0],
    user: AuthenticatedUser,
    owner: Owner,
  ): Promise<void> {
    const { limit } = await this.owners.lockEditable(manager, user, owner);
    const attached = await this.store.countAttached(manager, owner);
    if (attached >= limit) {
      throw documentError('document-limit-reached', {
        message: `This ${owner.type} already has ${attached} documents, the most it may carry (${limit}); delete one before adding another.`,
      });
    }
  }

  // The file's first bytes (at least TYPE_SAMPLE_BYTES unless it is shorter), to read its type.
  private async readSample(
    chunks: AsyncIterator<Buffer>,
  ): Promise<{ sample: Buffer; ended: boolean }> {
    const read: Buffer[] = [];
    let length = 0;
    try {
      while (length < TYPE_SAMPLE_BYTES) {
        const next = await chunks.next();
        if (next.done) {
          return { sample: Buffer.concat(read), ended: true };
        }
        read.push(next.value);
        length += next.value.length;
      }
    } catch {
      throw documentError('document-upload-interrupted');
    }
    return { sample: Buffer.concat(read), ended: false };
  }

  private tooLarge() {
    return documentTooLarge(this.config.documents.maxBytes);
  }

  // A document whose scan could not be queued would stay pending for ever: it is taken back.
  private async queueScan(id: string, key: string): Promise<void> {
    try {
      await this.queue.add('scan', withOrigin({ documentId: id }), scanJob(id));
    } catch (error) {
      this.logger.error(`Document ${id} could not be queued for scanning: ${String(error)}`);
      await this.dataSource.transaction((manager) => this.store.delete(manager, id));
      await this.files.remove(key);
      throw documentError('document-queue-unavailable');
    }
  }
}
