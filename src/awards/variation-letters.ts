import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { EMAIL_HELPERS } from '../notifications/email-helpers';

const VARIATION_TEMPLATE = 'grant-variation.html.hbs';

// What a variation letter says; the template lays it out.
export interface VariationLetterData {
  funderName: string;
  reference: string;
  bidTitle: string;
  roundName: string;
  organisationName: string;
  reason: string;
  approvedAt: Date;
  amountPence: number;
  amountPenceBefore: number;
  capitalPence: number;
  revenuePence: number;
  years: {
    financialYear: string;
    capitalBeforePence: number;
    revenueBeforePence: number;
    capitalPence: number;
    revenuePence: number;
  }[];
  quarters: {
    financialYear: string;
    quarter: number;
    capitalPence: number;
    revenuePence: number;
  }[];
  deliveryStartsOn: string;
  deliveryEndsOn: string;
  deliveryEndsOnBefore: string;
  extended: boolean;
  returns: { financialYear: string; quarter: number; dueOn: string; status: string }[];
  outputTargets: { type: string; outputTarget: number }[];
  approvedBy: string[];
  awardUrl: string;
}

// The variation letter, compiled once at start like the offer letter (strict: a missing field
// fails the render rather than printing a blank into a legal document).
export class VariationLetters {
  private constructor(private readonly template: HandlebarsTemplateDelegate) {}

  static load(dir: string): VariationLetters {
    const file = join(dir, VARIATION_TEMPLATE);
    if (!existsSync(file)) {
      throw new Error(
        `The grant variation letter template ${file} is missing (LETTER_TEMPLATES_DIR).`,
      );
    }
    const env = Handlebars.create();
    env.registerHelper(EMAIL_HELPERS);
    const source = readFileSync(file, 'utf8');
    try {
      env.parse(source);
    } catch (error) {
      throw new Error(
        `The grant variation letter template ${file} cannot be used: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return new VariationLetters(env.compile(source, { strict: true }));
  }

  render(data: VariationLetterData): string {
    return this.template(data);
  }
}
