import { readableFileSize } from '../files/file-size';
import { expectOk } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { fileProblems, removedDocument, shownDocument, uploadHandler } from './document-uploads';
import { frame, type Portal, sendPage, type SignedIn, forSignedIn } from './portal-request';
import type { FieldProblem } from './portal-views';
import { readReturn, shown, writingReturn } from './return-display';

type Params = { Params: { id: string } };

// A return's evidence of spend, while the bidder writes it: the files attached, an upload and a
// removal, read and sent as every upload is (document-uploads.ts).
export function returnEvidencePages(
  portal: Portal,
  pages: FastifyInstance,
  maxBytes: number,
): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };
  const back = (reply: FastifyReply, id: string) =>
    reply.redirect(`/returns/${encodeURIComponent(id)}/evidence`, 303);

  pages.get<Params>(
    '/returns/:id/evidence',
    forSignedIn(portal, async (me, request, reply) => {
      return evidencePage(portal, reply, me, request.params.id, maxBytes);
    }),
  );

  pages.post<Params>(
    '/returns/:id/evidence',
    uploadHandler(portal, pages, maxBytes, {
      send: (me, id, body) =>
        expectOk(me.api.POST('/api/v1/returns/{id}/documents', { params: { path: { id } }, body })),
      refuse: (reply, me, id, problems) => evidencePage(portal, reply, me, id, maxBytes, problems),
      done: back,
    }),
  );

  pages.post<{ Params: { id: string; documentId: string } }>(
    '/returns/:id/evidence/:documentId/remove',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const { id, documentId } = request.params;
      const problems = await removedDocument(
        me.api.DELETE('/api/v1/returns/{id}/documents/{documentId}', {
          params: { path: { id, documentId } },
        }),
      );
      if (problems) {
        return evidencePage(portal, reply, me, id, maxBytes, problems);
      }
      return back(reply, id);
    }),
  );
}

async function evidencePage(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  id: string,
  maxBytes: number,
  refused?: FieldProblem[],
): Promise<FastifyReply> {
  const [found, list] = await Promise.all([
    readReturn(me, id),
    expectOk(me.api.GET('/api/v1/returns/{id}/documents', { params: { path: { id } } })),
  ]);
  if (!writingReturn(me, found)) {
    return reply.redirect(`/returns/${encodeURIComponent(id)}`, 303);
  }
  const documents = list.items.map(shownDocument);
  const problems = fileProblems(documents, refused);
  return sendPage(
    portal,
    reply,
    'return-evidence',
    frame(reply, 'Evidence of spend', me.session, {
      section: 'returns',
      problems: problems.length > 0 ? problems : undefined,
    }),
    {
      deliveryReturn: shown(found),
      documents,
      maxSize: readableFileSize(maxBytes),
      fileProblem: problems.map((problem) => problem.message).join('. '),
    },
    refused ? 400 : 200,
  );
}
