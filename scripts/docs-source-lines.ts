/**
 * Where each state and transition of a machine is written: the line of its definition in the
 * machine's source file, found by walking the `createMachine({...})` literal with the TypeScript
 * parser (XState keeps no source positions). A handler list kept in a `const` and spread or named
 * in the config is followed to its declaration in the same file. Anything the walk cannot follow
 * falls back to the line of the event key, then of the state: a link lands near the rule, never
 * nowhere.
 */
import ts from 'typescript';

/** `Leader.CheckQuorum` → line; `Leader.CheckQuorum|after:checkQuorumTimeout|1` → line. */
export type SourceLines = ReadonlyMap<string, number>;

export const stateKey = (path: readonly string[]): string => path.join('.');
export const transitionKey = (path: readonly string[], event: string, index: number): string => `${stateKey(path)}|${event}|${index}`;
/** The key of the event itself (its first line), used when one handler cannot be placed. */
export const eventKey = (path: readonly string[], event: string): string => `${stateKey(path)}|${event}`;

function unwrap(expression: ts.Expression): ts.Expression {
  let e = expression;
  while (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

function declarations(file: ts.SourceFile): Map<string, ts.Expression> {
  const found = new Map<string, ts.Expression>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) found.set(node.name.text, node.initializer);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function findMachineLiteral(file: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  let literal: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (literal !== undefined) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'createMachine') {
      const argument = node.arguments[0];
      if (argument !== undefined && ts.isObjectLiteralExpression(unwrap(argument))) literal = unwrap(argument) as ts.ObjectLiteralExpression;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return literal;
}

/** Finds where every state, event and handler of the machine in `sourceText` is written. */
export function locateMachine(sourceText: string, fileName: string): SourceLines {
  const file = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.ES2022, true);
  const consts = declarations(file);
  const lines = new Map<string, number>();
  const lineOf = (node: ts.Node): number => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;

  const resolve = (expression: ts.Expression, depth = 0): ts.Expression => {
    const e = unwrap(expression);
    if (depth < 8 && ts.isIdentifier(e) && consts.has(e.text)) return resolve(consts.get(e.text)!, depth + 1);
    return e;
  };
  /** The handlers of one event, in the order XState keeps them: spreads and named lists followed. */
  const handlers = (expression: ts.Expression): ts.Node[] => {
    const e = resolve(expression);
    if (!ts.isArrayLiteralExpression(e)) return [e];
    return e.elements.flatMap((element) => (ts.isSpreadElement(element) ? handlers(element.expression) : [resolve(element)]));
  };
  const objectOf = (expression: ts.Expression): ts.ObjectLiteralExpression | undefined => {
    const e = resolve(expression);
    return ts.isObjectLiteralExpression(e) ? e : undefined;
  };
  const eachProperty = (object: ts.ObjectLiteralExpression, visit: (name: string, value: ts.Expression, at: ts.Node) => void): void => {
    for (const property of object.properties) {
      if (ts.isPropertyAssignment(property)) {
        const name = propertyName(property.name);
        if (name !== undefined) visit(name, property.initializer, property);
      } else if (ts.isSpreadAssignment(property)) {
        const spread = objectOf(property.expression);
        if (spread !== undefined) eachProperty(spread, visit);
      }
    }
  };
  const recordEvent = (path: readonly string[], event: string, value: ts.Expression, at: ts.Node): void => {
    lines.set(eventKey(path, event), lineOf(at));
    handlers(value).forEach((handler, index) => lines.set(transitionKey(path, event, index), lineOf(handler)));
  };
  const walkState = (object: ts.ObjectLiteralExpression, path: readonly string[]): void => {
    eachProperty(object, (name, value, at) => {
      if (name === 'on') {
        const on = objectOf(value);
        if (on !== undefined) eachProperty(on, (event, handler, eventAt) => recordEvent(path, event, handler, eventAt));
      } else if (name === 'after') {
        const after = objectOf(value);
        if (after !== undefined) eachProperty(after, (delay, handler, delayAt) => recordEvent(path, `after:${delay}`, handler, delayAt));
      } else if (name === 'always') {
        recordEvent(path, 'always', value, at);
      } else if (name === 'states') {
        const states = objectOf(value);
        if (states === undefined) return;
        eachProperty(states, (child, config, childAt) => {
          lines.set(stateKey([...path, child]), lineOf(childAt));
          const childObject = objectOf(config);
          if (childObject !== undefined) walkState(childObject, [...path, child]);
        });
      }
    });
  };
  const root = findMachineLiteral(file);
  if (root !== undefined) {
    lines.set(stateKey([]), lineOf(root));
    walkState(root, []);
  }
  return lines;
}

/** The best line for a handler: its own, else its event's, else its state's, else the machine's. */
export function lineFor(lines: SourceLines, path: readonly string[], event: string, index: number): number {
  const own = lines.get(transitionKey(path, event, index)) ?? lines.get(eventKey(path, event));
  if (own !== undefined) return own;
  for (let n = path.length; n >= 0; n--) {
    const state = lines.get(stateKey(path.slice(0, n)));
    if (state !== undefined) return state;
  }
  return 1;
}

export interface Implementation {
  readonly line: number;
  /** The implementation's source text, whitespace collapsed. */
  readonly text: string;
}

/** The named guards, delays and actions of the `setup({...})` call, where each is written. */
export interface SetupLines {
  readonly guards: ReadonlyMap<string, Implementation>;
  readonly delays: ReadonlyMap<string, Implementation>;
  readonly actions: ReadonlyMap<string, Implementation>;
}

export function locateSetup(sourceText: string, fileName: string): SetupLines {
  const file = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.ES2022, true);
  const found = { guards: new Map<string, Implementation>(), delays: new Map<string, Implementation>(), actions: new Map<string, Implementation>() };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'setup') {
      const argument = node.arguments[0];
      if (argument !== undefined && ts.isObjectLiteralExpression(unwrap(argument))) {
        for (const section of (unwrap(argument) as ts.ObjectLiteralExpression).properties) {
          if (!ts.isPropertyAssignment(section)) continue;
          const name = propertyName(section.name);
          const value = unwrap(section.initializer);
          if ((name !== 'guards' && name !== 'delays' && name !== 'actions') || !ts.isObjectLiteralExpression(value)) continue;
          for (const property of value.properties) {
            const key = property.name === undefined ? undefined : propertyName(property.name);
            if (key === undefined) continue;
            const line = file.getLineAndCharacterOfPosition(property.getStart(file)).line + 1;
            const body = ts.isPropertyAssignment(property) ? property.initializer.getText(file) : property.getText(file);
            found[name].set(key, { line, text: body.replace(/\s+/g, ' ') });
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
