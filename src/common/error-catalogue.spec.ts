import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import { codeFiles } from './code-files';
import { ALL_ERRORS } from '../openapi/refusals';
import type { ErrorEntry } from './error-catalogue';

const SRC = join(__dirname, '..');

// The files that may build a DomainError themselves: the catalogue's helpers.
const BUILDERS = ['common/error-catalogue.ts', 'common/common.errors.ts', 'common/domain-error.ts'];

interface Source {
  name: string;
  file: ts.SourceFile;
}

const sources: Source[] = codeFiles(SRC).map((path) => ({
  name: relative(SRC, path),
  file: ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true),
}));

function nodes(file: ts.SourceFile): ts.Node[] {
  const found: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const at = (source: Source, node: ts.Node) =>
  `${source.name}:${source.file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

// Every entry of every *_ERRORS export of every *.errors.ts file, with the file declaring it.
async function catalogues(): Promise<{ entry: ErrorEntry; file: string }[]> {
  const declared: { entry: ErrorEntry; file: string }[] = [];
  for (const { name } of sources.filter((source) => source.name.endsWith('.errors.ts'))) {
    const module = (await import(join(SRC, name))) as Record<string, unknown>;
    for (const [exported, value] of Object.entries(module)) {
      if (exported.endsWith('_ERRORS')) {
        for (const entry of Object.values(value as Record<string, ErrorEntry>)) {
          declared.push({ entry, file: name });
        }
      }
    }
  }
  return declared;
}

describe('the error catalogue', () => {
  let declared: Map<string, ErrorEntry>;

  beforeAll(async () => {
    const all = await catalogues();
    declared = new Map(all.map(({ entry }) => [entry.code, entry]));
  });

  it('declares each code once, across every feature', async () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const { entry, file } of await catalogues()) {
      const earlier = seen.get(entry.code);
      if (earlier) {
        twice.push(`${entry.code} in ${earlier} and ${file}`);
      }
      seen.set(entry.code, file);
    }
    expect(twice).toEqual([]);
    expect(seen.size).toBeGreaterThan(100);
  });

  it('gathers every catalogue into the one routes document their codes from', () => {
    expect(Object.keys(ALL_ERRORS).sort()).toEqual([...declared.keys()].sort());
  });

  it('declares a 4xx or 5xx status and a sentence for every code', () => {
    const unfit = [...declared.values()].filter(
      ({ status, message }) => status < 400 || status > 599 || !/^[A-Z].*[.?]$/s.test(message),
    );
    expect(unfit.map(({ code }) => code)).toEqual([]);
  });

  it('is the only way a refusal is built: no DomainError made outside the catalogue helpers', () => {
    const strays = sources
      .filter(({ name }) => !BUILDERS.includes(name))
      .flatMap((source) =>
        nodes(source.file)
          .filter(
            (node) =>
              ts.isNewExpression(node) &&
              ['DomainError', 'RetryLaterError'].includes(node.expression.getText()),
          )
          .map((node) => `${at(source, node)} ${node.getText().split('\n')[0]}`),
      );
    expect(strays).toEqual([]);
  });

  it('answers framework problems only with declared codes, at their declared status', () => {
    const undeclared = sources.flatMap((source) =>
      nodes(source.file).flatMap((node) => {
        if (
          !ts.isCallExpression(node) ||
          node.expression.getText() !== 'problem' ||
          node.arguments.length < 2 ||
          !ts.isStringLiteral(node.arguments[1])
        ) {
          return [];
        }
        const [status, code] = [node.arguments[0], node.arguments[1].text];
        const entry = declared.get(code);
        const statusDiffers =
          entry !== undefined &&
          ts.isNumericLiteral(status) &&
          Number(status.text) !== entry.status;
        return !entry || statusDiffers ? [`${at(source, node)} ${code}`] : [];
      }),
    );
    expect(undeclared).toEqual([]);
  });

  it('has every declared code said somewhere outside its declaration', () => {
    const said = new Set<string>();
    for (const source of sources) {
      for (const node of nodes(source.file)) {
        const isDeclarationKey =
          node.parent !== undefined &&
          ts.isPropertyAssignment(node.parent) &&
          node.parent.name === node;
        if (ts.isStringLiteralLike(node) && !isDeclarationKey) {
          said.add(node.text);
        }
      }
    }
    const unsaid = [...declared.keys()].filter((code) => !said.has(code));
    expect(unsaid).toEqual([]);
  });
});
