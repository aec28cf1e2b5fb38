import { ApiProblem, expectOk } from '@safer-streets-grants/client';
import { inPortalWords } from './api-wording';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { shownDocument } from './document-uploads';
import {
  formValue,
  frame,
  type Portal,
  sendPage,
  type SignedIn,
  forSignedIn,
  ifMatchOf,
} from './portal-request';
import type { FieldProblem } from './portal-views';
import { readReturn, shown, writingReturn } from './return-display';
import { planAnswers } from './return-plan-form';

type Params = { Params: { id: string } };

// Where the bidder fixes what stops submission, by the API's field names.
const FIX_AT: Record<string, string> = {
  spend: '',
  matchFundingSpentPence: '#matchFunding',
  outputs: '',
  narrative: '#narrative',
  varianceExplanation: '#varianceExplanation',
  milestones: '/plan',
  risks: '/plan',
  forecast: '/plan',
};

const sentence = (text: string) => {
  const said = inPortalWords(text);
  return `${said.charAt(0).toUpperCase()}${said.slice(1)}.`;
};

// Checking a return's answers and evidence, submitting it to finance (once, however often the
// form is sent), and the confirmation.
export function returnSubmissionPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get<Params>(
    '/returns/:id/check',
    forSignedIn(portal, async (me, request, reply) => {
      return checkPage(portal, reply, me, request.params.id);
    }),
  );

  pages.post<Params>(
    '/returns/:id/submit',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const sentBefore = Number(formValue(request.body, 'submissions')) || 0;
      const submitted = () => reply.redirect(`/returns/${encodeURIComponent(id)}/submitted`, 303);
      try {
        await expectOk(
          me.api.POST('/api/v1/returns/{id}/submit', {
            params: { path: { id } },
            // The version the bidder checked: a return changed since is not sent (412).
            headers: ifMatchOf(request.body),
          }),
        );
      } catch (error) {
        if (!(error instanceof ApiProblem) || error.status >= 500 || error.status === 401) {
          throw error;
        }
        if (error.status === 404 || error.status === 403) {
          throw error;
        }
        // The same form sent twice (a double click): the first sent it, so this one shows the
        // confirmation too rather than an error.
        const now = await readReturn(me, id);
        if (now.status === 'submitted' && now.submissions.length > sentBefore) {
          return submitted();
        }
        const problems: FieldProblem[] =
          error.status === 412
            ? [
                {
                  field: '',
                  message:
                    'Someone changed this return after you opened this page, so it was not submitted. Check its answers below again, then submit.',
                },
              ]
            : [
                { field: '', message: error.message },
                ...(error.problem?.errors ?? [])
                  .filter((fieldError) => fieldError.message !== error.message)
                  .map((fieldError) => ({ field: '', message: sentence(fieldError.message) })),
              ];
        return checkPage(portal, reply, me, id, problems);
      }
      return submitted();
    }),
  );

  pages.get<Params>(
    '/returns/:id/submitted',
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const found = await readReturn(me, id);
      if (found.status !== 'submitted') {
        return reply.redirect(`/returns/${encodeURIComponent(id)}`, 303);
      }
      return sendPage(
        portal,
        reply,
        'return-submitted',
        frame(reply, 'Return submitted', me.session, { section: 'returns' }),
        { deliveryReturn: shown(found), email: me.session.user?.email },
      );
    }),
  );
}

// Check answers: the draft as finance will read it, its evidence, and what (if anything) still
// stops it being sent, with where to fix each; the submit button only when nothing does.
async function checkPage(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  id: string,
  problems?: FieldProblem[],
): Promise<FastifyReply> {
  const [found, list] = await Promise.all([
    readReturn(me, id),
    expectOk(me.api.GET('/api/v1/returns/{id}/documents', { params: { path: { id } } })),
  ]);
  if (!writingReturn(me, found)) {
    return reply.redirect(
      `/returns/${encodeURIComponent(id)}${found.status === 'submitted' ? '/submitted' : ''}`,
      303,
    );
  }
  const base = `/returns/${found.id}`;
  const toFix = found.problems.map((problem) => {
    const at = FIX_AT[problem.field.split('.')[0]];
    return { message: sentence(problem.message), href: at === undefined ? base : `${base}${at}` };
  });
  for (const document of list.items.filter((d) => d.scanStatus !== 'clean')) {
    toFix.push({
      message:
        document.scanStatus === 'pending'
          ? `${document.fileName} is still waiting for its virus scan: wait a minute and reload this page.`
          : `${document.fileName} contains a virus: remove it.`,
      href: `${base}/evidence`,
    });
  }
  const deliveryReturn = shown(found, { asWritten: true });
  return sendPage(
    portal,
    reply,
    'return-check',
    frame(reply, 'Check your return before submitting it', me.session, {
      section: 'returns',
      problems,
    }),
    {
      deliveryReturn,
      outputs: found.outputs.map((output) => ({
        ...output,
        given: output.thisQuarter === null ? 'Not given' : String(output.thisQuarter),
      })),
      plan: planAnswers(found.draft),
      documents: list.items.map(shownDocument),
      toFix,
      ready: toFix.length === 0,
      version: found.version,
      submissions: found.submissions.length,
    },
    problems ? 409 : 200,
  );
}
