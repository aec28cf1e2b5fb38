import { expectOk, type Schemas } from '@safer-streets-grants/client';
import { formatPounds, penceFromPounds } from '../common/money';
import { BAD_AMOUNT, blank, poundsField, rowField, rowsOf } from './bid-section-kit';
import { formValue, type SignedIn } from './portal-request';
import { formatUkDate } from '../common/london-time';
import type { FieldProblem } from './portal-views';
import {
  awardPosition,
  KIND_TEXT,
  MILESTONE_STATUS_TEXT,
  RAG_TEXT,
  type Return,
} from './return-display';

// The second page of a bidder's return: how each of the bid's milestones stands, the risks to
// delivery, and the spend expected in the award's quarters still to come. What it shows, how its
// form reads, and how the check page shows its answers.

type SaveBody = Schemas['SaveReturnDto'];
type Milestone = Schemas['ReturnMilestoneDto'];
type Values = Record<string, string>;

const MILESTONE_NAMES = ['status', 'rag', 'comment'] as const;
const RISK_FIELDS = { description: 'description', rag: 'rag', mitigation: 'mitigation' } as const;

// A later quarter's cell of money: its field id and how it reads.
export interface ForecastCell {
  id: string;
  financialYear: string;
  quarter: Schemas['ForecastLineDto']['quarter'];
  kind: 'capital' | 'revenue';
  label: string;
}

export interface PlanContext {
  // The bid's milestones, then any others the draft has (saved through the API), by title.
  milestones: { title: string; dueOn: string | null }[];
  forecast: ForecastCell[];
}

const cellId = (financialYear: string, quarter: number, kind: string) =>
  `forecast-${financialYear.replace('/', '-')}-q${quarter}-${kind}`;

// What the page asks about: the bid's milestones and the quarters after this one that the award
// has money for, by kind.
export async function planContext(me: SignedIn, found: Return): Promise<PlanContext> {
  const [position, award] = await Promise.all([
    awardPosition(me, found.awardId),
    expectOk(me.api.GET('/api/v1/awards/{id}', { params: { path: { id: found.awardId } } })),
  ]);
  const bid = await expectOk(
    me.api.GET('/api/v1/bids/{id}', { params: { path: { id: award.bidId } } }),
  );
  const milestones: PlanContext['milestones'] = (bid.milestones ?? []).map((m) => ({
    title: m.title,
    dueOn: m.dueOn,
  }));
  for (const saved of found.draft.milestones) {
    if (!milestones.some((m) => m.title === saved.title)) {
      milestones.push({ title: saved.title, dueOn: saved.dueOn ?? null });
    }
  }
  const forecast: ForecastCell[] = [];
  for (const later of position.schedule) {
    if (later.status === 'cancelled' || later.periodStartsOn <= found.periodStartsOn) {
      continue;
    }
    for (const kind of ['capital', 'revenue'] as const) {
      if (position.cells.some((c) => c.financialYear === later.financialYear && c.kind === kind)) {
        forecast.push({
          id: cellId(later.financialYear, later.quarter, kind),
          financialYear: later.financialYear,
          quarter: later.quarter,
          kind,
          label: `${KIND_TEXT[kind]} spend expected in Q${later.quarter} ${later.financialYear}`,
        });
      }
    }
  }
  return { milestones, forecast };
}

// The form's fields as the saved draft fills them: risks with one empty row to add another.
export function planValues(found: Return, context: PlanContext) {
  const milestones = context.milestones.map((m) => {
    const saved = found.draft.milestones.find((one) => one.title === m.title);
    return {
      title: m.title,
      dueOn: m.dueOn ?? '',
      status: saved?.status ?? '',
      rag: saved?.rag ?? '',
      comment: saved?.comment ?? '',
    };
  });
  const risks: Values[] = [
    ...found.draft.risks.map((risk) => ({ ...risk })),
    { description: '', rag: '', mitigation: '' },
  ];
  const forecast: Values = {};
  for (const line of found.draft.forecast) {
    forecast[cellId(line.financialYear, line.quarter, line.kind)] = poundsField(line.amountPence);
  }
  return { milestones, risks, forecast };
}
export type PlanValues = ReturnType<typeof planValues>;

// The typed form: kept as typed whatever happens, the draft's changes, the problems found
// before asking the API, and where each of the API's field names (`risks.1.mitigation`) is shown.
export function readPlan(body: unknown, context: PlanContext) {
  const problems: FieldProblem[] = [];
  const milestoneRows = rowsOf(body, 'milestone', MILESTONE_NAMES).slice(
    0,
    context.milestones.length,
  );
  const keptMilestones: number[] = [];
  const milestones: NonNullable<SaveBody['milestones']> = [];
  milestoneRows.forEach((row, index) => {
    const known = context.milestones[index];
    if (!row.status && !row.rag && !row.comment) {
      return;
    }
    if (!row.status) {
      problems.push({
        field: `milestone-${index}-status`,
        message: `Choose how ‘${known.title}’ stands`,
      });
    }
    if (!row.rag) {
      problems.push({
        field: `milestone-${index}-rag`,
        message: `Choose a red, amber or green rating for ‘${known.title}’`,
      });
    }
    keptMilestones.push(index);
    milestones.push({
      title: known.title,
      dueOn: known.dueOn,
      status: row.status as Milestone['status'],
      rag: row.rag as Milestone['rag'],
      comment: String(row.comment),
    });
  });
  const riskRows = rowsOf(body, 'risk', Object.values(RISK_FIELDS));
  const keptRisks: number[] = [];
  const risks: NonNullable<SaveBody['risks']> = [];
  riskRows.forEach((row, index) => {
    if (!blank(row)) {
      keptRisks.push(index);
      risks.push({
        description: String(row.description),
        rag: row.rag as Milestone['rag'],
        mitigation: String(row.mitigation),
      });
    }
  });
  const forecastValues: Values = {};
  const forecastCells: string[] = [];
  const forecast: NonNullable<SaveBody['forecast']> = [];
  for (const cell of context.forecast) {
    const text = (forecastValues[cell.id] = formValue(body, cell.id).trim());
    const pence = text === '' ? 0 : penceFromPounds(text);
    if (pence === undefined) {
      problems.push({ field: cell.id, message: `${cell.label}: ${BAD_AMOUNT.toLowerCase()}` });
    } else if (pence > 0) {
      forecastCells.push(cell.id);
      forecast.push({
        financialYear: cell.financialYear,
        quarter: cell.quarter,
        kind: cell.kind,
        amountPence: pence,
      });
    }
  }
  const milestoneField = rowField('milestones', keptMilestones, 'milestone', {
    status: 'status',
    rag: 'rag',
    comment: 'comment',
  });
  const riskField = rowField('risks', keptRisks, 'risk', RISK_FIELDS);
  const fieldOf = (apiField: string): string | undefined => {
    const line = /^forecast\.(\d+)/.exec(apiField);
    if (line) {
      return forecastCells[Number(line[1])];
    }
    return apiField.startsWith('risks') ? riskField(apiField) : milestoneField(apiField);
  };
  const typed = (index: number, name: (typeof MILESTONE_NAMES)[number]) => {
    const value = milestoneRows[index]?.[name];
    return typeof value === 'string' ? value : '';
  };
  const values: PlanValues = {
    milestones: context.milestones.map((m, index) => ({
      title: m.title,
      dueOn: m.dueOn ?? '',
      status: typed(index, 'status'),
      rag: typed(index, 'rag'),
      comment: typed(index, 'comment'),
    })),
    risks: riskRows.map((row) => ({
      description: String(row.description),
      rag: String(row.rag),
      mitigation: String(row.mitigation),
    })),
    forecast: forecastValues,
  };
  if (values.risks.length === 0 || !blank(values.risks.at(-1) ?? {})) {
    values.risks.push({ description: '', rag: '', mitigation: '' });
  }
  return {
    values,
    problems,
    changes: { milestones, risks, forecast } satisfies SaveBody,
    keptRisks: risks.length,
    fieldOf,
  };
}

// The plan's answers as the check page lists them.
export function planAnswers(content: Return['draft']) {
  return {
    milestones: content.milestones.map((m) => ({
      title: m.title,
      dueText: m.dueOn ? `Due ${formatUkDate(m.dueOn)}` : undefined,
      standing: `${MILESTONE_STATUS_TEXT[m.status]}, rated ${RAG_TEXT[m.rag].toLowerCase()}`,
      comment: m.comment,
    })),
    risks: content.risks.map((risk) => ({
      ...risk,
      ragText: RAG_TEXT[risk.rag],
    })),
    forecast: content.forecast.map((line) => ({
      name: `${KIND_TEXT[line.kind]} in Q${line.quarter} ${line.financialYear}`,
      amount: formatPounds(line.amountPence),
    })),
  };
}
