/**
 * Documentation generated from a machine's definition: a Mermaid state diagram, and tables of
 * its states, transitions (event, guard, target, the rule it implements) and timers. Nothing is
 * written by hand, so the docs cannot drift from the machine; a test fails when the committed
 * files are stale.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';

interface TransitionInfo {
  readonly source: string;
  readonly event: string;
  readonly guard: string;
  readonly targets: string[];
  readonly description: string;
}

const AFTER = /^xstate\.after\.([^.]+)\./;

/** `xstate.after.electionTimeout.quorum.Unattached` → `after electionTimeout`. */
export function eventLabel(eventType: string): string {
  const after = AFTER.exec(eventType);
  return after === null ? eventType : `after ${after[1]}`;
}

/** A guard's name: named guards by name, `and([...])` and `stateIn(...)` spelled out. */
export function guardLabel(guard: unknown): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return guard;
  // Higher-order guards are functions carrying their parts (xstate's and/or/not/stateIn).
  const g = guard as { type?: string; guards?: unknown[]; stateValue?: unknown; name?: string };
  if (Array.isArray(g.guards) && (g.name === 'and' || g.name === 'or')) return g.guards.map(guardLabel).join(` ${g.name} `);
  if (Array.isArray(g.guards) && g.name === 'not') return `not ${guardLabel(g.guards[0])}`;
  if (g.stateValue !== undefined) return `in ${String(g.stateValue).replace(/^#[^.]+\./, '')}`;
  if (typeof g.type === 'string') return g.type;
  return 'guard';
}

const shortId = (node: AnyStateNode): string => node.path.join('.') || node.machine.id;
const mermaidId = (node: AnyStateNode): string => node.path.join('_') || 'root';

function transitionsOf(node: AnyStateNode): TransitionInfo[] {
  const list: TransitionInfo[] = [];
  for (const [eventType, transitions] of node.transitions) {
    for (const t of transitions) {
      list.push({
        source: shortId(node),
        event: eventLabel(eventType),
        guard: guardLabel(t.guard),
        targets: (t.target ?? []).map((target: AnyStateNode) => shortId(target)),
        description: t.description ?? '',
      });
    }
  }
  for (const t of node.always ?? []) {
    list.push({ source: shortId(node), event: '(always)', guard: guardLabel(t.guard), targets: (t.target ?? []).map((x: AnyStateNode) => shortId(x)), description: t.description ?? '' });
  }
  return list;
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states as Record<string, AnyStateNode>).flatMap(allNodes)];
}

/** A Mermaid stateDiagram-v2 of the machine: compound states nest, parallel regions are separated. */
export function toMermaid(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2'];
  const walk = (node: AnyStateNode, indent: string): void => {
    const children = Object.values(node.states as Record<string, AnyStateNode>);
    if (node.type !== 'parallel' && node.initial !== undefined) {
      for (const target of node.initial.target) lines.push(`${indent}[*] --> ${mermaidId(target)}`);
    }
    children.forEach((child, i) => {
      if (node.type === 'parallel' && i > 0) lines.push(`${indent}--`);
      if (Object.keys(child.states).length > 0) {
        lines.push(`${indent}state ${mermaidId(child)} {`);
        walk(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else if (node.parent !== undefined) {
        // Declared inside its parent's block: a substate first named by an edge at the top level
        // would be drawn outside its parent.
        lines.push(`${indent}state "${child.key}" as ${mermaidId(child)}`);
      }
      if (child.type === 'final') lines.push(`${indent}${mermaidId(child)} --> [*]`);
    });
  };
  walk(machine.root, '  ');
  // Rules on the machine's root apply in every state: drawn from one "any state" box.
  if (machine.root.transitions.size > 0) lines.push('  state "any state" as any_state');
  const edges = new Set<string>();
  for (const node of allNodes(machine.root)) {
    const from = node === machine.root ? 'any_state' : mermaidId(node);
    for (const t of transitionsOf(node)) {
      for (const target of t.targets) {
        const to = target.split('.').join('_');
        edges.add(`  ${from} --> ${to}: ${t.event}${t.guard === '' ? '' : ` [${t.guard}]`}`);
      }
    }
  }
  return [...lines, ...edges].join('\n') + '\n';
}

export interface MachineDocOptions {
  readonly title: string;
  readonly summary: string;
  /** Clause ids (and titles) the machine is judged by. */
  readonly clauses: readonly { id: string; title: string }[];
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The whole Markdown page for one machine. */
export function machineDoc(machine: AnyStateMachine, options: MachineDocOptions): string {
  const nodes = allNodes(machine.root);
  const lines = [
    `# ${options.title}`,
    '',
    '<!-- Generated by `npm run docs` from the machine definition. Do not edit. -->',
    '',
    options.summary,
    '',
    '## Diagram',
    '',
    '```mermaid',
    toMermaid(machine).trimEnd(),
    '```',
    '',
    '## States',
    '',
    '| state | kind | description |',
    '| --- | --- | --- |',
    ...nodes.filter((n) => n !== machine.root).map((n) => `| ${shortId(n)} | ${n.type} | ${cell(n.description ?? '')} |`),
    '',
    '## Transitions',
    '',
    'Handlers on an outer state apply in every state inside it unless an inner state handles the event first.',
    '',
    '| in state | event | guard | to | rule |',
    '| --- | --- | --- | --- | --- |',
    ...nodes.flatMap((n) => transitionsOf(n)).map((t) => `| ${t.source === machine.id ? '(any)' : t.source} | ${cell(t.event)} | ${cell(t.guard)} | ${t.targets.join(', ') || '(stays)'} | ${cell(t.description)} |`),
    '',
    '## Clauses',
    '',
    ...options.clauses.map((c) => `- ${c.id}: ${c.title}`),
    '',
  ];
  return lines.join('\n');
}
