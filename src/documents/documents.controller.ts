import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Post,
  Res,
  StreamableFile,
  type Type,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditActor } from '../audit/audit.service';
import { BID_READERS } from '../bids/bids.controller';
import { AuthenticatedUser, CurrentUser, type Role, Roles } from '../common/access';
import { UuidParam } from '../common/validation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RETURN_READERS } from '../returns/returns.controller';
import { DocumentUploadService } from './document-upload.service';
import {
  DownloadDocs,
  NotFoundDocs,
  RawRequest,
  receiveFile,
  sendDocument,
  UploadDocs,
} from './document-http';
import type { Owner } from './document-store';
import { DocumentDto, DocumentListDto } from './documents.dto';
import { DocumentsService } from './documents.service';
import { NeedsRedis } from '../queues/needs-redis.guard';
import { Refuses } from '../openapi/refusals';

// What differs between the documents of a bid and those of a return: the rest is one set of
// routes, under `/bids/{id}/documents` and `/returns/{id}/documents`.
interface OwnerRoutes {
  type: Owner['type'];
  // The path segment and the word in operation ids: `bids`, `Bid`.
  path: string;
  word: string;
  // Who may read the owner, and so its clean documents.
  readers: readonly Role[];
  // While the bidder may change it, in words: "your draft bid".
  editable: string;
}

function documentRoutes(owner: OwnerRoutes): Type<unknown> {
  const of = (id: string): Owner => ({ type: owner.type, id });

  @ApiTags('documents')
  @Controller(`${owner.path}/:id/documents`)
  @NotFoundDocs(owner.type)
  class DocumentRoutes {
    constructor(
      readonly documents: DocumentsService,
      readonly uploads: DocumentUploadService,
      @Inject(APP_CONFIG) readonly config: AppConfig,
    ) {}

    @Post()
    @NeedsRedis()
    @Roles('applicant')
    @UploadDocs(owner.type)
    @ApiOperation({
      operationId: `upload${owner.word}Document`,
      summary: `Attach a file to ${owner.editable} (multipart, one file part): checked from its bytes, then virus-scanned; until clean only you see it`,
    })
    @Refuses(
      'document-empty',
      'document-limit-reached',
      'document-no-file',
      'document-not-multipart',
      'document-owner-frozen',
      'document-queue-unavailable',
      'document-several-files',
      'document-too-large',
      'document-type-mismatch',
      'document-type-not-allowed',
      'document-upload-interrupted',
      'not-found',
      'round-closed-out',
    )
    async upload(
      @CurrentUser() user: AuthenticatedUser,
      @UuidParam() id: string,
      @RawRequest() request: FastifyRequest,
    ): Promise<DocumentDto> {
      const file = await receiveFile(request, this.config.documents.maxBytes);
      return this.uploads.upload(auditActor(user), user, of(id), file);
    }

    @Get()
    @Roles(...owner.readers)
    @ApiOperation({
      operationId: `list${owner.word}Documents`,
      summary: `The ${owner.type}'s documents: clean ones, and yours whatever their scan says`,
    })
    @ApiOkResponse({ type: DocumentListDto })
    @Refuses('not-found')
    async list(
      @CurrentUser() user: AuthenticatedUser,
      @UuidParam() id: string,
    ): Promise<DocumentListDto> {
      return { items: await this.documents.list(user, of(id)) };
    }

    @Get(':documentId')
    @Roles(...owner.readers)
    @ApiOperation({
      operationId: `get${owner.word}Document`,
      summary: `One of the ${owner.type}'s documents`,
    })
    @ApiOkResponse({ type: DocumentDto })
    @Refuses('not-found')
    get(
      @CurrentUser() user: AuthenticatedUser,
      @UuidParam() id: string,
      @UuidParam('documentId') documentId: string,
    ): Promise<DocumentDto> {
      return this.documents.get(user, of(id), documentId);
    }

    @Get(':documentId/content')
    @Roles(...owner.readers)
    @DownloadDocs()
    @ApiOperation({
      operationId: `download${owner.word}Document`,
      summary: `Download a clean document of the ${owner.type} (audited)`,
    })
    @Refuses('document-infected', 'document-not-scanned', 'not-found')
    async download(
      @CurrentUser() user: AuthenticatedUser,
      @UuidParam() id: string,
      @UuidParam('documentId') documentId: string,
      @Res({ passthrough: true }) reply: FastifyReply,
    ): Promise<StreamableFile> {
      const found = await this.documents.download(auditActor(user), user, of(id), documentId);
      return sendDocument(reply, found.document, found.stream);
    }

    @Delete(':documentId')
    @HttpCode(204)
    @Roles('applicant')
    @ApiOperation({
      operationId: `delete${owner.word}Document`,
      summary: `Remove a document from ${owner.editable}`,
    })
    @ApiNoContentResponse({ description: 'Removed, with its stored bytes' })
    @Refuses('document-owner-frozen', 'not-found', 'round-closed-out')
    remove(
      @CurrentUser() user: AuthenticatedUser,
      @UuidParam() id: string,
      @UuidParam('documentId') documentId: string,
    ): Promise<void> {
      return this.documents.remove(auditActor(user), user, of(id), documentId);
    }
  }
  Object.defineProperty(DocumentRoutes, 'name', { value: `${owner.word}DocumentsController` });
  return DocumentRoutes;
}

export const BidDocumentsController = documentRoutes({
  type: 'bid',
  path: 'bids',
  word: 'Bid',
  readers: BID_READERS,
  editable: 'your draft bid',
});

export const ReturnDocumentsController = documentRoutes({
  type: 'return',
  path: 'returns',
  word: 'Return',
  readers: RETURN_READERS,
  editable: 'your return while it is with you (evidence of spend)',
});
