import { ApiProblem, expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { readAward, shownAward } from './award-views';
import {
  formProblems,
  formValue,
  frame,
  forSignedIn,
  ifMatchOf,
  type Portal,
  sendPage,
  type SignedIn,
} from './portal-request';
import type { FieldProblem } from './portal-views';

type Award = Schemas['AwardDto'];

interface Answer {
  verb: 'accept' | 'decline';
  // Its confirmation page's path and template name: award-accepted, award-declined.
  confirmed: 'accepted' | 'declined';
  // The state an answer leaves the award in: a repeated post finding it there did nothing new.
  done: (award: Award, typed: Record<string, string>) => boolean;
  fields: Record<string, string>;
  // What to say for each field left empty.
  missing: Record<string, string>;
}

const ACCEPT: Answer = {
  verb: 'accept',
  confirmed: 'accepted',
  done: (award, typed) =>
    ['accepted', 'active'].includes(award.status) &&
    award.signatoryName === typed.signatoryName.trim(),
  fields: { signatoryName: 'signatoryName', signatoryPosition: 'signatoryPosition' },
  missing: {
    signatoryName: 'Enter the full name of the person accepting',
    signatoryPosition: 'Enter their position in your organisation',
  },
};

const DECLINE: Answer = {
  verb: 'decline',
  confirmed: 'declined',
  done: (award, typed) => award.status === 'declined' && award.closeReason === typed.reason.trim(),
  fields: { reason: 'reason' },
  missing: { reason: 'Enter why your organisation is declining the offer' },
};

// Someone (another tab, a colleague, the programme) changed the award after this form was
// opened: nothing was answered, and the form is shown again on the award as it is now.
const STALE: FieldProblem[] = [
  {
    field: '',
    message:
      'Someone changed this award after you opened this page, so your answer was not sent. Check the award below again, then answer.',
  },
];

// Answering an offer: accepting (who signs, and a declaration) or declining (with a reason),
// each behind its own confirm page, then a confirmation. The API allows an answer once, while
// the offer is open: a refusal (lapsed, already answered, round closed out) is shown as the
// form's problem and nothing changes. A double-clicked button posts twice; the second post is
// refused as already answered, and when the award stands as this very answer it is taken as
// done, so the person sees the confirmation once and the award changed once.
export function awardOfferPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  for (const answer of [ACCEPT, DECLINE]) {
    pages.get<{ Params: { id: string } }>(
      `/awards/:id/${answer.verb}`,
      forSignedIn(portal, async (me, request, reply) => {
        const award = await readAward(me, request.params.id);
        return showForm(portal, reply, me, answer, award, {}, undefined, 200);
      }),
    );

    pages.post<{ Params: { id: string } }>(
      `/awards/:id/${answer.verb}`,
      protect,
      forSignedIn(portal, async (me, request, reply) => {
        const id = request.params.id;
        const typed = Object.fromEntries(
          [...Object.keys(answer.fields), 'declaration'].map((name) => [
            name,
            formValue(request.body, name),
          ]),
        );
        // The form's own fields, each with what to say when it was left empty.
        const fields = Object.fromEntries(
          Object.entries(answer.fields).map(([apiName, name]) => [
            apiName,
            { field: name, missing: { value: typed[name], say: answer.missing[name] } },
          ]),
        );
        if (answer.verb === 'accept' && typed.declaration !== 'yes') {
          // Every empty field is said with the declaration, not on the next try.
          const blanks = Object.values(fields)
            .filter(({ missing }) => missing.value.trim() === '')
            .map(({ field, missing }) => ({ field, message: missing.say }));
          const award = await readAward(me, id);
          return showForm(portal, reply, me, answer, award, typed, [
            ...blanks,
            {
              field: 'declaration',
              message:
                'Confirm that you have read the offer letter and accept the grant on its terms',
            },
          ]);
        }
        // The version the form was made from: an award changed since is not answered (412).
        const headers = ifMatchOf(request.body);
        try {
          await expectOk(
            answer.verb === 'accept'
              ? me.api.POST('/api/v1/awards/{id}/accept', {
                  params: { path: { id } },
                  headers,
                  body: {
                    signatoryName: typed.signatoryName,
                    signatoryPosition: typed.signatoryPosition,
                  },
                })
              : me.api.POST('/api/v1/awards/{id}/decline', {
                  params: { path: { id } },
                  headers,
                  body: { reason: typed.reason },
                }),
          );
          return await reply.redirect(`/awards/${encodeURIComponent(id)}/${answer.confirmed}`, 303);
        } catch (error) {
          const problems = formProblems(error, fields);
          if (!problems) {
            throw error;
          }
          const award = await readAward(me, id);
          const refusal = error instanceof ApiProblem ? error.status : 400;
          if ((refusal === 409 || refusal === 412) && answer.done(award, typed)) {
            return reply.redirect(`/awards/${encodeURIComponent(id)}/${answer.confirmed}`, 303);
          }
          const stale = error instanceof ApiProblem && error.code === 'version-mismatch';
          return showForm(
            portal,
            reply,
            me,
            answer,
            award,
            typed,
            stale ? STALE : problems,
            refusal,
          );
        }
      }),
    );

    pages.get<{ Params: { id: string } }>(
      `/awards/:id/${answer.confirmed}`,
      forSignedIn(portal, async (me, request, reply) => {
        const award = await readAward(me, request.params.id);
        const answered =
          answer.verb === 'accept'
            ? ['accepted', 'active'].includes(award.status)
            : award.status === 'declined';
        if (!answered) {
          return reply.redirect(`/awards/${encodeURIComponent(award.id)}`, 303);
        }
        return sendPage(
          portal,
          reply,
          `award-${answer.confirmed}`,
          frame(reply, `${award.reference}: offer ${answer.confirmed}`, me.session, {
            section: 'awards',
          }),
          { award: shownAward(award, me) },
        );
      }),
    );
  }
}

// The confirm page, or the award's own page when its offer can no longer be answered by this
// person (already answered, lapsed, or staff reading it). A refused form keeps what was typed.
async function showForm(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  answer: Answer,
  award: Award,
  typed: Record<string, string>,
  problems?: FieldProblem[],
  status = 400,
): Promise<FastifyReply> {
  const shown = shownAward(award, me);
  if (!problems && !shown.answerable) {
    return reply.redirect(`/awards/${encodeURIComponent(award.id)}`, 303);
  }
  const verb = answer.verb === 'accept' ? 'Accept' : 'Decline';
  return sendPage(
    portal,
    reply,
    `award-${answer.verb}`,
    frame(reply, `${verb} the grant offer for ${award.reference}`, me.session, {
      section: 'awards',
      problems,
    }),
    { award: shown, values: typed, version: award.version },
    status,
  );
}
