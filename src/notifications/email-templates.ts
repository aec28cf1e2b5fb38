import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Handlebars from 'handlebars';
import { EMAIL_HELPERS } from './email-helpers';
import type { EmailData } from './email-outbox.entity';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export class EmailTemplateError extends Error {
  constructor(dir: string, problems: string[]) {
    super(
      `Email templates in ${dir} cannot be used:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

// Each message is a folder under messages/ with these three parts.
const PARTS = {
  subject: 'subject.hbs',
  html: 'body.html.hbs',
  text: 'body.text.hbs',
} as const;
type Part = keyof typeof PARTS;
const FORMATS = ['html', 'text'] as const;
type Format = (typeof FORMATS)[number];

type Compiled = Record<Part, HandlebarsTemplateDelegate>;
export const TEMPLATE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

// The email catalogue: compiled once at start, strict (a missing variable fails the render
// rather than sending a blank), and checked whole, so a broken template stops the start.
export class EmailTemplates {
  private constructor(
    private readonly messages: Map<string, Compiled>,
    private readonly layouts: Record<Format, HandlebarsTemplateDelegate>,
  ) {}

  static load(dir: string): EmailTemplates {
    const problems: string[] = [];
    const show = (file: string) => relative(dir, file);
    const environments = {} as Record<Format, typeof Handlebars>;
    // Handlebars compiles lazily: parse now, so syntax errors and unknown names surface at start.
    const check = (format: Format, file: string, source: string): boolean => {
      try {
        for (const problem of unknownNames(
          environments[format],
          environments[format].parse(source),
        )) {
          problems.push(`${show(file)}: ${problem}`);
        }
        return true;
      } catch (error) {
        problems.push(`${show(file)}: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
    };
    const compile = (format: Format, file: string): HandlebarsTemplateDelegate => {
      const source = readFileSync(file, 'utf8');
      return check(format, file, source)
        ? environments[format].compile(source, { strict: true, noEscape: format === 'text' })
        : () => '';
    };

    if (!existsSync(join(dir, 'messages'))) {
      throw new EmailTemplateError(dir, [`there is no messages/ folder in ${dir}`]);
    }
    for (const format of FORMATS) {
      const env = Handlebars.create();
      env.registerHelper(EMAIL_HELPERS);
      environments[format] = env;
    }
    const partialsDir = join(dir, 'partials');
    const partialFiles = existsSync(partialsDir) ? readdirSync(partialsDir).sort() : [];
    for (const format of FORMATS) {
      const partials = partialFiles.flatMap((file) => {
        const name = new RegExp(`^(.+)\\.${format}\\.hbs$`).exec(file)?.[1];
        return name ? [{ name, file: join(partialsDir, file) }] : [];
      });
      for (const { name, file } of partials) {
        environments[format].registerPartial(name, readFileSync(file, 'utf8'));
      }
      for (const { file } of partials) {
        check(format, file, readFileSync(file, 'utf8'));
      }
    }
    const layouts = {} as Record<Format, HandlebarsTemplateDelegate>;
    for (const format of FORMATS) {
      const file = join(dir, `layout.${format}.hbs`);
      if (existsSync(file)) {
        layouts[format] = compile(format, file);
      } else {
        problems.push(`the ${format} layout ${show(file)} is missing`);
      }
    }
    const messages = new Map<string, Compiled>();
    for (const name of readdirSync(join(dir, 'messages')).sort()) {
      const folder = join(dir, 'messages', name);
      if (!TEMPLATE_NAME.test(name)) {
        problems.push(`${show(folder)}: a template name is lower-case letters, digits and dashes`);
        continue;
      }
      const compiled = {} as Compiled;
      for (const part of Object.keys(PARTS) as Part[]) {
        const file = join(folder, PARTS[part]);
        if (!existsSync(file)) {
          problems.push(`${show(folder)} has no ${part} part (expected ${PARTS[part]})`);
          continue;
        }
        compiled[part] = compile(part === 'html' ? 'html' : 'text', file);
      }
      messages.set(name, compiled);
    }
    if (messages.size === 0) {
      problems.push(`${show(join(dir, 'messages'))} holds no templates`);
    }
    if (problems.length > 0) {
      throw new EmailTemplateError(dir, problems);
    }
    return new EmailTemplates(messages, layouts);
  }

  names(): string[] {
    return [...this.messages.keys()];
  }

  has(name: string): boolean {
    return this.messages.has(name);
  }

  // The subject line alone, for a list of emails not yet sent (sent ones store what was sent).
  renderSubject(name: string, data: EmailData): string {
    const message = this.messages.get(name);
    if (!message) {
      throw new Error(`There is no email template called "${name}".`);
    }
    return message.subject(data).replace(/\s+/g, ' ').trim();
  }

  render(name: string, data: EmailData): RenderedEmail {
    const message = this.messages.get(name);
    if (!message) {
      throw new Error(`There is no email template called "${name}".`);
    }
    const subject = this.renderSubject(name, data);
    const context = { ...data, subject };
    return {
      subject,
      html: this.layouts.html({ ...context, body: message.html(context) }),
      text:
        this.layouts
          .text({ ...context, body: message.text(context) })
          .replace(/\n{3,}/g, '\n\n')
          .trim() + '\n',
    };
  }
}

interface AstNode {
  type?: string;
  name?: { original?: unknown };
  path?: { original?: unknown };
  params?: unknown[];
  hash?: unknown;
}

// Partials and helpers are resolved only at render time; look them up now instead.
function unknownNames(env: typeof Handlebars, ast: hbs.AST.Program): string[] {
  const problems: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') {
      return;
    }
    const n = node as AstNode;
    if (n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') {
      const partial = String(n.name?.original);
      if (!(partial in env.partials)) {
        problems.push(`uses the partial "${partial}", which is not in partials/`);
      }
    }
    const takesArguments = (n.params?.length ?? 0) > 0 || n.hash !== undefined;
    if (
      (n.type === 'MustacheStatement' ||
        n.type === 'BlockStatement' ||
        n.type === 'SubExpression') &&
      takesArguments
    ) {
      const helper = String(n.path?.original);
      if (!(helper in env.helpers)) {
        problems.push(`uses the helper "${helper}", which does not exist`);
      }
    }
    Object.values(node).forEach(visit);
  };
  visit(ast);
  return problems;
}
