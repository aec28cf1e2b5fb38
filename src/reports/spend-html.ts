import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { EMAIL_HELPERS } from '../notifications/email-helpers';
import { awardChart, quarterChart } from './spend-charts';
import { applicantTypeLabel, capitalised } from './spend-columns';
import type { SpendExport } from './spend-export';

const PARTS = ['head', 'award', 'foot'] as const;
type Part = (typeof PARTS)[number];

// {{{cssString text}}}: text as a quoted CSS string for the report's own <style> (the printed
// pages' margin boxes name the round and the moment). Everything but plain letters, digits and
// a little punctuation is written as a CSS escape, so no text can end the string or the style.
export function cssString(text: unknown): string {
  const escaped = String(text).replace(
    /[^A-Za-z0-9 ,.:()/-]/gu,
    (char) => `\\${(char.codePointAt(0) ?? 0).toString(16)} `,
  );
  return `"${escaped}"`;
}

// The printable spend report, in three templates written one after another so the awards
// stream through: `head` (the round, its totals and the chart by quarter), `award` (one per
// award, with its own chart) and `foot`. Compiled strict at start: a broken template stops it.
export class SpendReportTemplates {
  private constructor(private readonly parts: Record<Part, HandlebarsTemplateDelegate>) {}

  static load(dir: string): SpendReportTemplates {
    const env = Handlebars.create();
    env.registerHelper(EMAIL_HELPERS);
    env.registerHelper('cssString', cssString);
    env.registerHelper('applicantType', applicantTypeLabel);
    env.registerHelper('capitalised', capitalised);
    const parts = {} as Record<Part, HandlebarsTemplateDelegate>;
    for (const part of PARTS) {
      const file = join(dir, `spend-summary.${part}.html.hbs`);
      if (!existsSync(file)) {
        throw new Error(`The spend report template ${file} is missing (REPORT_TEMPLATES_DIR).`);
      }
      try {
        const source = readFileSync(file, 'utf8');
        env.parse(source);
        parts[part] = env.compile(source, { strict: true });
      } catch (error) {
        throw new Error(
          `The spend report template ${file} cannot be used: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    }
    return new SpendReportTemplates(parts);
  }

  async write(target: string, data: SpendExport): Promise<void> {
    const out = createWriteStream(target);
    try {
      await this.render(out, data);
    } catch (error) {
      out.destroy();
      throw error;
    }
  }

  private async render(out: WriteStream, data: SpendExport): Promise<void> {
    const put = async (html: string) => {
      if (!out.write(html)) {
        await once(out, 'drain');
      }
    };
    const quarters = data.quarterTotals.map((q) => ({
      ...q,
      label: `${q.financialYear} Q${q.quarter}`,
    }));
    await put(
      this.parts.head({
        round: data.round,
        asAt: data.asAt.toISOString(),
        asAtLondon: data.asAtLondon,
        totals: data.totals,
        quarters,
        quarterChart: quarterChart(quarters),
      }),
    );
    for await (const award of data.awards()) {
      const quarters = award.quarters.map((q) => ({
        ...q,
        variance: q.variancePercent === null ? '' : `${q.variancePercent}%`,
      }));
      await put(
        this.parts.award({
          award: { ...award, quarters },
          overdueOne: award.overdueReturns === 1,
          chart: awardChart(award.awardId, award.reference, award),
        }),
      );
      await data.tick();
    }
    await put(this.parts.foot({ asAtLondon: data.asAtLondon }));
    out.end();
    await once(out, 'finish');
  }
}
