import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Post,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { UuidParam } from '../common/validation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DocumentUploadService } from './document-upload.service';
import {
  DownloadDocs,
  NotFoundDocs,
  RawRequest,
  receiveFile,
  sendDocument,
  UploadDocs,
} from './document-http';
import { DocumentDto, DocumentListDto } from './documents.dto';
import { DocumentsService } from './documents.service';

const ret = (id: string) => ({ type: 'return' as const, id });

// Who reads returns (as the returns routes).
const RETURN_READERS = ['applicant', 'approver', 'moderator', 'finance', 'admin'] as const;

@ApiTags('documents')
@Controller('returns/:id/documents')
@NotFoundDocs('return')
export class ReturnDocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly uploads: DocumentUploadService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles('applicant')
  @UploadDocs('return')
  @ApiOperation({
    operationId: 'uploadReturnDocument',
    summary:
      'Attach a file to your return (evidence of spend) while it is with you (multipart, one file part): checked from its bytes, then virus-scanned; until clean only you see it',
  })
  async upload(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @RawRequest() request: FastifyRequest,
  ): Promise<DocumentDto> {
    const file = await receiveFile(request, this.config.documents.maxBytes);
    return this.uploads.upload(auditActor(user), user, ret(id), file);
  }

  @Get()
  @Roles(...RETURN_READERS)
  @ApiOperation({
    operationId: 'listReturnDocuments',
    summary: "The return's documents: clean ones, and yours whatever their scan says",
  })
  @ApiOkResponse({ type: DocumentListDto })
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
  ): Promise<DocumentListDto> {
    return { items: await this.documents.list(user, ret(id)) };
  }

  @Get(':documentId')
  @Roles(...RETURN_READERS)
  @ApiOperation({ operationId: 'getReturnDocument', summary: "One of the return's documents" })
  @ApiOkResponse({ type: DocumentDto })
  get(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @UuidParam('documentId') documentId: string,
  ): Promise<DocumentDto> {
    return this.documents.get(user, ret(id), documentId);
  }

  @Get(':documentId/content')
  @Roles(...RETURN_READERS)
  @DownloadDocs()
  @ApiOperation({
    operationId: 'downloadReturnDocument',
    summary: 'Download a clean document of the return (audited)',
  })
  async download(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @UuidParam('documentId') documentId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { document, stream } = await this.documents.download(
      auditActor(user),
      user,
      ret(id),
      documentId,
    );
    return sendDocument(reply, document, stream);
  }

  @Delete(':documentId')
  @HttpCode(204)
  @Roles('applicant')
  @ApiOperation({
    operationId: 'deleteReturnDocument',
    summary: 'Remove a document from your return while it is with you',
  })
  @ApiNoContentResponse({ description: 'Removed, with its stored bytes' })
  remove(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @UuidParam('documentId') documentId: string,
  ): Promise<void> {
    return this.documents.remove(auditActor(user), user, ret(id), documentId);
  }
}
