import type { Multipart, MultipartFile } from '@fastify/multipart';
import { ApiProblem, documentUpload, expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readableFileSize } from '../files/file-size';
import { formProblems, type Portal, type SignedIn, signedIn } from './portal-request';
import type { FieldProblem } from './portal-views';

// Files people attach through the portal (a bid's supporting documents, a return's evidence):
// reading the upload form, sending the file to the API, and showing each file with its scan.

type Document = Schemas['DocumentDto'];

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

// What the upload form posts: read (the form token checked before any of the file), sent with
// `send`, then `done`; a file that cannot be taken, or the API's refusal, shown by `refuse` at
// the file input. Another organisation's object (404) is the not-found page.
export function uploadHandler(
  portal: Portal,
  pages: FastifyInstance,
  maxBytes: number,
  steps: {
    send: (me: SignedIn, id: string, body: ReturnType<typeof documentUpload>) => Promise<unknown>;
    refuse: (
      reply: FastifyReply,
      me: SignedIn,
      id: string,
      problems: FieldProblem[],
    ) => Promise<FastifyReply>;
    done: (reply: FastifyReply, id: string) => Promise<unknown> | FastifyReply;
  },
) {
  return async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const id = request.params.id;
    const upload = await receivedUpload(portal, pages, request, reply, maxBytes);
    if (!upload) {
      return reply;
    }
    const { me } = upload;
    if (!upload.file) {
      return steps.refuse(reply, me, id, [{ field: 'file', message: upload.problem }]);
    }
    try {
      await steps.send(me, id, documentUpload(upload.file.bytes, upload.file.name));
    } catch (error) {
      if (!(error instanceof ApiProblem) || !formProblems(error) || error.status === 404) {
        throw error;
      }
      return steps.refuse(reply, me, id, [
        { field: 'file', message: uploadMessage(error, maxBytes) },
      ]);
    }
    return steps.done(reply, id);
  };
}

// A document removed through the API (204): the problems to show when refused, or undefined
// when it is gone. Not found is thrown.
export async function removedDocument(
  removal: Promise<{ data?: undefined; error?: unknown; response: Response }>,
): Promise<FieldProblem[] | undefined> {
  try {
    await expectOk(removal);
    return undefined;
  } catch (error) {
    const problems = formProblems(error);
    if (!problems || (error as ApiProblem).status === 404) {
      throw error;
    }
    return problems;
  }
}

// The problems a list of files shows at its upload input: the refusal just made, and each file
// the scanner found a virus in, until it is removed.
export function fileProblems(
  documents: { fileName: string; scanStatus: Document['scanStatus'] }[],
  refused: FieldProblem[] = [],
): FieldProblem[] {
  return [
    ...refused,
    ...documents
      .filter((document) => document.scanStatus === 'infected')
      .map((document) => ({
        field: 'file',
        message: `${document.fileName} contains a virus, so it was deleted: remove it from the list and upload a clean copy`,
      })),
  ];
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
