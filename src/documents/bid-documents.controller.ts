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
import { BID_READERS } from '../bids/bids.controller';
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

const bid = (id: string) => ({ type: 'bid' as const, id });

@ApiTags('documents')
@Controller('bids/:id/documents')
@NotFoundDocs('bid')
export class BidDocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly uploads: DocumentUploadService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles('applicant')
  @UploadDocs('bid')
  @ApiOperation({
    operationId: 'uploadBidDocument',
    summary:
      'Attach a file to your draft bid (multipart, one file part): checked from its bytes, then virus-scanned; until clean only you see it',
  })
  async upload(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @RawRequest() request: FastifyRequest,
  ): Promise<DocumentDto> {
    const file = await receiveFile(request, this.config.documents.maxBytes);
    return this.uploads.upload(auditActor(user), user, bid(id), file);
  }

  @Get()
  @Roles(...BID_READERS)
  @ApiOperation({
    operationId: 'listBidDocuments',
    summary: "The bid's documents: clean ones, and yours whatever their scan says",
  })
  @ApiOkResponse({ type: DocumentListDto })
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
  ): Promise<DocumentListDto> {
    return { items: await this.documents.list(user, bid(id)) };
  }

  @Get(':documentId')
  @Roles(...BID_READERS)
  @ApiOperation({ operationId: 'getBidDocument', summary: "One of the bid's documents" })
  @ApiOkResponse({ type: DocumentDto })
  get(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @UuidParam('documentId') documentId: string,
  ): Promise<DocumentDto> {
    return this.documents.get(user, bid(id), documentId);
  }

  @Get(':documentId/content')
  @Roles(...BID_READERS)
  @DownloadDocs()
  @ApiOperation({
    operationId: 'downloadBidDocument',
    summary: 'Download a clean document of the bid (audited)',
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
      bid(id),
      documentId,
    );
    return sendDocument(reply, document, stream);
  }

  @Delete(':documentId')
  @HttpCode(204)
  @Roles('applicant')
  @ApiOperation({
    operationId: 'deleteBidDocument',
    summary: 'Remove a document from your draft bid',
  })
  @ApiNoContentResponse({ description: 'Removed, with its stored bytes' })
  remove(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @UuidParam('documentId') documentId: string,
  ): Promise<void> {
    return this.documents.remove(auditActor(user), user, bid(id), documentId);
  }
}
