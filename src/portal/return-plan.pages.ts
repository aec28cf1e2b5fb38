import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  forSignedIn,
  formValue,
  frame,
  type Portal,
  sendPage,
  type SignedIn,
} from './portal-request';
import { formatUkDate } from '../common/london-time';
import type { FieldProblem } from './portal-views';
import {
  readReturn,
  type Return,
  saveDraft,
  shown,
  STALE,
  MILESTONE_STATUS_TEXT,
  RAG_TEXT,
  writingReturn,
} from './return-display';
import {
  type PlanContext,
  planContext,
  type PlanValues,
  planValues,
  readPlan,
} from './return-plan-form';

type Params = { Params: { id: string }; Querystring: { saved?: string } };

const TITLE = 'Milestones, risks and forecast';
const options = (texts: Record<string, string>, chosen: string) =>
  Object.entries(texts).map(([value, text]) => ({ value, text, selected: value === chosen }));

// The return's second page, between its answers and its evidence: the bid's milestones, the
// risks to delivery (a row more each time "Add another risk" saves), and the spend forecast.
async function planPage(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  found: Return,
  context: PlanContext,
  state: { saved?: boolean; typed?: PlanValues; problems?: FieldProblem[]; status?: number } = {},
): Promise<FastifyReply> {
  const values = state.typed ?? planValues(found, context);
  const deliveryReturn = shown(found);
  return sendPage(
    portal,
    reply,
    'return-plan',
    frame(reply, `${TITLE}: return for ${deliveryReturn.quarterName}`, me.session, {
      section: 'returns',
      problems: state.problems?.length ? state.problems : undefined,
    }),
    {
      deliveryReturn,
      saved: state.saved === true && !state.problems,
      version: found.version,
      milestones: values.milestones.map((m, index) => ({
        ...m,
        index,
        dueText: m.dueOn ? `Due ${formatUkDate(m.dueOn)}` : undefined,
        statuses: options(MILESTONE_STATUS_TEXT, m.status),
        rags: options(RAG_TEXT, m.rag),
      })),
      risks: values.risks.map((risk, index) => ({
        ...risk,
        index,
        number: index + 1,
        rags: options(RAG_TEXT, risk.rag),
      })),
      forecast: context.forecast.map((cell) => ({
        ...cell,
        value: values.forecast[cell.id] ?? '',
      })),
    },
    state.status ?? 200,
  );
}

export function returnPlanPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.get<Params>(
    '/returns/:id/plan',
    forSignedIn(portal, async (me, request, reply) => {
      const found = await readReturn(me, request.params.id);
      if (!writingReturn(me, found)) {
        return reply.redirect(`/returns/${encodeURIComponent(found.id)}`, 303);
      }
      return planPage(portal, reply, me, found, await planContext(me, found), {
        saved: request.query.saved === '1',
      });
    }),
  );

  pages.post<Params>(
    '/returns/:id/plan',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const found = await readReturn(me, id);
      if (!writingReturn(me, found)) {
        return reply.redirect(`/returns/${encodeURIComponent(id)}`, 303);
      }
      const context = await planContext(me, found);
      const form = readPlan(request.body, context);
      if (form.problems.length > 0) {
        return planPage(portal, reply, me, found, context, {
          typed: form.values,
          problems: form.problems,
          status: 400,
        });
      }
      const saved = await saveDraft(me, id, request.body, form.changes, form.fieldOf);
      if (saved.outcome === 'stale') {
        return planPage(portal, reply, me, saved.current, await planContext(me, saved.current), {
          problems: [{ field: '', message: STALE }],
          status: 409,
        });
      }
      if (saved.outcome === 'sent') {
        return reply.redirect(`/returns/${encodeURIComponent(id)}`, 303);
      }
      if (saved.outcome === 'refused') {
        return planPage(portal, reply, me, found, context, {
          typed: form.values,
          problems: saved.problems.map((problem) => ({
            ...problem,
            message: aboutRow(problem.field, problem.message),
          })),
          status: 400,
        });
      }
      const then = formValue(request.body, 'then');
      const base = `/returns/${encodeURIComponent(id)}`;
      return reply.redirect(
        then === 'continue'
          ? `${base}/evidence`
          : then === 'another'
            ? `${base}/plan#risk-${form.keptRisks}-description`
            : `${base}/plan?saved=1`,
        303,
      );
    }),
  );
}

// The API names a row's field by its place in the list sent; the page says which row it means.
function aboutRow(field: string, message: string): string {
  const row = /^(milestone|risk)-(\d+)-/.exec(field);
  if (!row) {
    return message;
  }
  return `${row[1] === 'risk' ? 'Risk' : 'Milestone'} ${Number(row[2]) + 1}: ${message}`;
}
