import { join, relative } from 'node:path';
import * as ts from 'typescript';

// Reads the code the way a reviewer would: from each route's handler, every function and method
// it can reach in src/, and the catalogue codes thrown along the way. A code a thrower is given as
// a value (`refusal.code`, `errors[0].rule`) counts as every code its type allows.
const SRC = join(__dirname, '..');
const ROUTE_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete']);

function program(): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(SRC, '../tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) {
    throw new Error('tsconfig.json could not be read');
  }
  const files = config.fileNames.filter(
    (file) => file.startsWith(SRC) && !file.endsWith('.spec.ts'),
  );
  return ts.createProgram(files, config.options);
}

type Callable =
  | ts.FunctionDeclaration
  | ts.MethodDeclaration
  | ts.AccessorDeclaration
  | ts.VariableDeclaration
  | ts.PropertyDeclaration;

const decoratorName = (decorator: ts.Decorator): string => {
  const call = decorator.expression;
  return ts.isCallExpression(call) ? call.expression.getText() : call.getText();
};

function routeCodes(checker: ts.TypeChecker) {
  const memo = new Map<ts.Node, Set<string>>();

  const inSrc = (node: ts.Node) => {
    const file = node.getSourceFile().fileName;
    return file.startsWith(SRC) && !file.endsWith('error-catalogue.ts');
  };

  // A feature's thrower: `export const bidError = errorsOf(BID_ERRORS)`.
  const isThrower = (declaration: ts.Declaration) =>
    ts.isVariableDeclaration(declaration) &&
    declaration.initializer !== undefined &&
    ts.isCallExpression(declaration.initializer) &&
    declaration.initializer.expression.getText() === 'errorsOf';

  const declarationsOf = (node: ts.Node): ts.Declaration[] => {
    let symbol = checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) {
      symbol = checker.getAliasedSymbol(symbol);
    }
    return (symbol?.declarations ?? []).filter(inSrc);
  };

  const isCallable = (declaration: ts.Declaration): declaration is Callable => {
    if (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) {
      return declaration.body !== undefined;
    }
    if (ts.isGetAccessor(declaration) || ts.isSetAccessor(declaration)) {
      return declaration.body !== undefined;
    }
    if (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) {
      const value = declaration.initializer;
      return value !== undefined && (ts.isArrowFunction(value) || ts.isFunctionExpression(value));
    }
    return false;
  };

  const literalCodes = (expression: ts.Expression): string[] => {
    const type = checker.getTypeAtLocation(expression);
    return (type.isUnion() ? type.types : [type])
      .filter((member) => member.isStringLiteral())
      .map((member) => member.value);
  };

  const codesOf = (callable: ts.Node, visiting: Set<ts.Node>): Set<string> => {
    const known = memo.get(callable);
    if (known) {
      return known;
    }
    const codes = new Set<string>();
    if (visiting.has(callable)) {
      return codes;
    }
    visiting.add(callable);
    const visit = (node: ts.Node): void => {
      if (
        ts.isElementAccessExpression(node) &&
        /_ERRORS$/.test(node.expression.getText()) &&
        ts.isStringLiteral(node.argumentExpression)
      ) {
        codes.add(node.argumentExpression.text);
      }
      if (ts.isCallExpression(node) && node.arguments.length > 0) {
        const callee = ts.isPropertyAccessExpression(node.expression)
          ? node.expression.name
          : node.expression;
        if (declarationsOf(callee).some(isThrower)) {
          literalCodes(node.arguments[0]).forEach((code) => codes.add(code));
        }
      }
      if (ts.isIdentifier(node)) {
        for (const declaration of declarationsOf(node)) {
          if (isCallable(declaration) && declaration !== callable) {
            codesOf(declaration, visiting).forEach((code) => codes.add(code));
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(callable, visit);
    visiting.delete(callable);
    memo.set(callable, codes);
    return codes;
  };

  return (route: ts.MethodDeclaration) => codesOf(route, new Set());
}

// Type-checking src/ takes seconds, more on a busy machine.
const PROGRAM_TIMEOUT_MS = 180_000;

describe('@Refuses on every route', () => {
  it(
    'lists every catalogue code the route can throw',
    () => {
      const built = program();
      const checker = built.getTypeChecker();
      const codesOf = routeCodes(checker);
      // A code written out, or a shared list spread in (`...VARIATION_RULES`): its elements'
      // literal types.
      const listedCodes = (argument: ts.Expression): string[] => {
        if (ts.isStringLiteral(argument)) {
          return [argument.text];
        }
        if (!ts.isSpreadElement(argument)) {
          return [];
        }
        const list = checker.getTypeAtLocation(argument.expression);
        const element = checker.getIndexTypeOfType(list, ts.IndexKind.Number);
        return (element?.isUnion() ? element.types : element ? [element] : [])
          .filter((member) => member.isStringLiteral())
          .map((member) => member.value);
      };
      const missing: string[] = [];
      let routes = 0;
      for (const file of built.getSourceFiles()) {
        if (!file.fileName.startsWith(SRC) || !file.fileName.endsWith('.controller.ts')) {
          continue;
        }
        const visit = (node: ts.Node): void => {
          const decorators = ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];
          if (
            ts.isMethodDeclaration(node) &&
            decorators.some((decorator) => ROUTE_DECORATORS.has(decoratorName(decorator)))
          ) {
            routes += 1;
            const refuses = decorators.find((decorator) => decoratorName(decorator) === 'Refuses');
            const listed = new Set(
              refuses && ts.isCallExpression(refuses.expression)
                ? refuses.expression.arguments.flatMap(listedCodes)
                : [],
            );
            const absent = [...codesOf(node)].filter((code) => !listed.has(code)).sort();
            if (absent.length > 0) {
              const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
              missing.push(
                `${relative(SRC, file.fileName)}:${line} ${node.name.getText()}: ${absent.join(', ')}`,
              );
            }
          }
          ts.forEachChild(node, visit);
        };
        visit(file);
      }
      expect(missing).toEqual([]);
      expect(routes).toBeGreaterThan(100);
    },
    PROGRAM_TIMEOUT_MS,
  );
});
