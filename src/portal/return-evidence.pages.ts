import { readableFileSize } from '../files/file-size';
import { ApiProblem, documentUpload, expectOk } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { receivedUpload, shownDocument, uploadMessage } from './bid-documents.pages';
import {
  formProblems,
  frame,
  type Portal,
  sendPage,
  type SignedIn,
  forSignedIn,
} from './portal-request';
import type { FieldProblem } from './portal-views';
import { readReturn, shown, writingReturn } from './return-display';

type Params = { Params: { id: string } };

// A return's evidence of spend, while the bidder writes it: the files attached, an upload and a
// removal. Uploads are read as bid documents' are (bid-documents.pages.ts): the form token, sent
// before the file, is checked before any of the file is read.
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

  pages.post<Params>('/returns/:id/evidence', async (request, reply) => {
    const id = request.params.id;
    const upload = await receivedUpload(portal, pages, request, reply, maxBytes);
    if (!upload) {
      return reply;
    }
    const { me } = upload;
    const refuse = (message: string) =>
      evidencePage(portal, reply, me, id, maxBytes, [{ field: 'file', message }]);
    if (!upload.file) {
      return refuse(upload.problem);
    }
    try {
      await expectOk(
        me.api.POST('/api/v1/returns/{id}/documents', {
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
    return back(reply, id);
  });

  pages.post<{ Params: { id: string; documentId: string } }>(
    '/returns/:id/evidence/:documentId/remove',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const { id, documentId } = request.params;
      // 204 on success: no data, so not through expectOk (which wants some).
      const { error, response } = await me.api.DELETE(
        '/api/v1/returns/{id}/documents/{documentId}',
        { params: { path: { id, documentId } } },
      );
      if (!response.ok) {
        const refused = new ApiProblem(response.status, error);
        const problems = formProblems(refused);
        if (!problems || refused.status === 404) {
          throw refused;
        }
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
  // A file the scanner found a virus in is the upload's problem until it is removed.
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
