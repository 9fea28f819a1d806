/**
 * Trace steps as readable lines (what kafka-dump-log is for a log): the event a step took, what
 * became of it, its effects, changes and violations. `kspec trace` prints them; the stepper shows
 * the same lines. Messages render through the registry, so every message the model knows reads
 * the same here as in the simulator's own effects.
 */
import { renderMessageBody, type Message } from '../protocol/registry.js';
import { renderFault, type Fault } from '../sim/faults.js';
import type { TraceStep } from './format.js';

const node = (id: number): string => (id === 0 ? 'client' : `n${id}`);

/** `xstate.after.electionTimeout.quorum.Unattached` reads `after electionTimeout`, as in the machine docs. */
export const timerName = (id: string): string => id.replace(/xstate\.after\.([^.\s]+)\.\S+/g, 'after $1');

/** The event of a step in one line, with what the model did with it. */
export function describeEvent(step: Pick<TraceStep, 'event' | 'input'>): string {
  const e = step.event as Record<string, unknown> | undefined;
  const input = step.input as Record<string, unknown>;
  if (e === undefined) return input.kind === 'boot' ? 'boot: every node starts' : String(input.kind);
  switch (e['kind']) {
    case 'deliver': {
      const line = `${node(e['from'] as number)}->${node(e['to'] as number)} ${renderMessageBody(e['message'] as Message)}`;
      if (input.kind === 'drop') return `${line} (not delivered: ${String(input['reason'])})`;
      return typeof input['actor'] === 'string' ? `${line} [${input['actor']}]` : line;
    }
    case 'timer': {
      const held = String(input['id'] ?? '').endsWith('(held: paused)') ? ' (held: paused)' : '';
      return `${node(e['node'] as number)} ${typeof e['actor'] === 'string' ? `${e['actor']} ` : ''}timer ${timerName(String(e['id']))}${held}`;
    }
    case 'client':
      return typeof e['op'] === 'string' ? `client ${e['op']}` : `client propose${typeof input['value'] === 'string' ? ` ${input['value']}` : ''}${typeof input['node'] === 'number' && input['node'] >= 0 ? ` to ${node(input['node'])}` : ''}`;
    case 'consumer':
      return `consumer ${node(e['consumer'] as number)} ${String(e['op'])}`;
    case 'fault':
      return `fault ${renderFault(e['fault'] as Fault)}`;
    case 'call': {
      const args = Object.entries(e).filter(([k]) => k !== 'kind' && k !== 'call').map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
      return `call ${String(e['call'])}${args.length > 0 ? ` ${args.join(' ')}` : ''}`;
    }
    default:
      return JSON.stringify(e);
  }
}

/** A node's changes in one line: `n101 quorum=Leader e1 hw=0 controller=Active`. */
export function describeChanges(changes: TraceStep['changes']): string[] {
  return Object.entries(changes).map(([id, fields]) => `${node(Number(id))} ${Object.entries(fields).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
}

/** A step as lines: the head line, then effects (->), changes (~) and violations (!). */
export function describeStep(step: TraceStep): string[] {
  const chosen = step.chosen === true ? ' (chosen out of queue order)' : '';
  return [
    `step ${step.step} t=${step.time}ms ${describeEvent(step)}${chosen}`,
    ...step.effects.map((e) => `  -> ${e}`),
    ...describeChanges(step.changes).map((c) => `  ~ ${c}`),
    ...(step.violations ?? []).map((v) => `  ! VIOLATION ${v}`),
  ];
}

/** The node ids a step is about: the event's ends or node, and every node it changed. */
export function nodesOf(step: TraceStep): Set<number> {
  const e = (step.event ?? {}) as Record<string, unknown>;
  const ids = new Set<number>(Object.keys(step.changes).map(Number));
  for (const key of ['from', 'to', 'node', 'consumer']) if (typeof e[key] === 'number') ids.add(e[key] as number);
  const fault = e['fault'] as Record<string, unknown> | undefined;
  if (fault !== undefined) for (const key of ['node', 'from', 'to']) if (typeof fault[key] === 'number') ids.add(fault[key] as number);
  if (fault !== undefined && Array.isArray(fault['side'])) for (const id of fault['side'] as number[]) ids.add(id);
  return ids;
}

/**
 * Whether a step is of type `type`: a message type (`Fetch` also matches `FetchRequest` and
 * `FetchResponse`), or an event kind (deliver, timer, client, consumer, fault, call). Case is ignored.
 */
export function stepIsOfType(step: TraceStep, type: string): boolean {
  const wanted = type.toLowerCase();
  const e = (step.event ?? {}) as Record<string, unknown>;
  if (String(e['kind'] ?? '').toLowerCase() === wanted) return true;
  const messageType = String((e['message'] as Message | undefined)?.type ?? '').toLowerCase();
  return messageType !== '' && (messageType === wanted || messageType.replace(/(request|response)$/, '') === wanted.replace(/(request|response)$/, '') && !/(request|response)$/.test(wanted));
}

/** Parse a node given as n3, c91, 101 or 3. */
export function parseNode(text: string): number | null {
  const match = /^[nc]?(\d+)$/i.exec(text.trim());
  return match === null ? null : Number(match[1]);
}
