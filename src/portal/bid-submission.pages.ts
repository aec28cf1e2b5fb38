import { randomUUID } from 'node:crypto';
import { ApiProblem, expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { formatPounds } from '../common/money';
import { shownDocument } from './document-uploads';
import {
  frame,
  type Portal,
  sendPage,
  type SignedIn,
  forSignedIn,
  idempotencyKeyOf,
  ifMatchOf,
} from './portal-request';
import { isOwnBid } from './bids.pages';
import type { FieldProblem } from './portal-views';

type Bid = Schemas['BidDto'];
type Params = { Params: { id: string } };

// Where a bidder fixes what a rule of the round found: the task list's section pages
// (/bids/{id}/<section>), or the bid itself when no one section holds the answer.
const RULE_SECTION: Record<string, string> = {
  'cost-lines': 'costs',
  'cap-per-bid': 'costs',
  'year-cap': 'costs',
  'cost-line-year': 'costs',
  'match-funding': 'match-funding',
  interventions: 'interventions',
  'intervention-costs': 'interventions',
};

// Checking a whole bid against the round's rules, submitting it, and its receipt.
export function bidSubmissionPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get<Params>(
    '/bids/:id/check',
    forSignedIn(portal, async (me, request, reply) => {
      return checkPage(portal, reply, me, request.params.id);
    }),
  );

  pages.post<Params>(
    '/bids/:id/submit',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      try {
        await expectOk(
          me.api.POST('/api/v1/bids/{id}/submit', {
            params: { path: { id } },
            headers: {
              // The version the bidder checked: a bid changed since is not submitted (412).
              ...ifMatchOf(request.body),
              // The same form sent twice is one submission.
              ...idempotencyKeyOf(request.body, 'submitKey'),
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ApiProblem) || error.status >= 500 || error.status === 401) {
          throw error;
        }
        if (error.status === 404 || error.status === 403) {
          throw error;
        }
        const problems: FieldProblem[] =
          error.status === 412
            ? [
                {
                  field: '',
                  message:
                    'Someone changed this bid after you opened this page, so it was not submitted. Check its answers below again, then submit.',
                },
              ]
            : [
                { field: '', message: error.message },
                ...(error.problem?.errors ?? [])
                  .filter((fieldError) => fieldError.message !== error.message)
                  .map((fieldError) => ({ field: '', message: fieldError.message })),
              ];
        return checkPage(portal, reply, me, id, problems);
      }
      return reply.redirect(`/bids/${encodeURIComponent(id)}/submitted`, 303);
    }),
  );

  pages.get<Params>(
    '/bids/:id/submitted',
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const bid = await expectOk(me.api.GET('/api/v1/bids/{id}', { params: { path: { id } } }));
      if (!isOwnBid(me.session.user, bid)) {
        // The receipt is the bidder's: whoever else may read the bid has none.
        throw new ApiProblem(404, undefined);
      }
      if (!bid.submittedAt) {
        return reply.redirect(`/bids/${encodeURIComponent(id)}/check`, 303);
      }
      const documents = await expectOk(
        me.api.GET('/api/v1/bids/{id}/documents', { params: { path: { id } } }),
      );
      return sendPage(
        portal,
        reply,
        'bid-submitted',
        frame(reply, 'Bid submitted', me.session, { section: 'bids' }),
        {
          bid: {
            ...bid,
            requested: formatPounds(bid.requestedPence),
            matchFunding: formatPounds(bid.matchFundingPence),
            costLines: costLinesShown(bid),
            interventions: (bid.interventions ?? []).map((intervention) => ({
              ...intervention,
              cost: formatPounds(intervention.costPence),
            })),
            awaitingEndorsement: bid.endorsement.state === 'awaiting',
          },
          documents: documents.items.map(shownDocument),
        },
      );
    }),
  );
}

async function checkPage(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  id: string,
  problems?: FieldProblem[],
): Promise<FastifyReply> {
  const bid = await expectOk(me.api.GET('/api/v1/bids/{id}', { params: { path: { id } } }));
  if (bid.status !== 'draft') {
    return reply.redirect(
      `/bids/${encodeURIComponent(id)}${bid.submittedAt ? '/submitted' : ''}`,
      303,
    );
  }
  const [eligibility, documents] = await Promise.all([
    expectOk(me.api.GET('/api/v1/bids/{id}/eligibility', { params: { path: { id } } })),
    expectOk(me.api.GET('/api/v1/bids/{id}/documents', { params: { path: { id } } })),
  ]);
  const base = `/bids/${bid.id}`;
  const toFix = eligibility.failures.map((failure) => ({
    message: sentence(failure.message),
    href: RULE_SECTION[failure.rule] ? `${base}/${RULE_SECTION[failure.rule]}` : base,
  }));
  if (!eligibility.windowOpen) {
    toFix.push({
      message: `The round is not taking bids now (it closes ${eligibility.closesAtUkTime}).`,
      href: base,
    });
  }
  for (const document of documents.items.filter((d) => d.scanStatus !== 'clean')) {
    toFix.push({
      message:
        document.scanStatus === 'pending'
          ? `${document.fileName} is still waiting for its virus scan: wait a minute and reload this page.`
          : `${document.fileName} contains a virus: remove it.`,
      href: `${base}/documents`,
    });
  }
  return sendPage(
    portal,
    reply,
    'bid-check',
    frame(reply, 'Check your bid before submitting it', me.session, {
      section: 'bids',
      problems,
    }),
    {
      bid,
      sections: answerSections(bid),
      documents: documents.items.map(shownDocument),
      toFix,
      ready: toFix.length === 0,
      closes: eligibility.closesAtUkTime,
      version: bid.version,
      submitKey: randomUUID(),
    },
    problems ? 409 : 200,
  );
}

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

function costLinesShown(bid: Bid) {
  return (bid.costLines ?? []).map((line) => ({
    text: `${line.financialYear} ${line.kind}: ${formatPounds(line.amountPence)}`,
  }));
}

const orNone = (values: string[]) => (values.length > 0 ? values : ['None given']);
const given = (value: string | null | undefined) =>
  value && value.trim() !== '' ? value : 'Not given';

// The whole bid as GOV.UK "check answers" summary lists, one per section, with where to
// change each answer.
function answerSections(bid: Bid) {
  const base = `/bids/${bid.id}`;
  const row = (key: string, values: string[], section: string) => ({
    key,
    keyLower: key.toLowerCase(),
    values,
    href: `${base}/${section}`,
  });
  return [
    {
      heading: 'About your project',
      rows: [
        row('Name of your project', [bid.title], 'about'),
        row('Summary', [given(bid.summary)], 'about'),
      ],
    },
    {
      heading: 'The area and the crime problem',
      rows: [
        row('Areas (LSOAs)', orNone(bid.targetLsoas ?? []), 'area'),
        row('Main crime type', [given(bid.primaryCrimeType)], 'crime'),
        row('Other crime types', orNone(bid.secondaryCrimeTypes ?? []), 'crime'),
        row('Problem profile', [given(bid.problemProfile)], 'crime'),
        row('Theory of change', [given(bid.theoryOfChange)], 'crime'),
      ],
    },
    {
      heading: 'Interventions and money',
      rows: [
        row(
          'Interventions',
          orNone(
            (bid.interventions ?? []).map(
              (i) => `${i.type} (${i.category}): ${formatPounds(i.costPence)}. ${i.description}`,
            ),
          ),
          'interventions',
        ),
        row('Asking for', [formatPounds(bid.requestedPence)], 'costs'),
        row('Costs by financial year', orNone(costLinesShown(bid).map((l) => l.text)), 'costs'),
        row(
          'Match funding',
          orNone(
            (bid.matchFunding ?? []).map(
              (m) => `${m.source} (${m.kind}): ${formatPounds(m.amountPence)}`,
            ),
          ),
          'match-funding',
        ),
      ],
    },
    {
      heading: 'Delivery',
      rows: [
        row('Partners', orNone((bid.partners ?? []).map((p) => `${p.name}: ${p.role}`)), ''),
        row('Consultation', [given(bid.consultation)], ''),
        row(
          'Milestones',
          orNone((bid.milestones ?? []).map((m) => `${m.title} by ${m.dueOn}`)),
          '',
        ),
        row('Risks', orNone((bid.risks ?? []).map((r) => `${r.description}: ${r.mitigation}`)), ''),
        row('Evaluation', [given(bid.evaluationApproach)], ''),
      ],
    },
  ].map((section) => ({
    ...section,
    rows: section.rows.map((r) => ({ ...r, href: r.href.replace(/\/$/, '') })),
  }));
}
