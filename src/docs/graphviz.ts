/**
 * A machine's state diagram as Graphviz DOT, rendered to SVG offline by Graphviz compiled to
 * WebAssembly (@hpcc-js/wasm-graphviz): no browser, deterministic output, milliseconds per
 * machine. Every state is declared exactly once, inside the cluster of its parent, so substates
 * draw inside their parent and nothing floats free; an edge to a compound state ends on the
 * cluster's border (lhead), drawn to its initial dot. Rules on the root come from one "any state"
 * box. Each state links to its row in the states table, each edge to its transition's row.
 * The site (scripts/docs-site.ts) and the web stepper (src/trace/web/) draw with it; the stepper
 * finds a state's box by its title (`nodeId`) or its cluster's (`clusterId`) to highlight it.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { eventLabel, guardLabel } from './machine-doc.js';

/** A state as the diagram needs it (the site's MachineModel adds source lines). */
export interface StateInfo {
  readonly path: readonly string[];
  readonly name: string;
  readonly type: string;
  readonly description: string;
  readonly initial: boolean;
  readonly children: readonly string[];
}

export interface DiagramTransition {
  readonly source: readonly string[];
  readonly event: string;
  readonly guard: string;
  readonly targets: readonly (readonly string[])[];
  readonly description: string;
}

export interface MachineModel {
  readonly states: readonly StateInfo[];
  readonly transitions: readonly DiagramTransition[];
}

export const nodeId = (path: readonly string[]): string => (path.length === 0 ? 'root' : path.join('_'));
export const clusterId = (path: readonly string[]): string => `cluster_${nodeId(path)}`;
/** The dot a compound state's incoming edges are drawn to: its initial pseudo-state. */
export const anchorId = (path: readonly string[]): string => `${nodeId(path)}__initial`;
export const stateAnchor = (path: readonly string[]): string => `state-${path.join('.')}`;
export const ANY_STATE = 'any_state';

const quote = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

function attributes(list: Record<string, string>): string {
  return `[${Object.entries(list).map(([k, v]) => `${k}=${quote(v)}`).join(', ')}]`;
}

const isCompound = (state: StateInfo | undefined): boolean => state !== undefined && state.children.length > 0;

/**
 * The DOT text for one machine. `transitionAnchor(i)` names the page anchor of transition i; without
 * it the diagram carries no links (the stepper's page has no state tables to link to).
 */
export function toDot(machineId: string, model: MachineModel, transitionAnchor?: (index: number) => string): string {
  const links = transitionAnchor !== undefined;
  const byPath = new Map(model.states.map((s) => [s.path.join('.'), s]));
  const out: string[] = [
    `digraph ${quote(machineId)} {`,
    '  compound=true; rankdir=LR; newrank=true; nodesep=0.35; ranksep=0.5;',
    '  graph [fontname="Helvetica", fontsize=12, style="rounded", color="#6b7b8c"];',
    '  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", fillcolor="#eef3fb", color="#45617f"];',
    '  edge [fontname="Helvetica", fontsize=9, color="#50606f", fontcolor="#2b3640", arrowsize=0.7];',
  ];
  const declare = (children: readonly StateInfo[], parent: StateInfo | undefined, indent: string): void => {
    if (parent === undefined || parent.type !== 'parallel') {
      const initial = children.find((c) => c.initial);
      if (initial !== undefined) {
        const dot = parent === undefined ? '__start' : anchorId(parent.path);
        out.push(`${indent}${quote(dot)} ${attributes({ shape: 'point', width: '0.12', label: '', fillcolor: '#222', color: '#222', style: 'filled' })};`);
        out.push(`${indent}${quote(dot)} -> ${quote(isCompound(initial) ? anchorId(initial.path) : nodeId(initial.path))}${isCompound(initial) ? ` ${attributes({ lhead: clusterId(initial.path) })}` : ''};`);
      }
    } else {
      out.push(`${indent}${quote(anchorId(parent.path))} ${attributes({ shape: 'point', width: '0.01', label: '', style: 'invis' })};`);
    }
    for (const child of children) {
      const tooltip = child.description === '' ? child.path.join('.') : child.description;
      if (isCompound(child)) {
        const parallel = child.type === 'parallel';
        out.push(`${indent}subgraph ${quote(clusterId(child.path))} {`);
        out.push(`${indent}  ${['label', 'tooltip', 'URL', 'style', 'color', 'bgcolor'].filter((k) => links || k !== 'URL').map((k) => `${k}=${quote(({ label: parallel ? `${child.name} (parallel)` : child.name, tooltip, URL: `#${stateAnchor(child.path)}`, style: parallel ? 'rounded,dashed' : 'rounded', color: '#6b7b8c', bgcolor: parent === undefined ? '#f8fafc' : '#ffffff' } as Record<string, string>)[k]!)}`).join('; ')};`);
        declare(child.children.map((name) => byPath.get([...child.path, name].join('.'))!), child, `${indent}  `);
        out.push(`${indent}}`);
      } else {
        out.push(`${indent}${quote(nodeId(child.path))} ${attributes({ label: child.name, tooltip, ...(links ? { URL: `#${stateAnchor(child.path)}` } : {}), ...(child.type === 'final' ? { peripheries: '2' } : {}) })};`);
      }
    }
  };
  declare(model.states.filter((s) => s.path.length === 1), undefined, '  ');
  if (model.transitions.some((t) => t.source.length === 0 && t.targets.length > 0)) {
    out.push(`  ${quote(ANY_STATE)} ${attributes({ label: 'any state', style: 'rounded,dashed', fillcolor: '#ffffff', tooltip: 'Rules on the machine itself: they apply in every state unless a state handles the event first.' })};`);
  }
  const seen = new Set<string>();
  model.transitions.forEach((t, index) => {
    const sourceState = byPath.get(t.source.join('.'));
    for (const target of t.targets) {
      const targetState = byPath.get(target.join('.'));
      const label = t.guard === '' ? t.event : `${t.event}\n[${t.guard}]`;
      const key = `${t.source.join('.')}>${target.join('.')}>${label}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const from = t.source.length === 0 ? ANY_STATE : isCompound(sourceState) ? anchorId(t.source) : nodeId(t.source);
      const to = isCompound(targetState) ? anchorId(target) : nodeId(target);
      const extra: Record<string, string> = { label, ...(links ? { URL: `#${transitionAnchor(index)}` } : {}), tooltip: t.description === '' ? label : t.description };
      // lhead/ltail clip at a cluster's border; not when the edge starts inside that cluster.
      const inside = (outer: readonly string[], inner: readonly string[]): boolean => outer.every((p, i) => inner[i] === p);
      if (isCompound(targetState) && !inside(target, t.source)) extra['lhead'] = clusterId(target);
      if (isCompound(sourceState) && !inside(t.source, target)) extra['ltail'] = clusterId(t.source);
      out.push(`  ${quote(from)} -> ${quote(to)} ${attributes(extra)};`);
    }
  });
  out.push('}');
  return out.join('\n') + '\n';
}

let graphviz: Graphviz | undefined;

/** DOT to SVG (the XML prolog and Graphviz's version comment dropped, so the output is stable). */
export async function renderDot(dot: string): Promise<string> {
  graphviz ??= await Graphviz.load();
  const svg = graphviz.dot(dot, 'svg');
  return svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '').replace(/<!-- Generated by[^>]*-->\s*/, '');
}

export function graphvizVersion(): string {
  return graphviz?.version() ?? 'not loaded';
}

/** States and transitions straight from a machine's definition (no source lines: what a diagram needs). */
export function diagramModel(machine: AnyStateMachine): MachineModel {
  const nodes = allNodes(machine.root).filter((node) => node !== machine.root);
  const states = nodes.map((node) => {
    const parent = node.parent as AnyStateNode | undefined;
    const initial = parent !== undefined && parent.type !== 'parallel' && (parent.initial?.target ?? []).some((t: AnyStateNode) => t === node);
    return { path: node.path, name: node.key, type: node.type, description: node.description ?? '', initial, children: Object.keys(node.states) };
  });
  const transitions: DiagramTransition[] = [];
  for (const node of allNodes(machine.root)) {
    const add = (event: string, list: readonly { guard?: unknown; target?: readonly AnyStateNode[] | undefined; description?: string | undefined }[]): void => {
      for (const t of list) transitions.push({ source: node.path, event, guard: guardLabel(t.guard), targets: (t.target ?? []).map((x) => x.path), description: t.description ?? '' });
    };
    for (const [eventType, list] of node.transitions) add(eventLabel(eventType), list);
    if (node.always !== undefined) add('(always)', node.always);
  }
  return { states, transitions };
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states as Record<string, AnyStateNode>).flatMap(allNodes)];
}
