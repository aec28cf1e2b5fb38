import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { EMAIL_HELPERS } from '../notifications/email-helpers';
import type { PortalUser } from './portal-sessions';

// A field the API refused, as a page shows it: in the error summary (linking to the field) and
// beside the field.
export interface FieldProblem {
  field: string;
  message: string;
}

// What every page gets besides its own data.
export interface PageFrame {
  // The page's own name, first in the browser's title.
  title: string;
  user?: PortalUser;
  // The form token every POST form carries.
  csrf: string;
  // The problems a refused form shows, summary first (GOV.UK error summary).
  problems?: FieldProblem[];
  // Which navigation item is this page's.
  section?:
    | 'tasks'
    | 'notifications'
    | 'rounds'
    | 'bids'
    | 'returns'
    | 'payments'
    | 'exports'
    | 'assignments'
    | 'moderation'
    | 'endorsements'
    | 'awards';
}

export class PortalTemplateError extends Error {}

const SERVICE_NAME = 'Safer Streets grants';
// A partial on a line of its own is not indented like its call: that would indent the second
// and later lines of a textarea's value, changing what the bidder typed.
const COMPILE = { preventIndent: true };

// The portal's pages: Handlebars, compiled once at start from templates/portal (layout.html.hbs,
// pages/<name>.html.hbs and partials/<name>.html.hbs), so a broken template stops the start.
// Every value is HTML-escaped unless a template asks for it raw ({{{ }}}), which only the layout
// does, for the page it wraps.
export class PortalViews {
  private constructor(
    private readonly layout: HandlebarsTemplateDelegate,
    private readonly pages: Map<string, HandlebarsTemplateDelegate>,
  ) {}

  static load(dir: string): PortalViews {
    const handlebars = Handlebars.create();
    handlebars.registerHelper(EMAIL_HELPERS);
    handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    // Strings joined, for ids of repeated fields: (concat 'match-' @index '-amount').
    // A row's number for people, from its index: (inc @index).
    handlebars.registerHelper('inc', (index: unknown) => Number(index) + 1);
    handlebars.registerHelper('concat', (...parts: unknown[]) => parts.slice(0, -1).join(''));
    // The message for one field, when the form's problems name it.
    handlebars.registerHelper('problemFor', (problems: unknown, field: string) =>
      Array.isArray(problems)
        ? (problems as FieldProblem[]).find((problem) => problem.field === field)?.message
        : undefined,
    );
    const compile = (file: string) => {
      if (!existsSync(file)) {
        throw new PortalTemplateError(`The portal template ${file} is missing`);
      }
      const source = readFileSync(file, 'utf8');
      try {
        handlebars.precompile(source, COMPILE);
      } catch (error) {
        throw new PortalTemplateError(
          `The portal template ${file} cannot be compiled: ${(error as Error).message}`,
        );
      }
      return handlebars.compile(source, COMPILE);
    };
    for (const file of filesIn(join(dir, 'partials'))) {
      handlebars.registerPartial(basename(file, '.html.hbs'), readFileSync(file, 'utf8'));
    }
    const pages = new Map(
      filesIn(join(dir, 'pages')).map((file) => [basename(file, '.html.hbs'), compile(file)]),
    );
    return new PortalViews(compile(join(dir, 'layout.html.hbs')), pages);
  }

  // The page's data may not use the frame's names (a `title` field would be the page's title).
  render(page: string, frame: PageFrame, data: Record<string, unknown> = {}): string {
    const clash = Object.keys(data).find((name) => name in frame || name === 'serviceName');
    if (clash) {
      throw new PortalTemplateError(`The ${page} page's data uses the frame's name ${clash}`);
    }
    const template = this.pages.get(page);
    if (!template) {
      throw new PortalTemplateError(`There is no portal page template ${page}`);
    }
    const context = { ...data, ...frame, serviceName: SERVICE_NAME };
    return this.layout({ ...context, body: template(context) });
  }
}

function filesIn(dir: string): string[] {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .filter((name) => name.endsWith('.html.hbs'))
    .sort()
    .map((name) => join(dir, name));
}
