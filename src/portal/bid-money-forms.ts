import { formatPounds, penceFromPounds } from '../common/money';
import { formValue } from './portal-request';
import type { FieldProblem } from './portal-views';
import {
  BAD_AMOUNT,
  type Bid,
  type BidChanges,
  BLANK_ROWS,
  poundsField,
  type Round,
  rowField,
  rowsOf,
  type Section,
  type Values,
} from './bid-section-kit';

// The bid's money sections: costs by financial year and capital/revenue, and match funding.

const COST_KINDS = ['capital', 'revenue'] as const;
const costLabel = (kind: string, year: string) =>
  `${kind === 'capital' ? 'Capital' : 'Revenue'} costs in ${year}`;
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const cellId = (year: string, kind: string) => `cost-${year.replace('/', '-')}-${kind}`;

// The round's financial years: those its delivery period touches, as the API says and checks.
const roundYears = (round: Round) => round.deliveryYears;

export const COSTS: Section = {
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
        const pence = penceFromPounds(typed);
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

export const MATCH_FUNDING: Section = {
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
      const pence = penceFromPounds(String(row.amount));
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
