/**
 * The web stepper's JSON API over the terminal stepper's engine (src/trace/session.ts): one
 * session, two views. Each request moves the session (or saves it) and answers with the page's
 * whole state: the current step, the machines with their active states, the numbered pending
 * events, a window of steps for the message sequence lane, the clause verdicts so far.
 *
 *   GET  /api/state                  the state
 *   POST /api/goto {index}           go to timeline index (back replays from the start: exact)
 *   POST /api/time {timeMs}          go to the last step at or before virtual time T
 *   POST /api/take {pending}         take pending event N (1-based) next: the run forks here
 *   POST /api/save {file}            write the run up to here as a scenario script
 *   GET  /api/diagram/MACHINE-ID     the machine's state diagram (SVG)
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { diagramModel, renderDot, toDot } from '../../docs/graphviz.js';
import { activePaths } from '../branch-script.js';
import { describeChanges, describeEvent } from '../render.js';
import type { StepSession } from '../session.js';
import { verdictsSoFar, type ClauseInfo } from '../stepper.js';
import type { TraceStep } from '../format.js';

/** Steps of the sequence lane before and after the cursor. */
const LANE_BEFORE = 30;
const LANE_AFTER = 8;

export interface WebMachine {
  readonly node: number;
  readonly actor: string;
  /** The XState machine id: its diagram is /api/diagram/<machine>. */
  readonly machine: string;
  /** Active leaf states, dotted (`Follower.Fetching`; a parallel state has one per region). */
  readonly active: readonly string[];
}

export interface WebStep {
  readonly index: number;
  readonly step: number;
  readonly time: number;
  readonly label: string;
  readonly kind: string;
  readonly from?: number;
  readonly to?: number;
  readonly node?: number;
  readonly chosen: boolean;
  readonly violations: readonly string[];
}

export interface WebState {
  readonly title: string;
  readonly model: string;
  readonly first: number;
  readonly cursor: number;
  readonly total: number;
  /** The number of the last step known (the trace's, or the run's own past it). */
  readonly lastStep: number;
  readonly now: number;
  readonly forked: boolean;
  readonly message: string;
  readonly current: { readonly step: number; readonly head: string; readonly effects: readonly string[]; readonly changes: readonly string[]; readonly violations: readonly string[] } | null;
  readonly unavailable: string | null;
  readonly pending: readonly { readonly number: number; readonly time: number; readonly description: string }[];
  readonly machines: readonly WebMachine[];
  readonly lane: readonly WebStep[];
  readonly verdicts: ReturnType<typeof verdictsSoFar>;
}

export interface ApiAnswer {
  readonly status: number;
  readonly type: 'json' | 'svg';
  readonly body: string;
}

export class StepperApi {
  private readonly machines = new Map<string, AnyStateMachine>();
  private readonly diagrams = new Map<string, string>();

  constructor(private readonly session: StepSession, private readonly title: string, private readonly clauses: readonly ClauseInfo[], private readonly saveDirectory = process.cwd()) {}

  /** The page's whole state, with `message` from the last request. */
  state(message = ''): WebState {
    const s = this.session;
    const view = s.view();
    const machines = s.machines();
    for (const m of machines) this.machines.set(m.machine.id, m.machine);
    const step = s.steps[s.cursor];
    const first = s.steps[0]?.step === 0 ? 0 : -1;
    return {
      title: this.title,
      model: s.header.model,
      first,
      cursor: s.cursor,
      total: s.steps.length,
      lastStep: s.steps[s.steps.length - 1]?.step ?? 0,
      now: step?.time ?? view.now,
      forked: s.forked,
      message,
      current: step === undefined ? null : { step: step.step, head: `step ${step.step} t=${step.time}ms ${describeEvent(step)}${step.chosen === true ? ' (chosen)' : ''}`, effects: step.effects, changes: describeChanges(step.changes), violations: step.violations ?? [] },
      unavailable: view.unavailable,
      pending: view.pending.map((p, i) => ({ number: i + 1, time: p.time, description: p.description })),
      machines: machines.map((m) => ({ node: m.node, actor: m.actor, machine: m.machine.id, active: activePaths(m) })),
      lane: s.steps.slice(Math.max(0, s.cursor - LANE_BEFORE), Math.max(0, s.cursor + 1 + LANE_AFTER)).map((st, i) => webStep(st, Math.max(0, s.cursor - LANE_BEFORE) + i)),
      verdicts: verdictsSoFar(this.clauses, s.steps, s.cursor),
    };
  }

  async handle(method: string, path: string, body: string): Promise<ApiAnswer> {
    const diagram = /^\/api\/diagram\/([\w.-]+)$/.exec(path);
    if (method === 'GET' && diagram !== null) return this.diagram(diagram[1] as string);
    if (method === 'GET' && path === '/api/state') return json(200, this.state());
    if (method !== 'POST') return json(404, { error: `no ${method} ${path}` });
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body === '' ? '{}' : body) as Record<string, unknown>;
      if (typeof input !== 'object' || input === null) throw new Error('not an object');
    } catch {
      return json(400, { error: 'the request body must be a JSON object' });
    }
    const number = (key: string): number | null => (Number.isSafeInteger(input[key]) ? (input[key] as number) : null);
    switch (path) {
      case '/api/goto': {
        const index = number('index');
        return index === null ? json(400, { error: 'goto needs {"index": N}' }) : json(200, this.state(this.session.goto(index)));
      }
      case '/api/time': {
        const timeMs = number('timeMs');
        return timeMs === null || timeMs < 0 ? json(400, { error: 'time needs {"timeMs": T}' }) : json(200, this.state(this.session.gotoTime(timeMs)));
      }
      case '/api/take': {
        const pending = number('pending');
        return pending === null || pending < 1 ? json(400, { error: 'take needs {"pending": N} (1 is the next)' }) : json(200, this.state(this.session.take(pending - 1)));
      }
      case '/api/save':
        return this.save(input['file']);
      default:
        return json(404, { error: `no POST ${path}` });
    }
  }

  private save(file: unknown): ApiAnswer {
    if (typeof file !== 'string' || file.trim() === '') return json(400, { error: 'save needs {"file": "NAME.txt"}' });
    const path = resolve(this.saveDirectory, file.trim());
    try {
      writeFileSync(path, this.session.saveScenario());
    } catch (error) {
      return json(200, this.state(`could not save: ${(error as Error).message}`));
    }
    return json(200, { ...this.state(`saved ${this.session.cursor + 1} steps to ${path}: kspec scenario runs it, kspec step opens it`), saved: path });
  }

  private async diagram(id: string): Promise<ApiAnswer> {
    const machine = this.machines.get(id);
    if (machine === undefined) return json(404, { error: `no machine ${id} in this run` });
    let svg = this.diagrams.get(id);
    if (svg === undefined) {
      svg = await renderDot(toDot(id, diagramModel(machine)));
      this.diagrams.set(id, svg);
    }
    return { status: 200, type: 'svg', body: svg };
  }
}

function webStep(step: TraceStep, index: number): WebStep {
  const e = (step.event ?? {}) as Record<string, unknown>;
  const fault = e['fault'] as Record<string, unknown> | undefined;
  const nodeOf = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  return {
    index,
    step: step.step,
    time: step.time,
    label: describeEvent(step),
    kind: typeof e['kind'] === 'string' ? (e['kind'] as string) : 'boot',
    ...(e['kind'] === 'deliver' ? { from: e['from'] as number, to: e['to'] as number } : {}),
    ...(nodeOf(e['node'] ?? e['consumer'] ?? fault?.['node']) === undefined ? {} : { node: nodeOf(e['node'] ?? e['consumer'] ?? fault?.['node']) as number }),
    chosen: step.chosen === true,
    violations: step.violations ?? [],
  };
}

const json = (status: number, value: unknown): ApiAnswer => ({ status, type: 'json', body: JSON.stringify(value) });
