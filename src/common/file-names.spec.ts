import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import * as ts from 'typescript';
import { codeFiles } from './code-files';

// Every injectable, controller and module lives in a file named after its class, in kebab case,
// with its role either joined by a hyphen or after a dot: `BidStore` in `bid-store.ts`,
// `BidsController` in `bids.controller.ts`, `OfferLapseScheduler` in `offer-lapse.scheduler.ts`.
// So a class is found from its name, and a file's name says what it holds.

const SRC = join(__dirname, '..');
const DECORATORS = new Set(['Injectable', 'Controller', 'Module']);

// `OfferLapseScheduler` → `offer-lapse-scheduler`; `SsoProvider` → `sso-provider`.
export function kebabCase(name: string): string {
  return name.replace(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/g, '-').toLowerCase();
}

function decoratedClasses(path: string): string[] {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  return file.statements.flatMap((statement) => {
    if (!ts.isClassDeclaration(statement) || !statement.name) {
      return [];
    }
    const decorated = (ts.getDecorators(statement) ?? []).some((decorator) => {
      const call = decorator.expression;
      return (
        ts.isCallExpression(call) &&
        ts.isIdentifier(call.expression) &&
        DECORATORS.has(call.expression.text)
      );
    });
    return decorated ? [statement.name.text] : [];
  });
}

const classes = codeFiles(SRC).flatMap((path) =>
  decoratedClasses(path).map((name) => ({ file: relative(SRC, path), name })),
);

describe('file names', () => {
  it('finds the decorated classes', () => {
    expect(classes.map((found) => found.name)).toEqual(
      expect.arrayContaining(['BidStore', 'BidsController', 'AppModule']),
    );
  });

  it('names every injectable, controller and module file after its class', () => {
    const misnamed = classes
      .filter(({ file, name }) => basename(file, '.ts').replace(/\./g, '-') !== kebabCase(name))
      .map(({ file, name }) => `${name} in ${file}`);
    expect(misnamed).toEqual([]);
  });

  it('spells class names in kebab case', () => {
    expect(kebabCase('OfferLapseScheduler')).toBe('offer-lapse-scheduler');
    expect(kebabCase('SsoProvider')).toBe('sso-provider');
    expect(kebabCase('HTMLReport')).toBe('html-report');
  });
});
