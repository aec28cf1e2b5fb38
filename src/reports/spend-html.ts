import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { EMAIL_HELPERS } from '../notifications/email-helpers';
import { awardChart, quarterChart } from './spend-charts';
import { type ExportColumn } from './export-column';
import { capitalised, SPEND_COLUMNS } from './spend-columns';
import type { SpendExport } from './spend-export';
import { ReportTables } from './spend-report-tables';

const PARTS = ['head', 'award', 'foot'] as const;
type Part = (typeof PARTS)[number];
// Partials: `table`, a table's header row and body from the cells it is given.
const PARTIALS = ['table'] as const;

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
// award, with its own chart) and `foot`. Their tables' columns, headings and cells come from the
// column definition (spend-report-tables.ts); the templates lay the page out and loop over the
// cells (the `table` partial). Compiled strict at start: a broken template stops it.
export class SpendReportTemplates {
  private constructor(private readonly parts: Record<Part, HandlebarsTemplateDelegate>) {}

  static load(dir: string): SpendReportTemplates {
    const env = Handlebars.create();
    env.registerHelper(EMAIL_HELPERS);
    env.registerHelper('cssString', cssString);
    env.registerHelper('capitalised', capitalised);
    const compile = (name: string) => {
      const file = join(dir, `spend-summary.${name}.html.hbs`);
      if (!existsSync(file)) {
        throw new Error(`The spend report template ${file} is missing (REPORT_TEMPLATES_DIR).`);
      }
      try {
        const source = readFileSync(file, 'utf8');
        env.parse(source);
        return env.compile(source, { strict: true });
      } catch (error) {
        throw new Error(
          `The spend report template ${file} cannot be used: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    };
    for (const partial of PARTIALS) {
      env.registerPartial(partial, compile(partial));
    }
    const parts = {} as Record<Part, HandlebarsTemplateDelegate>;
    for (const part of PARTS) {
      parts[part] = compile(part);
    }
    return new SpendReportTemplates(parts);
  }

  // `columns`: the column definition the tables are written from (a test adds to it).
  async write(
    target: string,
    data: SpendExport,
    columns: readonly ExportColumn[] = SPEND_COLUMNS,
  ): Promise<void> {
    const out = createWriteStream(target);
    try {
      await this.render(out, data, new ReportTables(columns, data.asAt));
    } catch (error) {
      out.destroy();
      throw error;
    }
  }

  private async render(out: WriteStream, data: SpendExport, tables: ReportTables): Promise<void> {
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
        tables: tables.totals(data.totals, data.quarterTotals),
        quarterChart: quarterChart(quarters),
      }),
    );
    for await (const award of data.awards()) {
      await put(
        this.parts.award({
          award,
          quarters: tables.awardQuarters(award),
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
