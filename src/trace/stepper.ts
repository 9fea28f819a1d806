/**
 * The stepper's core, pure: a state and a key give a new state, and perhaps a request for the
 * run (go to step N, take pending event i, save); a state gives the screen. The terminal command
 * (src/cli/commands/step.ts) owns the run and the TTY; this module owns what a key means and what
 * the user sees, so both are tested without a terminal.
 *
 * Keys: n or space (next step), b (back), g N Enter (go to step N), t T Enter (go to time T ms),
 * 1-9 or c N Enter (take pending event N next: a fork), f NODE Enter (follow a node's machines;
 * again to stop), / TYPE Enter (show only steps of a message type or event kind; empty clears),
 * v (clause verdicts so far), s FILE Enter (save the run up to here as a trace), ? (help), q (quit).
 */
import type { TraceStep } from './format.js';
import { describeChanges, describeEvent, nodesOf, parseNode, stepIsOfType } from './render.js';

/** One followed machine at the current step: its top-level states, the active one, and its transitions out. */
export interface MachineLine {
  readonly node: number;
  readonly actor: string;
  readonly states: readonly string[];
  /** The active state, substates joined with dots (`Follower.Fetching`). */
  readonly active: string;
  /** The transitions out of the active state: `VoteResponse -> Leader`. */
  readonly transitions: readonly string[];
}

/** What the run shows at the current step (the terminal command builds it from the live run). */
export interface RunView {
  readonly now: number;
  readonly pending: readonly { readonly time: number; readonly description: string }[];
  readonly machines: readonly MachineLine[];
  /** Why the live state is unavailable (a trace the model does not reproduce from here), or null. */
  readonly unavailable: string | null;
}

export interface ClauseInfo {
  readonly id: string;
  readonly kind: string;
}

type Prompt = 'step' | 'time' | 'choose' | 'follow' | 'type' | 'save';

export interface StepperState {
  readonly title: string;
  readonly clauses: readonly ClauseInfo[];
  /** Every step known: the trace's, or the run's own after a fork or past the trace's end. */
  readonly steps: readonly TraceStep[];
  /** The index in `steps` of the step just taken; -1 before the first. */
  readonly cursor: number;
  readonly view: RunView;
  readonly follow: readonly number[];
  readonly typeFilter: string | null;
  readonly prompt: { readonly kind: Prompt; readonly text: string } | null;
  readonly panel: 'run' | 'verdicts' | 'help';
  readonly message: string;
  /** A step was taken out of queue order: the timeline is a fork of the trace. */
  readonly forked: boolean;
  readonly quit: boolean;
}

/** What the terminal must do for the core: move the run, fork it, save it. */
export type StepperRequest =
  | { readonly kind: 'goto'; readonly index: number }
  | { readonly kind: 'goto-time'; readonly timeMs: number }
  | { readonly kind: 'take'; readonly pending: number }
  | { readonly kind: 'save'; readonly path: string };

export function initialState(title: string, clauses: readonly ClauseInfo[], steps: readonly TraceStep[], cursor: number, view: RunView): StepperState {
  return { title, clauses, steps, cursor, view, follow: [], typeFilter: null, prompt: null, panel: 'run', message: 'n next  b back  ? help', forked: false, quit: false };
}

/** The run moved (or failed to): the terminal hands back the new timeline, position and view. */
export function withRun(state: StepperState, steps: readonly TraceStep[], cursor: number, view: RunView, message = '', forked = state.forked): StepperState {
  return { ...state, steps, cursor, view, message, forked };
}

const PROMPTS: Record<string, Prompt> = { g: 'step', t: 'time', c: 'choose', f: 'follow', '/': 'type', s: 'save' };
const PROMPT_LABEL: Record<Prompt, string> = { step: 'go to step', time: 'go to time (ms)', choose: 'take pending event', follow: 'follow node (n3, c91)', type: 'show type (Fetch, timer, fault; empty: all)', save: 'save to (.txt: a scenario; else a trace)' };

/** One key (a character; Enter is '\r', Backspace '\x7f', Escape '\x1b'). */
export function press(state: StepperState, key: string): { state: StepperState; request?: StepperRequest } {
  if (state.prompt !== null) return promptKey(state, key);
  const s = { ...state, message: '' };
  switch (key) {
    case 'q':
    case '\x03':
      return { state: { ...s, quit: true } };
    case 'n':
    case ' ':
    case '\r':
      return move(s, nextIndex(s, 1));
    case 'b':
      return s.cursor <= firstIndex(s) ? { state: { ...s, message: 'at the first step' } } : move(s, nextIndex(s, -1));
    case 'v':
      return { state: { ...s, panel: s.panel === 'verdicts' ? 'run' : 'verdicts' } };
    case '?':
    case 'h':
      return { state: { ...s, panel: s.panel === 'help' ? 'run' : 'help' } };
    default:
      if (/^[1-9]$/.test(key)) return choose(s, Number(key));
      if (PROMPTS[key] !== undefined) return { state: { ...s, prompt: { kind: PROMPTS[key] as Prompt, text: '' } } };
      return { state: { ...s, message: `no key '${printable(key)}' (? for help)` } };
  }
}

/** The cluster's boot (step 0) is where a replication run starts; a quorum run starts before step 1. */
const firstIndex = (s: StepperState): number => (s.steps[0]?.step === 0 ? 0 : -1);

/** The next (or previous) step index the type filter shows; past the known steps, the next the run makes. */
function nextIndex(s: StepperState, direction: 1 | -1): number {
  for (let i = s.cursor + direction; i >= firstIndex(s) && i < s.steps.length; i += direction) {
    const step = s.steps[i];
    if (step === undefined || i === firstIndex(s) || s.typeFilter === null || stepIsOfType(step, s.typeFilter)) return i;
  }
  return direction === 1 ? s.steps.length : firstIndex(s);
}

function move(s: StepperState, index: number): { state: StepperState; request: StepperRequest } {
  return { state: s, request: { kind: 'goto', index } };
}

function choose(s: StepperState, n: number): { state: StepperState; request?: StepperRequest } {
  if (s.view.unavailable !== null) return { state: { ...s, message: `cannot fork here: ${s.view.unavailable}` } };
  if (n < 1 || n > s.view.pending.length) return { state: { ...s, message: `no pending event ${n} (1 to ${s.view.pending.length})` } };
  return { state: s, request: { kind: 'take', pending: n - 1 } };
}

function promptKey(state: StepperState, key: string): { state: StepperState; request?: StepperRequest } {
  const prompt = state.prompt as { kind: Prompt; text: string };
  if (key === '\x1b' || key === '\x03') return { state: { ...state, prompt: null, message: 'cancelled' } };
  if (key === '\x7f' || key === '\b') return { state: { ...state, prompt: { ...prompt, text: prompt.text.slice(0, -1) } } };
  if (key !== '\r' && key !== '\n') return { state: key >= ' ' ? { ...state, prompt: { ...prompt, text: prompt.text + key } } : state };
  const s = { ...state, prompt: null, message: '' };
  const text = prompt.text.trim();
  const number = /^\d+$/.test(text) ? Number(text) : null;
  switch (prompt.kind) {
    case 'step': {
      if (number === null) return { state: { ...s, message: `not a step number: '${text}'` } };
      const index = s.steps.findIndex((step) => step.step === number);
      return move(s, index >= 0 ? index : s.steps.length + (number - ((s.steps[s.steps.length - 1]?.step ?? 0) + 1)));
    }
    case 'time':
      return number === null ? { state: { ...s, message: `not a time in ms: '${text}'` } } : { state: s, request: { kind: 'goto-time', timeMs: number } };
    case 'choose':
      return number === null ? { state: { ...s, message: `not a pending event number: '${text}'` } } : choose(s, number);
    case 'follow': {
      const node = parseNode(text);
      if (node === null) return { state: { ...s, message: `not a node: '${text}' (n3, c91, 101)` } };
      const follow = s.follow.includes(node) ? s.follow.filter((n) => n !== node) : [...s.follow, node].sort((a, b) => a - b);
      return { state: { ...s, follow, message: follow.includes(node) ? `following n${node}` : `no longer following n${node}` } };
    }
    case 'type':
      return { state: { ...s, typeFilter: text === '' ? null : text, message: text === '' ? 'showing every step' : `n/b move between ${text} steps` } };
    case 'save':
      return text === '' ? { state: { ...s, message: 'no file given' } } : { state: s, request: { kind: 'save', path: text } };
  }
}

const printable = (key: string): string => key.replace(/[\x00-\x1f\x7f]/g, (c) => `^${String.fromCharCode(c.charCodeAt(0) + 64)}`);

// ---- the screen ----------------------------------------------------------------------------------

export interface ScreenSize {
  readonly columns: number;
  readonly rows: number;
}

/** The screen: exactly `rows` lines (or fewer), none wider than `columns`. */
export function render(state: StepperState, size: ScreenSize): string[] {
  const width = Math.max(40, size.columns);
  const rows = Math.max(12, size.rows);
  const body = state.panel === 'verdicts' ? verdictLines(state) : state.panel === 'help' ? HELP : runLines(state, rows - 3);
  const footer = state.prompt !== null ? `${PROMPT_LABEL[state.prompt.kind]}: ${state.prompt.text}_` : state.message;
  const lines = [headLine(state), ...body.slice(0, rows - 3), ...Array<string>(Math.max(0, rows - 3 - body.length)).fill(''), footer, 'n next b back g step t time 1-9 take f follow / type v verdicts s save q quit'];
  return lines.map((l) => clip(l, width));
}

function headLine(s: StepperState): string {
  const step = s.steps[s.cursor];
  const last = s.steps[s.steps.length - 1]?.step ?? 0;
  const at = step === undefined ? 'before step 1' : `step ${step.step}/${last}`;
  const filter = s.typeFilter === null ? '' : ` [${s.typeFilter}]`;
  return `${s.title}  ${at}  t=${step?.time ?? s.view.now}ms${s.forked ? '  FORK' : ''}${filter}`;
}

function runLines(s: StepperState, budget: number): string[] {
  const step = s.steps[s.cursor];
  const top: string[] = [];
  if (step === undefined) top.push('(the run has not started: n takes the first step)');
  else {
    top.push(`event: ${describeEvent(step)}${step.chosen === true ? ' (chosen)' : ''}`);
    const effects = step.effects.map((e) => `  -> ${e}`);
    top.push(...capped(effects, 4));
    top.push(...capped(describeChanges(step.changes).map((c) => `  ~ ${c}`), 3));
    for (const v of step.violations ?? []) top.push(`  ! VIOLATION ${v}`);
  }
  if (s.view.unavailable !== null) return [...top, '', `live state unavailable: ${s.view.unavailable}`];
  const followed = s.follow.length > 0 ? s.follow : step === undefined ? [] : [...nodesOf(step)].sort((a, b) => a - b);
  const machines = s.view.machines.filter((m) => followed.includes(m.node));
  const pendingRoom = Math.max(3, Math.min(s.view.pending.length + 1, Math.floor((budget - top.length) / 2)));
  const machineRoom = Math.max(0, budget - top.length - pendingRoom);
  const machineLines = machineBlock(machines, machineRoom, s.follow.length > 0 ? 'following' : 'this step');
  const pending = [`pending (${s.view.pending.length}):`, ...s.view.pending.slice(0, Math.max(0, budget - top.length - machineLines.length - 1)).map((p, i) => `${String(i + 1).padStart(3)} t=${p.time} ${p.description}`)];
  return [...top, ...machineLines, ...pending];
}

function machineBlock(machines: readonly MachineLine[], room: number, label: string): string[] {
  if (room < 2 || machines.length === 0) return [];
  const lines = [`machines (${label}):`];
  for (const m of machines) {
    if (lines.length >= room) break;
    lines.push(`  n${m.node} ${m.actor}: ${m.states.map((st) => (st === m.active.split('.')[0] ? `[${m.active}]` : st)).join(' ')}`);
    if (lines.length < room && m.transitions.length > 0) lines.push(`      ${m.transitions.join(' | ')}`);
  }
  return lines;
}

function capped(lines: readonly string[], max: number): string[] {
  return lines.length <= max ? [...lines] : [...lines.slice(0, max - 1), `  ... ${lines.length - max + 1} more`];
}

/** One clause's verdict after the steps seen so far (both steppers show these). */
export interface VerdictSoFar {
  readonly id: string;
  readonly kind: string;
  /** fail: a step violated it; pass: an invariant no step violated; later: judged at the end of a run. */
  readonly status: 'pass' | 'fail' | 'later';
  readonly detail: string;
}

/** Invariants are judged per step; history and liveness clauses only at the end of a run. */
export function verdictsSoFar(clauses: readonly ClauseInfo[], steps: readonly TraceStep[], cursor: number): VerdictSoFar[] {
  const failed = new Map<string, string>();
  for (const step of steps.slice(0, cursor + 1)) {
    for (const v of step.violations ?? []) if (!failed.has(v.split(':')[0] as string)) failed.set(v.split(':')[0] as string, `step ${step.step}: ${v}`);
  }
  return clauses.map((c) => {
    const failure = failed.get(c.id);
    if (failure !== undefined) return { id: c.id, kind: c.kind, status: 'fail', detail: failure };
    return c.kind === 'invariant' ? { id: c.id, kind: c.kind, status: 'pass', detail: '' } : { id: c.id, kind: c.kind, status: 'later', detail: `${c.kind}: judged at the end` };
  });
}

function verdictLines(s: StepperState): string[] {
  const seen = Math.max(0, s.cursor + 1);
  const lines = [`clause verdicts after ${seen} step(s) (invariants per step; history and liveness clauses at the end of a run):`];
  for (const v of verdictsSoFar(s.clauses, s.steps, s.cursor)) lines.push(v.status === 'fail' ? `FAIL ${v.detail}` : v.status === 'pass' ? `PASS ${v.id}` : `---- ${v.id} (${v.detail})`);
  return lines;
}

const HELP = [
  'kspec step: one step of the run at a time.',
  '  n, space, Enter   the next step (with a type filter: the next step of that type)',
  '  b                 back one step (the run is replayed to it: deterministic)',
  '  g N Enter         go to step N          t T Enter   go to virtual time T ms',
  '  1-9, c N Enter    take pending event N next: the run forks from here',
  '  f NODE Enter      follow a node\'s machines (n3, c91); again to stop',
  '                    (by default the nodes of the current step are shown)',
  '  / TYPE Enter      only steps of a message type or event kind (Fetch, timer,',
  '                    fault); an empty type shows every step again',
  '  v                 clause verdicts so far      ? this help',
  '  s FILE Enter      save the run up to here: FILE.txt a scenario script',
  '                    (kspec scenario runs it), else a trace (kspec sim --replay)',
  '  q                 quit',
];

function clip(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, width - 1)}~`;
}
