import { expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { penceFromPounds } from '../common/money';
import { BAD_AMOUNT, poundsField } from './bid-section-kit';
import { returnEvidencePages } from './return-evidence.pages';
import { returnPlanPages } from './return-plan.pages';
import { returnSubmissionPages } from './return-submission.pages';
import {
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
  listed,
  readReturn,
  type Return,
  shown,
  saveDraft,
  STALE,
  writingReturn,
} from './return-display';

type SaveBody = Schemas['SaveReturnDto'];
type Values = Record<string, string>;

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

// The bidder's own organisation's returns: those to send first, by due date (UK calendar).
export async function bidderReturnsList(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
): Promise<FastifyReply> {
  const list = await expectOk(
    me.api.GET('/api/v1/returns', { params: { query: { sort: 'dueOn', limit: 100 } } }),
  );
  const rows = list.items.map(listed);
  const toSend = rows.filter((row) => row.status === 'due' || row.status === 'changes_requested');
  return sendPage(
    portal,
    reply,
    'bidder-returns',
    frame(reply, 'Your quarterly returns', me.session, { section: 'returns' }),
    {
      toSend,
      others: rows.filter((row) => !toSend.includes(row)),
      more: list.total > list.items.length,
      listedCount: list.items.length,
      total: list.total,
    },
  );
}

// The return's form: what was spent by capital and revenue in the quarter's financial year, match
// funding, each intervention's outputs, the progress narrative and (when spend is off profile)
// why; with finance's comments above it when they sent it back.
export async function writeReturnPage(
  portal: Portal,
  reply: FastifyReply,
  me: SignedIn,
  found: Return,
  state: { saved?: boolean; typed?: Values; problems?: FieldProblem[]; status?: number } = {},
): Promise<FastifyReply> {
  const kinds = await awardKinds(me, found);
  const values = state.typed ?? valuesOf(found);
  const field = (id: string, label: string, hint?: string) => ({
    id,
    label,
    hint,
    value: values[id] ?? '',
  });
  const sentBack = found.status === 'changes_requested' ? shown(found).reviews.at(-1) : undefined;
  const deliveryReturn = shown(found);
  return sendPage(
    portal,
    reply,
    'return-form',
    frame(reply, `Quarterly return for ${deliveryReturn.quarterName}`, me.session, {
      section: 'returns',
      problems: state.problems?.length ? state.problems : undefined,
    }),
    {
      deliveryReturn,
      sentBack,
      saved: state.saved === true && !state.problems,
      version: found.version,
      spend: kinds.map((kind) =>
        field(
          `spend-${kind}`,
          `${KIND_TEXT[kind]} spend in the quarter`,
          `${found.financialYear} money only. In pounds, like 12,500.50; leave it empty if none`,
        ),
      ),
      matchFunding: field('matchFunding', 'Match funding spent in the quarter', 'In pounds'),
      outputs: found.outputs.map((output, index) =>
        field(
          `output-${index}`,
          `${output.type}: ${output.outputMeasure ?? 'outputs'} this quarter`,
          `A whole number. ${output.toDate} to date${output.outputTarget === null ? '' : ` of a target of ${output.outputTarget}`}`,
        ),
      ),
      narrative: field('narrative', 'Progress in the quarter', 'What was delivered, and how'),
      varianceExplanation: field(
        'varianceExplanation',
        'Why spend differs from the profile',
        `The quarter’s profile is ${deliveryReturn.variance.profile}. Needed when spend differs from it by more than ${found.variance.thresholdPercent}%`,
      ),
    },
    state.status ?? 200,
  );
}

// The bidder's pages for a return still with them: saving its form here, its evidence and its
// submission in their own files.
export function bidderReturnPages(portal: Portal, pages: FastifyInstance, maxBytes: number): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };

  pages.post<{ Params: { id: string } }>(
    '/returns/:id',
    protect,
    forSignedIn(portal, async (me, request, reply) => {
      const id = request.params.id;
      const found = await readReturn(me, id);
      if (!writingReturn(me, found)) {
        return reply.redirect(`/returns/${encodeURIComponent(id)}`, 303);
      }
      const kinds = await awardKinds(me, found);
      const form = readForm(request.body, found, kinds);
      if (form.problems.length > 0) {
        return writeReturnPage(portal, reply, me, found, {
          typed: form.values,
          problems: form.problems,
          status: 400,
        });
      }
      const saved = await saveDraft(me, id, request.body, form.changes, form.fieldOf);
      if (saved.outcome === 'stale') {
        return writeReturnPage(portal, reply, me, saved.current, {
          problems: [{ field: '', message: STALE }],
          status: 409,
        });
      }
      if (saved.outcome === 'sent') {
        return reply.redirect(`/returns/${encodeURIComponent(id)}`, 303);
      }
      if (saved.outcome === 'refused') {
        return writeReturnPage(portal, reply, me, found, {
          typed: form.values,
          problems: saved.problems,
          status: 400,
        });
      }
      const next = formValue(request.body, 'then') === 'continue' ? '/plan' : '?saved=1';
      return reply.redirect(`/returns/${encodeURIComponent(id)}${next}`, 303);
    }),
  );

  returnPlanPages(portal, pages);
  returnEvidencePages(portal, pages, maxBytes);
  returnSubmissionPages(portal, pages);
}

// The kinds of money (capital, revenue) the award has in the return's financial year.
async function awardKinds(me: SignedIn, found: Return): Promise<('capital' | 'revenue')[]> {
  const position = await awardPosition(me, found.awardId);
  const kinds = new Set(
    position.cells
      .filter((line) => line.financialYear === found.financialYear)
      .map((line) => line.kind),
  );
  return (['capital', 'revenue'] as const).filter((kind) => kinds.has(kind));
}

// The form's fields as the saved draft fills them.
function valuesOf(found: Return): Values {
  const values: Values = {
    matchFunding: found.draft.matchFundingSpentPence
      ? poundsField(found.draft.matchFundingSpentPence)
      : '',
    narrative: found.draft.narrative,
    varianceExplanation: found.draft.varianceExplanation ?? '',
  };
  for (const line of found.draft.spend) {
    values[`spend-${line.kind}`] = poundsField(line.amountPence);
  }
  found.outputs.forEach((output, index) => {
    values[`output-${index}`] = output.thisQuarter === null ? '' : String(output.thisQuarter);
  });
  return values;
}

// The typed form as the API's draft: what was typed (kept whatever happens), the changes to save,
// the problems found before asking the API, and which field each of the API's field names is.
function readForm(body: unknown, found: Return, kinds: ('capital' | 'revenue')[]) {
  const values: Values = {};
  const problems: FieldProblem[] = [];
  const typed = (id: string) => (values[id] = formValue(body, id).trim());
  const spendCells: string[] = [];
  const spend: NonNullable<SaveBody['spend']> = [];
  for (const kind of kinds) {
    const id = `spend-${kind}`;
    const text = typed(id);
    const pence = text === '' ? 0 : penceFromPounds(text);
    if (pence === undefined) {
      problems.push({ field: id, message: `${KIND_TEXT[kind]} spend: ${lowerFirst(BAD_AMOUNT)}` });
    } else if (pence > 0) {
      spendCells.push(id);
      spend.push({ financialYear: found.financialYear, kind, amountPence: pence });
    }
  }
  const matchText = typed('matchFunding');
  const matchFundingSpentPence = matchText === '' ? 0 : penceFromPounds(matchText);
  if (matchFundingSpentPence === undefined) {
    problems.push({ field: 'matchFunding', message: `Match funding: ${lowerFirst(BAD_AMOUNT)}` });
  }
  const outputCells: string[] = [];
  const outputs: NonNullable<SaveBody['outputs']> = [];
  found.outputs.forEach((output, index) => {
    const id = `output-${index}`;
    const text = typed(id);
    if (text === '') {
      return;
    }
    if (!/^\d{1,8}$/.test(text)) {
      problems.push({
        field: id,
        message: `Enter the ${output.outputMeasure ?? 'outputs'} of ${output.type} as a whole number, like 12`,
      });
      return;
    }
    outputCells.push(id);
    outputs.push({ interventionId: output.interventionId, achieved: Number(text) });
  });
  const narrative = formValue(body, 'narrative');
  const varianceExplanation = formValue(body, 'varianceExplanation');
  values.narrative = narrative;
  values.varianceExplanation = varianceExplanation;
  const changes: SaveBody = {
    spend,
    matchFundingSpentPence: matchFundingSpentPence ?? 0,
    outputs,
    narrative,
    varianceExplanation: varianceExplanation.trim() === '' ? null : varianceExplanation,
  };
  const fieldOf = (apiField: string): string | undefined => {
    const row = /^(spend|outputs)\.(\d+)/.exec(apiField);
    if (row) {
      return (row[1] === 'spend' ? spendCells : outputCells)[Number(row[2])];
    }
    const named: Record<string, string> = {
      matchFundingSpentPence: 'matchFunding',
      narrative: 'narrative',
      varianceExplanation: 'varianceExplanation',
    };
    return named[apiField];
  };
  return { values, problems, changes, fieldOf };
}
