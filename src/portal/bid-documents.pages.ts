import { readableFileSize } from '../files/file-size';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import { ApiProblem, documentUpload, expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  frame,
  formProblems,
  type Portal,
  sendPage,
  type SignedIn,
  forSignedIn,
  signedIn,
} from './portal-request';
import type { FieldProblem } from './portal-views';

type Bid = Schemas['BidDto'];
type Document = Schemas['DocumentDto'];
type Params = { Params: { id: string } };
type DocumentParams = { Params: { id: string; documentId: string } };

// How a document's virus scan reads to its bidder, with the tag's colour.
const SCAN_SHOWN: Record<Document['scanStatus'], { text: string; tag: string }> = {
  pending: { text: 'Waiting for virus scan', tag: 'govuk-tag--blue' },
  clean: { text: 'No virus found', tag: 'govuk-tag--green' },
  infected: { text: 'Virus found', tag: 'govuk-tag--red' },
};

// The API's refusals of an upload, in the GOV.UK file upload pattern's words where they differ.
export function uploadMessage(error: ApiProblem, maxBytes: number): string {
  const own: Record<string, string> = {
    'document-too-large': tooLarge(maxBytes),
    'document-empty': 'The selected file is empty',
    'document-no-file': 'Select a file',
  };
  return own[error.code ?? ''] ?? error.message;
}

const tooLarge = (maxBytes: number) =>
  `The selected file must be smaller than ${readableFileSize(maxBytes)}`;

// A bid's supporting documents: the list, an upload, a download and a removal. An upload is a
// multipart form read here as a stream: the form token (the field before the file) is checked
// before any of the file is read, and at most `maxBytes` of it is held, as the API allows.
export function bidDocumentPages(portal: Portal, pages: FastifyInstance, maxBytes: number): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get<Params>(
    '/bids/:id/documents',
    forSignedIn(portal, async (me, request, reply) => {
      return documentsPage(portal, reply, me, request.params.id, maxBytes);
    }),
  );

  pages.post<Params>('/bids/:id/documents', async (request, reply) => {
    const id = request.params.id;
    const upload = await receivedUpload(portal, pages, request, reply, maxBytes);
    if (!upload) {
      return reply;
    }
    const { me } = upload;
    const refuse = (message: string) =>
      documentsPage(portal, reply, me, id, maxBytes, [{ field: 'file', message }]);
    if (!upload.file) {
      return refuse(upload.problem);
    }
    try {
      await expectOk(
        me.api.POST('/api/v1/bids/{id}/documents', {
          params: { path: { id } },
          body: documentUpload(upload.file.bytes, upload.file.name),
        }),
      );
    } catch (error) {
      if (!(error instanceof ApiProblem) || !formProblems(error) || error.status === 404) {
        throw error;
      }
      return refuse(uploadMessage(error, maxBytes));
    }
    return reply.redirect(`/bids/${encodeURIComponent(id)}/documents`, 303);
  });

  // The file through the API (which audits the download), with its name and checked type.
  pages.get<DocumentParams>(
    '/bids/:id/documents/:documentId/content',
    forSignedIn(portal, async (me, request, reply) => {
      const { id, documentId } = request.params;
      const { data, error, response } = await me.api.GET(
        '/api/v1/bids/{id}/documents/{documentId}/content',
        { params: { path: { id, documentId } }, parseAs: 'arrayBuffer' },
      );
      if (error !== undefined || data === undefined) {
        throw new ApiProblem(response.status, error);
      }
      return reply
        .header('content-type', response.headers.get('content-type') ?? 'application/octet-stream')
        .header('content-disposition', response.headers.get('content-disposition') ?? 'attachment')
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(data));
    }),
  );

  pages.get<DocumentParams>(
    '/bids/:id/documents/:documentId/remove',
    forSignedIn(portal, async (me, request, reply) => {
      return removePage(portal, reply, me, request.params);
    }),
  );

  pages.post<DocumentParams>(
    '/bids/:id/documents/:documentId/remove',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const { id, documentId } = request.params;
      // 204 on success: no data, so not through expectOk (which wants some).
      const { error, response } = await me.api.DELETE('/api/v1/bids/{id}/documents/{documentId}', {
        params: { path: { id, documentId } },
      });
      if (!response.ok) {
        const refused = new ApiProblem(response.status, error);
        const problems = formProblems(refused);
        if (!problems || refused.status === 404) {
          throw refused;
        }
        return removePage(portal, reply, me, request.params, problems);
      }
      return reply.redirect(`/bids/${encodeURIComponent(id)}/documents`, 303);
    }),
  );
}

async function documentsPage(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  id: string,
  maxBytes: number,
  refused?: FieldProblem[],
): Promise<FastifyReply> {
  const [bid, list] = await Promise.all([
    expectOk(me.api.GET('/api/v1/bids/{id}', { params: { path: { id } } })),
    expectOk(me.api.GET('/api/v1/bids/{id}/documents', { params: { path: { id } } })),
  ]);
  const documents = list.items.map(shownDocument);
  // A file the scanner found a virus in is the upload's problem too, until it is removed.
  const infected = documents
    .filter((document) => document.scanStatus === 'infected')
    .map((document) => ({
      field: 'file',
      message: `${document.fileName} contains a virus, so it was deleted: remove it from the list and upload a clean copy`,
    }));
  const problems = [...(refused ?? []), ...infected];
  return sendPage(
    portal,
    reply,
    'bid-documents',
    frame(reply, 'Supporting documents', me.session, {
      section: 'bids',
      problems: problems.length > 0 ? problems : undefined,
    }),
    {
      bid: shownBid(bid),
      documents,
      maxSize: readableFileSize(maxBytes),
      fileProblem: problems.map((problem) => problem.message).join('. '),
    },
    refused ? 400 : 200,
  );
}

async function removePage(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  { id, documentId }: { id: string; documentId: string },
  problems?: FieldProblem[],
): Promise<FastifyReply> {
  const [bid, document] = await Promise.all([
    expectOk(me.api.GET('/api/v1/bids/{id}', { params: { path: { id } } })),
    expectOk(
      me.api.GET('/api/v1/bids/{id}/documents/{documentId}', {
        params: { path: { id, documentId } },
      }),
    ),
  ]);
  return sendPage(
    portal,
    reply,
    'bid-document-remove',
    frame(reply, `Remove ${document.fileName}`, me.session, { section: 'bids', problems }),
    { bid: shownBid(bid), document: shownDocument(document) },
    problems ? 409 : 200,
  );
}

// A document upload form as sent: undefined when it was answered already (its form token
// refused, or nobody signed in); otherwise who sent it, and the file or why it cannot be taken.
export async function receivedUpload(
  portal: Portal,
  pages: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  maxBytes: number,
): Promise<
  | { me: SignedIn; file: { bytes: Blob; name: string } }
  | { me: SignedIn; file?: undefined; problem: string }
  | undefined
> {
  const part = request.isMultipart() ? await firstFile(request, maxBytes) : undefined;
  if (part) {
    // The token arrived as a form field before the file: checked as every form's is.
    request.body = { _csrf: fieldValue(part.fields._csrf) };
  }
  if (!formTokenAccepted(pages, request, reply)) {
    part?.file.resume();
    return undefined;
  }
  const me = await signedIn(portal, request, reply);
  if (!me) {
    part?.file.resume();
    return undefined;
  }
  if (!part || part.filename === '') {
    part?.file.resume();
    return { me, problem: 'Select a file' };
  }
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) {
    chunks.push(chunk as Buffer);
  }
  if (part.file.truncated) {
    return { me, problem: tooLarge(maxBytes) };
  }
  return {
    me,
    file: {
      bytes: new Blob([Buffer.concat(chunks)], { type: part.mimetype }),
      name: part.filename,
    },
  };
}

// The first file part of a multipart form, with the fields sent before it; undefined when the
// body cannot be read as one (too many parts, cut short).
async function firstFile(
  request: FastifyRequest,
  maxBytes: number,
): Promise<MultipartFile | undefined> {
  try {
    return await request.file({
      limits: { fileSize: maxBytes, files: 1, fields: 3, parts: 4, fieldSize: 1024 },
    });
  } catch {
    return undefined;
  }
}

function fieldValue(field: Multipart | Multipart[] | undefined): string {
  const first = Array.isArray(field) ? field[0] : field;
  return first && first.type === 'field' && typeof first.value === 'string' ? first.value : '';
}

// The portal's form token check, run inside a handler: false when it refused (and answered).
function formTokenAccepted(
  pages: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): boolean {
  let accepted = false;
  pages.csrfProtection(request, reply, () => {
    accepted = true;
  });
  return accepted;
}

export function shownDocument(document: Document) {
  const scan = SCAN_SHOWN[document.scanStatus];
  return {
    ...document,
    size: readableFileSize(document.sizeBytes),
    scanText: scan.text,
    scanLower: scan.text.toLowerCase(),
    scanTag: scan.tag,
    clean: document.scanStatus === 'clean',
  };
}

function shownBid(bid: Bid) {
  return { ...bid, draft: bid.status === 'draft' };
}
