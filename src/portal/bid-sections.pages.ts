import { ApiProblem, expectOk, type Schemas } from '@safer-streets-grants/client';
import type { FastifyInstance } from 'fastify';
import { formatPounds, parsePounds, plainPounds } from '../common/money';
import { financialYearsBetween } from '../rounds/financial-year';
import type { FieldProblem } from './portal-views';
import {
  formProblems,
  formValue,
  frame,
  type Portal,
  sendPage,
  signedIn,
  type SignedIn,
} from './portal-request';

type Bid = Schemas['BidDto'];
type Round = Schemas['RoundDto'];
type BidChanges = Schemas['UpdateBidDto'];
type Values = Record<string, unknown>;

// What a form sent, read: the values as typed (kept when refused), the change to send to the
// API, the refusals found before asking it, and where each of the API's field names is shown.
interface ReadForm {
  values: Values;
  changes: BidChanges;
  problems: FieldProblem[];
  fieldOf: (apiField: string) => string | undefined;
}

// One section page of a draft bid: GET shows its form filled with the bid's answers; POST sends
// them with the version the form was built from and goes back to the task list (or, with
// "stay", to the same page, e.g. to see the totals or add another row).
interface Section {
  slug: string;
  heading: string;
  // The field a message about the whole form (someone else's change) is shown against.
  firstField: string;
  valuesOf(bid: Bid, round: Round): Values;
  read(body: unknown, round: Round): ReadForm;
  // What the page shows besides its values (totals, the round's lists).
  more?(bid: Bid, round: Round, values: Values): Values;
}

const STALE =
  'Someone else changed this bid after you opened this page. Its current answers are shown: check them, make your change again and save.';
const BAD_AMOUNT = 'Enter an amount in pounds, like 12500 or 12,500.50';
const BLANK_ROWS = 1;

// The bid's sections after "About your project": the area, the crime problem, interventions,
// costs and match funding.
export function bidSectionPages(portal: Portal, pages: FastifyInstance): void {
  const protect = { preHandler: pages.csrfProtection.bind(pages) };
  for (const section of SECTIONS) {
    const page = `bid-${section.slug}`;
    const show = (
      reply: Parameters<typeof sendPage>[1],
      me: SignedIn,
      bid: Bid,
      round: Round,
      values: Values,
      problems?: FieldProblem[],
      status = 200,
    ) =>
      sendPage(
        portal,
        reply,
        page,
        frame(reply, section.heading, me.session, { section: 'bids', problems }),
        {
          bid,
          heading: section.heading,
          values,
          version: bid.version,
          ...section.more?.(bid, round, values),
        },
        status,
      );

    pages.get<{ Params: { id: string } }>(`/bids/:id/${section.slug}`, async (request, reply) => {
      const me = await signedIn(portal, request, reply);
      if (!me) {
        return reply;
      }
      const { bid, round } = await bidAndRound(me, request.params.id);
      return show(reply, me, bid, round, section.valuesOf(bid, round));
    });

    pages.post<{ Params: { id: string } }>(
      `/bids/:id/${section.slug}`,
      protect,
      async (request, reply) => {
        const me = await signedIn(portal, request, reply);
        if (!me) {
          return reply;
        }
        const id = request.params.id;
        const { round } = await bidAndRound(me, id);
        const form = section.read(request.body, round);
        const version = formValue(request.body, 'version');
        const stay = formValue(request.body, 'then') === 'stay';
        let problems = form.problems;
        let stale = false;
        if (problems.length === 0) {
          try {
            await expectOk(
              me.api.PATCH('/api/v1/bids/{id}', {
                params: { path: { id } },
                body: form.changes,
                // The version the form was made from: someone else's change since is refused.
                headers: /^\d+$/.test(version) ? { 'if-match': `"${version}"` } : {},
              }),
            );
            const back = `/bids/${encodeURIComponent(id)}${stay ? `/${section.slug}` : ''}`;
            return await reply.redirect(back, 303);
          } catch (error) {
            stale = error instanceof ApiProblem && error.status === 412;
            const refused = stale
              ? [{ field: section.firstField, message: STALE }]
              : formProblems(error, form.fieldOf);
            if (!refused) {
              throw error;
            }
            problems = refused;
          }
        }
        const { bid } = await bidAndRound(me, id);
        // A stale form shows what the bid holds now; a refused one keeps what was typed.
        const values = stale ? section.valuesOf(bid, round) : form.values;
        return show(reply, me, bid, round, values, problems, stale ? 409 : 400);
      },
    );
  }
}

async function bidAndRound(me: SignedIn, id: string): Promise<{ bid: Bid; round: Round }> {
  const bid = await expectOk(me.api.GET('/api/v1/bids/{id}', { params: { path: { id } } }));
  const round = await expectOk(
    me.api.GET('/api/v1/rounds/{id}', { params: { path: { id: bid.roundId } } }),
  );
  return { bid, round };
}

// Pence as a form field shows them: plain pounds, without pennies when there are none.
function poundsField(pence: number): string {
  return plainPounds(pence).replace(/\.00$/, '');
}

// Rows of a repeated group as typed (`<prefix>-<row>-<name>`): at most `max`.
function rowsOf(body: unknown, prefix: string, names: readonly string[], max = 50): Values[] {
  const rows: Values[] = [];
  for (let row = 0; row < max; row++) {
    if (!Object.keys((body as object) ?? {}).some((key) => key.startsWith(`${prefix}-${row}-`))) {
      break;
    }
    rows.push(
      Object.fromEntries(
        names.map((name) => [name, formValue(body, `${prefix}-${row}-${name}`).trim()]),
      ),
    );
  }
  return rows;
}

const blank = (row: Values) => Object.values(row).every((value) => value === '');

// A list of codes typed one a line or separated by commas.
const listOf = (text: string, upper = false) =>
  text
    .split(/[\n,]+/)
    .map((item) => (upper ? item.trim().toUpperCase() : item.trim()))
    .filter((item) => item !== '');

// The API's name of a field of a row (`interventions.2.costPence`) to the page's field id.
function rowField(
  list: string,
  keptRows: number[],
  prefix: string,
  names: Record<string, string>,
): (apiField: string) => string | undefined {
  return (apiField) => {
    const match = new RegExp(`^${list}\\.(\\d+)(?:\\.(\\w+))?`).exec(apiField);
    if (!match) {
      return apiField === list ? `${prefix}-0-${Object.values(names)[0]}` : undefined;
    }
    const row = keptRows[Number(match[1])] ?? 0;
    return `${prefix}-${row}-${names[match[2] ?? ''] ?? Object.values(names)[0]}`;
  };
}

const AREA: Section = {
  slug: 'area',
  heading: 'The area',
  firstField: 'lsoas',
  valuesOf: (bid) => ({ lsoas: (bid.targetLsoas ?? []).join('\n') }),
  read(body) {
    const lsoas = formValue(body, 'lsoas');
    return {
      values: { lsoas },
      changes: { targetLsoas: listOf(lsoas, true) },
      problems: [],
      fieldOf: (apiField) => (apiField.startsWith('targetLsoas') ? 'lsoas' : undefined),
    };
  },
};

const CRIME: Section = {
  slug: 'crime',
  heading: 'The crime problem',
  firstField: 'problemProfile',
  valuesOf: (bid) => ({
    problemProfile: bid.problemProfile,
    primaryCrimeType: bid.primaryCrimeType ?? '',
    secondaryCrimeTypes: (bid.secondaryCrimeTypes ?? []).join(', '),
    theoryOfChange: bid.theoryOfChange,
  }),
  read(body) {
    const values = Object.fromEntries(
      ['problemProfile', 'primaryCrimeType', 'secondaryCrimeTypes', 'theoryOfChange'].map(
        (name) => [name, formValue(body, name).trim()],
      ),
    ) as Record<string, string>;
    return {
      values,
      changes: {
        problemProfile: values.problemProfile,
        primaryCrimeType: values.primaryCrimeType === '' ? null : values.primaryCrimeType,
        secondaryCrimeTypes: listOf(values.secondaryCrimeTypes),
        theoryOfChange: values.theoryOfChange,
      },
      problems: [],
      fieldOf: (apiField) => apiField.split('.')[0],
    };
  },
  more: (_bid, round) => ({ crimeFocus: round.crimeFocus.join(', ') }),
};

const INTERVENTION_FIELDS = {
  category: 'category',
  type: 'type',
  description: 'description',
  evidence: 'evidence',
  costPence: 'cost',
  outputMeasure: 'measure',
  outputTarget: 'target',
} as const;

const INTERVENTIONS: Section = {
  slug: 'interventions',
  heading: 'Interventions',
  firstField: 'intervention-0-category',
  valuesOf: (bid) => ({
    rows: [
      ...(bid.interventions ?? []).map((item) => ({
        category: item.category,
        type: item.type,
        description: item.description,
        evidence: item.evidence,
        cost: poundsField(item.costPence),
        measure: item.outputMeasure ?? '',
        target: item.outputTarget === null ? '' : String(item.outputTarget),
      })),
      ...Array.from({ length: BLANK_ROWS }, () => ({})),
    ],
  }),
  read(body) {
    const rows = rowsOf(body, 'intervention', Object.values(INTERVENTION_FIELDS));
    const problems: FieldProblem[] = [];
    const kept: number[] = [];
    const interventions: NonNullable<BidChanges['interventions']> = [];
    rows.forEach((row, index) => {
      if (blank(row)) {
        return;
      }
      const cost = parsePounds(String(row.cost));
      if (cost === undefined) {
        problems.push({ field: `intervention-${index}-cost`, message: BAD_AMOUNT });
      }
      const target = String(row.target);
      if (target !== '' && !/^\d+$/.test(target)) {
        problems.push({
          field: `intervention-${index}-target`,
          message: 'Enter the target as a whole number, like 40',
        });
      }
      kept.push(index);
      interventions.push({
        category: String(row.category),
        type: String(row.type),
        description: String(row.description),
        evidence: String(row.evidence),
        costPence: cost ?? 0,
        outputMeasure: row.measure === '' ? null : String(row.measure),
        outputTarget: target === '' ? null : Number(target),
      });
    });
    return {
      values: { rows },
      changes: { interventions },
      problems,
      fieldOf: rowField('interventions', kept, 'intervention', INTERVENTION_FIELDS),
    };
  },
  more: (_bid, round) => ({
    taxonomy: round.interventionTaxonomy.map((c) => `${c.category}: ${c.types.join(', ')}`),
  }),
};

const COST_KINDS = ['capital', 'revenue'] as const;
const costLabel = (kind: string, year: string) =>
  `${kind === 'capital' ? 'Capital' : 'Revenue'} costs in ${year}`;
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const cellId = (year: string, kind: string) => `cost-${year.replace('/', '-')}-${kind}`;

// The round's financial years: those its delivery period touches, as the API checks them.
const roundYears = (round: Round) =>
  financialYearsBetween(round.deliveryStartsOn, round.deliveryEndsOn);

const COSTS: Section = {
  slug: 'costs',
  heading: 'Costs',
  firstField: '',
  valuesOf: (bid, round) => {
    const values: Values = {};
    for (const year of roundYears(round)) {
      for (const kind of COST_KINDS) {
        const line = (bid.costLines ?? []).find((l) => l.financialYear === year && l.kind === kind);
        values[cellId(year, kind)] = line ? poundsField(line.amountPence) : '';
      }
    }
    return values;
  },
  read(body, round) {
    const values: Values = {};
    const problems: FieldProblem[] = [];
    const lineCells: string[] = [];
    const costLines: NonNullable<BidChanges['costLines']> = [];
    for (const year of roundYears(round)) {
      for (const kind of COST_KINDS) {
        const id = cellId(year, kind);
        const typed = formValue(body, id).trim();
        values[id] = typed;
        if (typed === '') {
          continue;
        }
        const pence = parsePounds(typed);
        if (pence === undefined) {
          problems.push({
            field: id,
            message: `${costLabel(kind, year)}: ${lowerFirst(BAD_AMOUNT)}`,
          });
        } else if (pence > 0) {
          lineCells.push(id);
          costLines.push({ financialYear: year, kind, amountPence: pence });
        }
      }
    }
    return {
      values,
      changes: { costLines },
      problems,
      fieldOf: (apiField) => {
        const match = /^costLines\.(\d+)/.exec(apiField);
        return match ? lineCells[Number(match[1])] : undefined;
      },
    };
  },
  more: (bid, round) => costTotals(bid, round),
};

// The saved costs added up by year and by kind, and how they stand against the round's caps.
function costTotals(bid: Bid, round: Round): Values {
  const lines = bid.costLines ?? [];
  const sum = (lines: NonNullable<Bid['costLines']>) =>
    lines.reduce((total, l) => total + l.amountPence, 0);
  const requested = sum(lines);
  const cap = round.capPerBidPence;
  return {
    cap: formatPounds(cap),
    capPence: cap,
    requested: formatPounds(requested),
    capLeft: requested <= cap ? formatPounds(cap - requested) : undefined,
    capOver: requested > cap ? formatPounds(requested - cap) : undefined,
    kindTotals: COST_KINDS.map((kind) => ({
      kind,
      total: formatPounds(sum(lines.filter((l) => l.kind === kind))),
    })),
    years: roundYears(round).map((year) => {
      const inYear = lines.filter((l) => l.financialYear === year);
      const yearCap = round.yearCaps.find((c) => c.financialYear === year);
      return {
        year,
        cells: COST_KINDS.map((kind) => ({
          kind,
          id: cellId(year, kind),
          label: costLabel(kind, year),
        })),
        total: formatPounds(sum(inYear)),
        cap: yearCap ? formatPounds(yearCap.capPence) : undefined,
        capPence: yearCap?.capPence,
      };
    }),
  };
}

const MATCH_FIELDS = { source: 'source', kind: 'kind', amountPence: 'amount' } as const;

const MATCH_FUNDING: Section = {
  slug: 'match-funding',
  heading: 'Match funding',
  firstField: 'match-0-source',
  valuesOf: (bid) => ({
    rows: [
      ...(bid.matchFunding ?? []).map((line) => ({
        source: line.source,
        kind: line.kind,
        amount: poundsField(line.amountPence),
      })),
      ...Array.from({ length: BLANK_ROWS }, () => ({ kind: 'cash' })),
    ],
  }),
  read(body) {
    // A row left with only its kind chosen is blank.
    const rows = rowsOf(body, 'match', Object.values(MATCH_FIELDS));
    const problems: FieldProblem[] = [];
    const kept: number[] = [];
    const matchFunding: NonNullable<BidChanges['matchFunding']> = [];
    rows.forEach((row, index) => {
      if (row.source === '' && row.amount === '') {
        return;
      }
      const pence = parsePounds(String(row.amount));
      if (pence === undefined) {
        problems.push({ field: `match-${index}-amount`, message: BAD_AMOUNT });
      }
      kept.push(index);
      matchFunding.push({
        source: String(row.source),
        kind: row.kind === 'in_kind' ? 'in_kind' : 'cash',
        amountPence: pence ?? 0,
      });
    });
    return {
      values: { rows },
      changes: { matchFunding },
      problems,
      fieldOf: rowField('matchFunding', kept, 'match', MATCH_FIELDS),
    };
  },
  more: (bid) => ({
    total: formatPounds(bid.matchFundingPence),
    requested: formatPounds(bid.requestedPence),
  }),
};

const PARTNER_FIELDS = { name: 'name', role: 'role' } as const;

const PARTNERS: Section = {
  slug: 'partners',
  heading: 'Partners and consultation',
  firstField: 'partner-0-name',
  valuesOf: (bid) => ({
    rows: [...(bid.partners ?? []), ...Array.from({ length: BLANK_ROWS }, () => ({}))],
    consultation: bid.consultation,
  }),
  read(body) {
    const rows = rowsOf(body, 'partner', Object.values(PARTNER_FIELDS));
    const kept: number[] = [];
    const partners: NonNullable<BidChanges['partners']> = [];
    rows.forEach((row, index) => {
      if (!blank(row)) {
        kept.push(index);
        partners.push({ name: String(row.name), role: String(row.role) });
      }
    });
    const consultation = formValue(body, 'consultation').trim();
    const partnerField = rowField('partners', kept, 'partner', PARTNER_FIELDS);
    return {
      values: { rows, consultation },
      changes: { partners, consultation },
      problems: [],
      fieldOf: (apiField) =>
        apiField === 'consultation' ? 'consultation' : partnerField(apiField),
    };
  },
};

const MILESTONE_FIELDS = { title: 'title', dueOn: 'day' } as const;
const RISK_FIELDS = { description: 'description', mitigation: 'mitigation' } as const;

const DELIVERY: Section = {
  slug: 'delivery',
  heading: 'Delivery plan',
  firstField: 'milestone-0-title',
  valuesOf: (bid) => ({
    milestones: [
      ...(bid.milestones ?? []).map((m) => ({
        title: m.title,
        day: String(Number(m.dueOn.slice(8, 10))),
        month: String(Number(m.dueOn.slice(5, 7))),
        year: m.dueOn.slice(0, 4),
      })),
      ...Array.from({ length: BLANK_ROWS }, () => ({})),
    ],
    risks: [...(bid.risks ?? []), ...Array.from({ length: BLANK_ROWS }, () => ({}))],
    evaluationApproach: bid.evaluationApproach,
  }),
  read(body) {
    const milestoneRows = rowsOf(body, 'milestone', ['title', 'day', 'month', 'year']);
    const riskRows = rowsOf(body, 'risk', Object.values(RISK_FIELDS));
    const problems: FieldProblem[] = [];
    const keptMilestones: number[] = [];
    const milestones: NonNullable<BidChanges['milestones']> = [];
    milestoneRows.forEach((row, index) => {
      if (blank(row)) {
        return;
      }
      const [day, month, year] = [row.day, row.month, row.year].map(String);
      const dueOn = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
      const date = new Date(`${dueOn}T00:00:00Z`);
      if (
        !/^\d{4}-\d{2}-\d{2}$/.test(dueOn) ||
        Number.isNaN(date.getTime()) ||
        date.toISOString().slice(0, 10) !== dueOn
      ) {
        problems.push({
          field: `milestone-${index}-day`,
          message: `Enter the date milestone ${index + 1} is due as a real date, like 30 11 2027`,
        });
      }
      keptMilestones.push(index);
      milestones.push({ title: String(row.title), dueOn });
    });
    const keptRisks: number[] = [];
    const risks: NonNullable<BidChanges['risks']> = [];
    riskRows.forEach((row, index) => {
      if (!blank(row)) {
        keptRisks.push(index);
        risks.push({ description: String(row.description), mitigation: String(row.mitigation) });
      }
    });
    const evaluationApproach = formValue(body, 'evaluationApproach').trim();
    const milestoneField = rowField('milestones', keptMilestones, 'milestone', MILESTONE_FIELDS);
    const riskField = rowField('risks', keptRisks, 'risk', RISK_FIELDS);
    return {
      values: { milestones: milestoneRows, risks: riskRows, evaluationApproach },
      changes: { milestones, risks, evaluationApproach },
      problems,
      fieldOf: (apiField) =>
        apiField === 'evaluationApproach'
          ? 'evaluationApproach'
          : (milestoneField(apiField) ?? riskField(apiField)),
    };
  },
  more: (_bid, round) => ({
    deliveryStartsOn: round.deliveryStartsOn,
    deliveryEndsOn: round.deliveryEndsOn,
  }),
};

const SECTIONS: Section[] = [AREA, CRIME, INTERVENTIONS, COSTS, MATCH_FUNDING, PARTNERS, DELIVERY];
