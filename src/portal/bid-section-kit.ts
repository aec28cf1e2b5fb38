import type { Schemas } from '@safer-streets-grants/client';
import { plainPounds } from '../common/money';
import { formValue } from './portal-request';
import type { FieldProblem } from './portal-views';

// What every section form of a bid is made of (bid-section-forms.ts, bid-money-forms.ts) and
// the pieces they share: rows repeated in a form, pounds in a field, lists typed as text.

export type Bid = Schemas['BidDto'];
export type Round = Schemas['RoundDto'];
export type BidChanges = Schemas['UpdateBidDto'];
export type Values = Record<string, unknown>;

// What a form sent, read: the values as typed (kept when refused), the change to send to the
// API, the refusals found before asking it, and where each of the API's field names is shown.
export interface ReadForm {
  values: Values;
  changes: BidChanges;
  problems: FieldProblem[];
  fieldOf: (apiField: string) => string | undefined;
}

// One section page of a draft bid: GET shows its form filled with the bid's answers; POST sends
// them with the version the form was built from and goes back to the task list (or, with
// "stay", to the same page, e.g. to see the totals or add another row).
export interface Section {
  slug: string;
  heading: string;
  // The field a message about the whole form (someone else's change) is shown against.
  firstField: string;
  valuesOf(bid: Bid, round: Round): Values;
  read(body: unknown, round: Round): ReadForm;
  // What the page shows besides its values (totals, the round's lists).
  more?(bid: Bid, round: Round, values: Values): Values;
}

export const BAD_AMOUNT = 'Enter an amount in pounds, like 12500 or 12,500.50';
export const BLANK_ROWS = 1;

// Pence as a form field shows them: plain pounds, without pennies when there are none.
export function poundsField(pence: number): string {
  return plainPounds(pence).replace(/\.00$/, '');
}

// Rows of a repeated group as typed (`<prefix>-<row>-<name>`): at most `max`.
export function rowsOf(
  body: unknown,
  prefix: string,
  names: readonly string[],
  max = 50,
): Values[] {
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

export const blank = (row: Values) => Object.values(row).every((value) => value === '');

// A list of codes typed one a line or separated by commas.
export const listOf = (text: string, upper = false) =>
  text
    .split(/[\n,]+/)
    .map((item) => (upper ? item.trim().toUpperCase() : item.trim()))
    .filter((item) => item !== '');

// The API's name of a field of a row (`interventions.2.costPence`) to the page's field id.
export function rowField(
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
