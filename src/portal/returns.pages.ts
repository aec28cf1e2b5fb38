import { readableFileSize } from '../files/file-size';
import { ApiProblem, expectOk } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { formatPounds, penceFromPounds } from '../common/money';
import { bidderReturnsList, writeReturnPage } from './bidder-returns.pages';
import { streamFromApi } from './portal-api';
import {
  formProblems,
  formValue,
  frame,
  type Portal,
  sendPage,
  type SignedIn,
  forSignedIn,
} from './portal-request';
import type { FieldProblem } from './portal-views';
import {
  awardPosition,
  KIND_TEXT,
  latest,
  listed,
  readReturn,
  type Return,
  shown,
  writingReturn,
} from './return-display';

type Decision = 'approve' | 'part' | 'changes';

// The lists finance can ask for, as the API filters them.
const LIST_FILTERS = [
  { status: 'submitted', text: 'Waiting for review' },
  { status: 'changes_requested', text: 'Sent back' },
  { status: 'approved', text: 'Approved' },
] as const;
type ListFilter = (typeof LIST_FILTERS)[number]['status'];

const isBidder = (me: SignedIn) => me.session.user?.role === 'applicant';

const STALE =
  'Someone else changed this return after you opened this page: it is no longer the submission you were reviewing. Its current state is shown; check it before you review it.';

// Quarterly returns as finance reviews them: those waiting, one return with its claim, progress,
// evidence and the award's position, and the review (approve, approve in part, send back). A
// bidder's list is their organisation's returns, and a return still with them opens as its form
// (bidder-returns.pages.ts); once sent they read it here, with what finance said.
export function returnPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get<{ Querystring: { status?: string } }>(
    '/returns',
    forSignedIn(portal, async (me, request, reply) => {
      if (isBidder(me)) {
        return bidderReturnsList(portal, reply, me);
      }
      const status: ListFilter =
        LIST_FILTERS.find((filter) => filter.status === request.query.status)?.status ??
        'submitted';
      const list = await expectOk(
        me.api.GET('/api/v1/returns', {
          params: { query: { status, sort: 'submittedAt', limit: 100 } },
        }),
      );
      const heading = LIST_FILTERS.find((filter) => filter.status === status)?.text ?? '';
      return sendPage(
        portal,
        reply,
        'returns',
        frame(reply, `Quarterly returns: ${heading.toLowerCase()}`, me.session, {
          section: 'returns',
        }),
        {
          heading,
          filters: LIST_FILTERS.map((filter) => ({ ...filter, current: filter.status === status })),
          returns: list.items.map(listed),
          total: list.total,
          more: list.total > list.items.length,
        },
      );
    }),
  );

  pages.get<{ Params: { id: string }; Querystring: { saved?: string } }>(
    '/returns/:id',
    forSignedIn(portal, async (me, request, reply) => {
      const found = await readReturn(me, request.params.id);
      if (writingReturn(me, found)) {
        return writeReturnPage(portal, reply, me, found, {
          saved: request.query.saved === '1',
        });
      }
      return showReturn(portal, reply, me, request.params.id, undefined, found);
    }),
  );

  pages.post<{ Params: { id: string } }>(
    '/returns/:id/review',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const body = request.body;
      const decision = formValue(body, 'decision') as Decision | '';
      const submission = Number(formValue(body, 'submission')) || undefined;
      const typed = {
        decision,
        amounts: [0, 1].map((index) => formValue(body, `approved-${index}`)),
        comment: formValue(body, 'comment').trim(),
        comments: formValue(body, 'comments').trim(),
      };
      const current = await readReturn(me, id);
      const claimed = latest(current)?.spend ?? [];
      const problems: FieldProblem[] = [];
      try {
        if (decision === 'approve') {
          await expectOk(
            me.api.POST('/api/v1/returns/{id}/approve', {
              params: { path: { id } },
              body: { submission },
            }),
          );
        } else if (decision === 'part') {
          const approvedSpend = claimed.map((line, index) => {
            const pence = penceFromPounds(typed.amounts[index] ?? '');
            if (pence === undefined) {
              problems.push({
                field: `approved-${index}`,
                message: `Enter the ${KIND_TEXT[line.kind].toLowerCase()} spend approved for ${line.financialYear} in pounds, like 12,500.50`,
              });
            }
            return { financialYear: line.financialYear, kind: line.kind, amountPence: pence ?? 0 };
          });
          if (!typed.comment) {
            problems.push({
              field: 'comment',
              message: 'Say why less than the claim is approved',
            });
          }
          if (problems.length === 0) {
            await expectOk(
              me.api.POST('/api/v1/returns/{id}/approve', {
                params: { path: { id } },
                body: { submission, approvedSpend, comment: typed.comment },
              }),
            );
          }
        } else if (decision === 'changes') {
          await expectOk(
            me.api.POST('/api/v1/returns/{id}/request-changes', {
              params: { path: { id } },
              body: { submission, comments: typed.comments },
            }),
          );
        } else {
          problems.push({
            field: 'decision',
            message: 'Choose whether to approve the claim, approve part of it or send it back',
          });
        }
      } catch (error) {
        // Reviewed or sent back meanwhile, or another submission now waiting.
        const stale =
          error instanceof ApiProblem &&
          (error.code === 'submission-changed' || error.code === 'return-not-submitted');
        if (stale) {
          return showReturn(portal, reply, me, id, {
            problems: [{ field: '', message: STALE }],
            status: 409,
          });
        }
        const refused = formProblems(error, {
          'approvedSpend.0.amountPence': 'approved-0',
          'approvedSpend.1.amountPence': 'approved-1',
          'approvedSpend.0': 'approved-0',
          'approvedSpend.1': 'approved-1',
          comment: 'comment',
          comments: 'comments',
        });
        if (!refused) {
          throw error;
        }
        problems.push(...refused);
      }
      if (problems.length > 0) {
        return showReturn(portal, reply, me, id, { problems, typed, status: 400 });
      }
      const done = await readReturn(me, id);
      return sendPage(
        portal,
        reply,
        'return-reviewed',
        frame(reply, decision === 'changes' ? 'Return sent back' : 'Return approved', me.session, {
          section: 'returns',
        }),
        {
          heading: decision === 'changes' ? 'Return sent back' : 'Return approved',
          deliveryReturn: shown(done),
          payable: formatPounds(latest(done)?.payablePence ?? 0),
          approved: decision !== 'changes',
        },
      );
    }),
  );

  // A clean evidence document, streamed from the API (which checks who may have it).
  pages.get<{ Params: { id: string; documentId: string } }>(
    '/returns/:id/documents/:documentId',
    forSignedIn(portal, async (me, request, reply) => {
      const { id, documentId } = request.params;
      return streamFromApi(
        portal.app,
        request,
        me.tokens,
        `/api/v1/returns/${encodeURIComponent(id)}/documents/${encodeURIComponent(documentId)}/content`,
        reply,
      );
    }),
  );
}

// The return's page: what was claimed and done, the evidence, the award's position and, for
// finance while it waits, the review form (with what was typed, after a refusal).
async function showReturn(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  id: string,
  refused: {
    problems: FieldProblem[];
    typed?: { decision: string; amounts: string[]; comment: string; comments: string };
    status: number;
  } = { problems: [], status: 200 },
  read?: Return,
): Promise<FastifyReply> {
  const found = read ?? (await readReturn(me, id));
  const [position, documents] = await Promise.all([
    awardPosition(me, found.awardId),
    expectOk(me.api.GET('/api/v1/returns/{id}/documents', { params: { path: { id } } })),
  ]);
  const reviewing = me.session.user?.role === 'finance' && found.status === 'submitted';
  const typed = refused.typed;
  const claimed = latest(found)?.spend ?? [];
  const deliveryReturn = shown(found);
  return sendPage(
    portal,
    reply,
    'return',
    frame(
      reply,
      `${found.awardReference}: quarterly return for ${deliveryReturn.quarterName}`,
      me.session,
      {
        section: me.session.user?.role === 'finance' || isBidder(me) ? 'returns' : 'tasks',
        problems: refused.problems.length > 0 ? refused.problems : undefined,
      },
    ),
    {
      deliveryReturn,
      documents: documents.items
        .filter((document) => document.scanStatus === 'clean')
        .map((document) => ({
          ...document,
          size: readableFileSize(document.sizeBytes),
        })),
      position,
      reviewing,
      review: reviewing
        ? {
            submission: latest(found)?.number,
            decision: typed?.decision ?? '',
            comment: typed?.comment ?? '',
            comments: typed?.comments ?? '',
            lines: claimed.map((line, index) => ({
              id: `approved-${index}`,
              label: `${KIND_TEXT[line.kind]} spend approved for ${line.financialYear}`,
              hint: `Claimed ${formatPounds(line.claimedPence)}. In pounds, like 12,500.50`,
              value: typed?.amounts[index] ?? '',
            })),
          }
        : undefined,
    },
    refused.status,
  );
}
