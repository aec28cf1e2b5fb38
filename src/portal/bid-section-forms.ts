import { penceFromPounds } from '../common/money';
import { formValue } from './portal-request';
import type { FieldProblem } from './portal-views';
import { COSTS, MATCH_FUNDING } from './bid-money-forms';
import {
  BAD_AMOUNT,
  type BidChanges,
  blank,
  BLANK_ROWS,
  listOf,
  poundsField,
  rowField,
  rowsOf,
  type Section,
} from './bid-section-kit';

// The bid's sections after "About your project" (bids.pages.ts), each a form of its own.

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
      const cost = penceFromPounds(String(row.cost));
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

export const SECTIONS: Section[] = [
  AREA,
  CRIME,
  INTERVENTIONS,
  COSTS,
  MATCH_FUNDING,
  PARTNERS,
  DELIVERY,
];
