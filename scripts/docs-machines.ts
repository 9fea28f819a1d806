/**
 * The machines the docs describe, found rather than listed: every module under src/machines that
 * calls `createMachine` and exports a `create...Machine()` factory. A machine added there gets its
 * page (and its docs/machines/*.md) on the next `npm run docs` with no edit here.
 *
 * For each machine: its states (nesting, kind, description, source line), its transitions (event,
 * guard, targets, actions, the rule it implements, source line) and its timers, read from the
 * machine definition XState builds, placed in the source by docs-source-lines.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { eventLabel, guardLabel } from '../src/docs/machine-doc.js';
import { lineFor, locateMachine, locateSetup, stateKey, type SourceLines } from './docs-source-lines.js';

export interface DiscoveredMachine {
  /** The machine's XState id (`quorum`, `replica`, ...). */
  readonly id: string;
  /** The page name: the machine's folder (`quorum`), or the file name beside others (`kafka-consumer`). */
  readonly name: string;
  /** Repository path of the module that defines it. */
  readonly file: string;
  readonly factory: string;
  readonly machine: AnyStateMachine;
  /** The module's opening doc comment, first paragraph. */
  readonly moduleSummary: string;
}

export interface StateInfo {
  readonly path: readonly string[];
  readonly name: string;
  readonly type: string;
  readonly description: string;
  readonly line: number;
  readonly initial: boolean;
  readonly children: readonly string[];
}

export interface TransitionInfo {
  readonly source: readonly string[];
  /** As written in the machine: the event type, `after delayName` or `(always)`. */
  readonly event: string;
  /** The event's name for matching: `VoteRequest`, `after:electionTimeout`, `always`. */
  readonly eventKey: string;
  readonly index: number;
  readonly guard: string;
  readonly targets: readonly (readonly string[])[];
  readonly actions: readonly string[];
  readonly description: string;
  readonly line: number;
}

export interface TimerInfo {
  readonly delay: string;
  readonly states: readonly string[];
  /** Where the delay is computed, and how (the expression in setup's `delays`). */
  readonly line?: number;
  readonly duration?: string;
}

export interface GuardInfo {
  readonly name: string;
  readonly line: number;
  readonly definition: string;
}

export interface MachineModel {
  readonly states: readonly StateInfo[];
  readonly transitions: readonly TransitionInfo[];
  readonly timers: readonly TimerInfo[];
  readonly guards: readonly GuardInfo[];
}

/**
 * A transition a helper builds (not written where its state is) is placed where its guard is
 * named, when the line found for it does not name the guard: the reader lands on the rule.
 */
function namingLine(sourceText: string, line: number, guard: string): number {
  const name = guard.replace(/^not /, '').split(' ')[0] ?? '';
  if (name === '') return line;
  const lines = sourceText.split('\n');
  if (lines[line - 1]?.includes(name) === true) return line;
  const word = new RegExp(`\\b${name.replace(/[^\w]/g, '')}\\b`);
  const at = lines.findIndex((text) => word.test(text));
  return at < 0 ? line : at + 1;
}

const FACTORY = /export function (create\w*Machine)\s*\(/g;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return path.endsWith('.ts') ? [path] : [];
    });
}

function leadingComment(text: string): string {
  const match = /^\s*\/\*\*([\s\S]*?)\*\//.exec(text);
  if (match === null) return '';
  const body = match[1]!.split('\n').map((line) => line.replace(/^\s*\* ?/, '')).join('\n').trim();
  return body.split(/\n\s*\n/)[0]!.replace(/\s+/g, ' ').trim();
}

/** The machine's folder when it is the only machine there, else its file name. */
function pageName(file: string, all: readonly string[]): string {
  const folder = file.split('/').slice(0, -1).join('/');
  const alone = all.filter((other) => other.split('/').slice(0, -1).join('/') === folder).length === 1;
  return alone ? folder.split('/').pop()! : file.split('/').pop()!.replace(/\.ts$/, '');
}

/** Every machine under src/machines, in a stable order (by file path). */
export async function discoverMachines(root: string): Promise<DiscoveredMachine[]> {
  const candidates = sourceFiles(join(root, 'src', 'machines'))
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }))
    .filter(({ text }) => text.includes('.createMachine('));
  const files = candidates.map(({ path }) => relative(root, path).split('\\').join('/'));
  const found: DiscoveredMachine[] = [];
  for (const [i, { path, text }] of candidates.entries()) {
    const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    const add = (factory: string, machine: AnyStateMachine): void => {
      if (!found.some((m) => m.id === machine.id)) found.push({ id: machine.id, name: pageName(files[i]!, files), file: files[i]!, factory, machine, moduleSummary: leadingComment(text) });
    };
    for (const [, factory] of text.matchAll(FACTORY)) {
      const create = module[factory!];
      if (typeof create !== 'function') continue;
      if (create.length > 0) throw new Error(`${files[i]}: ${factory}() takes arguments; give its parameters defaults so the docs can draw the machine`);
      add(`${factory!}()`, (create as () => AnyStateMachine)());
    }
    // A machine exported as a value (`export const fooMachine = setup(...).createMachine(...)`).
    for (const [name, value] of Object.entries(module)) if (isMachine(value)) add(name, value);
  }
  return found;
}

function isMachine(value: unknown): value is AnyStateMachine {
  const v = value as { root?: unknown; transition?: unknown; id?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.transition === 'function' && typeof v.id === 'string' && typeof v.root === 'object';
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states as Record<string, AnyStateNode>).flatMap(allNodes)];
}

const AFTER = /^xstate\.after\.([^.]+)\./;

function eventKeyOf(eventType: string): string {
  const after = AFTER.exec(eventType);
  return after === null ? eventType : `after:${after[1]}`;
}

function actionNames(actions: readonly unknown[]): string[] {
  return actions.flatMap((action) => {
    if (typeof action === 'string') return [action];
    const a = action as { type?: unknown; name?: unknown };
    if (typeof a.type === 'string') return [a.type];
    return typeof a.name === 'string' && a.name !== '' ? [a.name] : [];
  });
}

/** States, transitions and timers of a machine, each placed at its line in `file`. */
export function machineModel(machine: AnyStateMachine, sourceText: string, file: string): MachineModel {
  const lines: SourceLines = locateMachine(sourceText, file);
  const nodes = allNodes(machine.root);
  const states: StateInfo[] = nodes
    .filter((node) => node !== machine.root)
    .map((node) => {
      const parent = node.parent as AnyStateNode | undefined;
      const initial = parent !== undefined && parent.type !== 'parallel' && (parent.initial?.target ?? []).some((t: AnyStateNode) => t === node);
      return {
        path: node.path,
        name: node.key,
        type: node.type,
        description: node.description ?? '',
        line: lines.get(stateKey(node.path)) ?? lines.get(stateKey([])) ?? 1,
        initial,
        children: Object.keys(node.states),
      };
    });
  const transitions: TransitionInfo[] = [];
  for (const node of nodes) {
    const add = (eventType: string, list: readonly { guard?: unknown; target?: readonly AnyStateNode[] | undefined; actions: readonly unknown[]; description?: string | undefined }[]): void => {
      const key = eventType === '' ? 'always' : eventKeyOf(eventType);
      list.forEach((t, index) => {
        transitions.push({
          source: node.path,
          event: eventType === '' ? '(always)' : eventLabel(eventType),
          eventKey: key,
          index,
          guard: guardLabel(t.guard),
          targets: (t.target ?? []).map((target) => target.path),
          actions: actionNames(t.actions),
          description: t.description ?? '',
          line: namingLine(sourceText, lineFor(lines, node.path, key, index), guardLabel(t.guard)),
        });
      });
    };
    for (const [eventType, list] of node.transitions) add(eventType, list);
    if (node.always !== undefined) add('', node.always);
  }
  const timers = new Map<string, string[]>();
  for (const node of nodes) {
    for (const after of node.after as readonly { delay: unknown }[]) {
      const delay = String(after.delay);
      const where = timers.get(delay) ?? [];
      const state = node.path.join('.');
      if (!where.includes(state)) where.push(state);
      timers.set(delay, where);
    }
  }
  const setup = locateSetup(sourceText, file);
  return {
    states,
    transitions,
    timers: [...timers].map(([delay, where]) => {
      const implementation = setup.delays.get(delay);
      return implementation === undefined ? { delay, states: where } : { delay, states: where, line: implementation.line, duration: implementation.text };
    }),
    guards: [...setup.guards].map(([name, implementation]) => ({ name, line: implementation.line, definition: implementation.text })),
  };
}
