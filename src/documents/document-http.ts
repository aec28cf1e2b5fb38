import { SendsLocation } from '../common/location';
import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  HttpCode,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { ProblemDto } from '../common/problem.dto';
import { attachmentHeader } from '../common/response-headers';
import { attachmentDisposition } from './document-type';
import type { IncomingFile } from './document-upload.service';
import { DocumentDto, UploadDocumentDto } from './documents.dto';
import { documentError, documentTooLarge } from './documents.errors';

// Multipart framing (boundaries, part headers, other small fields) allowed beyond the file.
const FRAMING_BYTES = 65_536;

// The one file part of a multipart upload, refused early when the request is not multipart,
// has no file part, or says (Content-Length) it is bigger than the limit allows. What follows the
// file is read once the file has been stored (noMoreFiles): a second file refuses the upload.
export async function receiveFile(
  request: FastifyRequest,
  maxBytes: number,
): Promise<IncomingFile> {
  if (!request.isMultipart()) {
    throw documentError('document-not-multipart');
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + FRAMING_BYTES) {
    throw documentTooLarge(maxBytes);
  }
  // A second file part trips the files limit; the parser then skips it and reports it after the first.
  const parts = request.parts({ limits: { fileSize: maxBytes, files: 1, parts: 10 } });
  let part: MultipartFile | undefined;
  try {
    for (let next = await parts.next(); !next.done; next = await parts.next()) {
      if (next.value.type === 'file') {
        part = next.value;
        break;
      }
    }
  } catch {
    throw documentError('document-no-file', {
      message:
        'The multipart body could not be read (no boundary, cut short, or too many parts); send one file part.',
    });
  }
  if (!part) {
    throw documentError('document-no-file');
  }
  const file = part.file;
  return {
    fileName: part.filename,
    declaredType: part.mimetype,
    stream: file,
    truncated: () => file.truncated,
    noMoreFiles: async () => {
      try {
        while (!(await parts.next()).done) {
          // Fields after the file are ignored.
        }
      } catch (error) {
        throw (error as { code?: unknown }).code === 'FST_FILES_LIMIT'
          ? documentError('document-several-files')
          : documentError('document-upload-interrupted', {
              message:
                'The multipart body after the file could not be read (cut short, or too many parts); send one file part and upload it again.',
            });
      }
    },
  };
}

// The request, for routes that read a multipart body themselves.
export const RawRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): FastifyRequest =>
    context.switchToHttp().getRequest<FastifyRequest>(),
);

export function sendDocument(
  reply: FastifyReply,
  document: DocumentDto,
  stream: Readable,
): StreamableFile {
  void reply.header('X-Content-Type-Options', 'nosniff');
  return new StreamableFile(stream, {
    type: document.mediaType,
    length: document.sizeBytes,
    disposition: attachmentDisposition(document.fileName),
  });
}

// Swagger for the four shapes of document route.
export function UploadDocs(owner: 'bid' | 'return') {
  return applyDecorators(
    HttpCode(201),
    SendsLocation(201, `/${owner}s/{ownerId}/documents/{id}`),
    ApiConsumes('multipart/form-data'),
    ApiBody({ type: UploadDocumentDto }),
    ApiCreatedResponse({
      type: DocumentDto,
      description: 'Stored and waiting for its virus scan (scanStatus pending)',
    }),
    ApiResponse({
      status: 400,
      type: ProblemDto,
      description: 'Empty file, no file part, more than one file, or an interrupted upload',
    }),
    ApiConflictResponse({
      type: ProblemDto,
      description: `The ${owner} is frozen (submitted${owner === 'return' ? ' or approved' : ''}), or already carries the most documents allowed`,
    }),
    ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'Larger than DOCUMENT_MAX_BYTES' }),
    ApiUnsupportedMediaTypeResponse({
      type: ProblemDto,
      description:
        'Not multipart, a kind of file not accepted, or a name or declared type that does not match its bytes',
    }),
    ApiServiceUnavailableResponse({
      type: ProblemDto,
      description: 'The scan queue is not answering',
    }),
  );
}

export function DownloadDocs() {
  return applyDecorators(
    ApiOkResponse({
      description: 'The file, as an attachment, with the media type read from its bytes',
      headers: attachmentHeader('attachment; filename="<ASCII name>"; filename*=UTF-8\'\'<name>'),
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    }),
    ApiConflictResponse({ type: ProblemDto, description: 'Not yet scanned, or infected' }),
  );
}

export const NotFoundDocs = (owner: 'bid' | 'return') =>
  ApiNotFoundResponse({
    type: ProblemDto,
    description: `No such ${owner} or document that you may see (another organisation's, or a document not yet scanned that someone else uploaded)`,
  });
