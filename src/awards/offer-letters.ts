import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { EMAIL_HELPERS } from '../notifications/email-helpers';

const OFFER_TEMPLATE = 'grant-offer.html.hbs';

// Who grants the money, as the offer and variation letters name the funder.
export const FUNDER = 'Home Office, on behalf of the Secretary of State for the Home Department';

export interface OfferLetterYear {
  financialYear: string;
  capitalPence: number;
  revenuePence: number;
  totalPence: number;
}

// What a grant offer letter says; the template lays it out.
export interface OfferLetterData {
  funderName: string;
  reference: string;
  bidTitle: string;
  roundName: string;
  organisationName: string;
  companyNumber: string | null;
  charityNumber: string | null;
  offeredAt: Date;
  amountPence: number;
  // The award's lines; the letter shows them per year with capital and revenue totals.
  lines: { financialYear: string; kind: 'capital' | 'revenue'; amountPence: number }[];
  conditions: string[];
  deliveryStartsOn: string;
  deliveryEndsOn: string;
  returnDueDays: number;
  returns: { financialYear: string; quarter: number; periodEndsOn: string; dueOn: string }[];
  offerExpiresAt: Date;
  approvedBy: string[];
  awardUrl: string;
  acceptance: { signatoryName: string; signatoryPosition: string; acceptedAt: Date } | null;
  status: string;
}

// The grant offer letter, compiled once at start (strict: a missing field fails the render
// rather than printing a blank into a legal document), so a broken template stops the start.
export class OfferLetters {
  private constructor(private readonly offer: HandlebarsTemplateDelegate) {}

  static load(dir: string): OfferLetters {
    const file = join(dir, OFFER_TEMPLATE);
    if (!existsSync(file)) {
      throw new Error(`The grant offer letter template ${file} is missing (LETTER_TEMPLATES_DIR).`);
    }
    const env = Handlebars.create();
    env.registerHelper(EMAIL_HELPERS);
    const source = readFileSync(file, 'utf8');
    try {
      env.parse(source);
    } catch (error) {
      throw new Error(
        `The grant offer letter template ${file} cannot be used: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return new OfferLetters(env.compile(source, { strict: true }));
  }

  render(data: OfferLetterData): string {
    const years = letterYears(data.lines);
    return this.offer({
      ...data,
      years,
      capitalPence: years.reduce((sum, year) => sum + year.capitalPence, 0),
      revenuePence: years.reduce((sum, year) => sum + year.revenuePence, 0),
    });
  }
}

// Capital and revenue side by side for each financial year, in year order.
export function letterYears(
  lines: { financialYear: string; kind: 'capital' | 'revenue'; amountPence: number }[],
): OfferLetterYear[] {
  const years = new Map<string, OfferLetterYear>();
  for (const line of [...lines].sort((a, b) => a.financialYear.localeCompare(b.financialYear))) {
    const year = years.get(line.financialYear) ?? {
      financialYear: line.financialYear,
      capitalPence: 0,
      revenuePence: 0,
      totalPence: 0,
    };
    if (line.kind === 'capital') {
      year.capitalPence += line.amountPence;
    } else {
      year.revenuePence += line.amountPence;
    }
    year.totalPence += line.amountPence;
    years.set(line.financialYear, year);
  }
  return [...years.values()];
}
