import { readableFileSize } from '../files/file-size';
import { ApiProblem, expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { frame, type Portal, sendPage, type SignedIn, forSignedIn } from './portal-request';
import type { FieldProblem } from './portal-views';
import { fileProblems, removedDocument, shownDocument, uploadHandler } from './document-uploads';

type Bid = Schemas['BidDto'];
type Params = { Params: { id: string } };
type DocumentParams = { Params: { id: string; documentId: string } };

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

  pages.post<Params>(
    '/bids/:id/documents',
    uploadHandler(portal, pages, maxBytes, {
      send: (me, id, body) =>
        expectOk(me.api.POST('/api/v1/bids/{id}/documents', { params: { path: { id } }, body })),
      refuse: (reply, me, id, problems) => documentsPage(portal, reply, me, id, maxBytes, problems),
      done: (reply, id) => reply.redirect(`/bids/${encodeURIComponent(id)}/documents`, 303),
    }),
  );

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
      const problems = await removedDocument(
        me.api.DELETE('/api/v1/bids/{id}/documents/{documentId}', {
          params: { path: { id, documentId } },
        }),
      );
      if (problems) {
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
  const problems = fileProblems(documents, refused);
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

function shownBid(bid: Bid) {
  return { ...bid, draft: bid.status === 'draft' };
}
