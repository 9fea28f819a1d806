/**
 * The stepper's run: a model started from a trace's header and moved along the trace's steps, or
 * past them, or off them (a fork). Going back replays from the start (runs are deterministic, so
 * this is exact). It answers the pure core's requests (src/trace/stepper.ts) with the new
 * timeline, position and view. A trace the model stops reproducing is still shown, line by line,
 * without live state from the step where it differs.
 */
import { readFileSync } from 'node:fs';
import type { AnyStateNode } from 'xstate';
import { eventLabel } from '../docs/machine-doc.js';
import { parseScript, ScriptError } from '../scenario/script.js';
import { ScenarioRunner } from '../scenario/runner.js';
import { ClusterScenarioRunner } from '../scenario/cluster-runner.js';
import { parseTraceFile, type TraceEnd, type TraceFile, type TraceHeader, type TraceStep } from './format.js';
import { compareSteps, takeRecordedEvent } from './replay.js';
import { startRun, type MachineState, type ModelRun } from './run.js';
import { memoryTraceText, traceText } from './write.js';
import { BranchScenarioRunner, branchScript } from './branch-script.js';
import type { MachineLine, RunView } from './stepper.js';
import { timerName } from './render.js';

/** Steps the stepper takes past the trace in one request at most (a jump in time on a run that never ends). */
const ADVANCE_MAX = 1_000_000;

export class StepSession {
  private run: ModelRun;
  /** Every step known, recorded or made here. */
  private timeline: TraceStep[];
  private position: number;
  /** From this index on the model no longer reproduces the timeline: why. */
  private diverged: { index: number; reason: string } | null = null;
  forked = false;
  /** Where the run came from, named in a saved branch. */
  source = 'a run';

  constructor(readonly header: TraceHeader, steps: readonly TraceStep[]) {
    this.timeline = [...steps];
    this.run = startRun(header);
    this.position = this.startPosition();
  }

  get steps(): readonly TraceStep[] {
    return this.timeline;
  }

  get cursor(): number {
    return this.position;
  }

  /** The cluster's boot (step 0) is recorded as the run starts; the quorum model starts before step 1. */
  private startPosition(): number {
    return this.header.model === 'replication' ? 0 : -1;
  }

  /** Move to timeline index `index` (past the end: the run's next steps). Returns a message, or ''. */
  goto(index: number): string {
    const target = Math.max(this.startPosition(), index);
    if (target < this.position) this.restart();
    let steps = 0;
    while (this.position < target) {
      if (this.position + 1 >= this.timeline.length && !this.extend()) return `the run has nothing pending after step ${this.timeline[this.position]?.step ?? 0}`;
      this.advanceOne();
      if (++steps > ADVANCE_MAX) return `stopped after ${ADVANCE_MAX} steps`;
    }
    return this.diverged !== null && this.position >= this.diverged.index ? 'the model does not reproduce the trace from here: lines only' : '';
  }

  /** Move to the last step at or before `timeMs`, running past the trace's end if need be. */
  gotoTime(timeMs: number): string {
    let index = this.timeline.findIndex((s) => s.time > timeMs);
    if (index < 0) {
      while (this.timeline.length < this.position + ADVANCE_MAX && (this.timeline[this.timeline.length - 1]?.time ?? 0) <= timeMs) {
        this.goto(this.timeline.length - 1);
        if (!this.extend()) break;
      }
      index = this.timeline.findIndex((s) => s.time > timeMs);
      if (index < 0) index = this.timeline.length;
    }
    return this.goto(index - 1);
  }

  /** Take pending event `pending` as the next step: the timeline forks here. */
  take(pending: number): string {
    if (this.diverged !== null && this.position >= this.diverged.index) return `cannot fork here: ${this.diverged.reason}`;
    const before = this.run.pending()[pending];
    if (before === undefined) return `no pending event ${pending + 1}`;
    this.run.take(pending);
    this.timeline = [...this.timeline.slice(0, this.position + 1), this.run.lastStep() as TraceStep];
    this.position++;
    this.diverged = null;
    this.forked = true;
    return `took ${before.description}: the run forks here (s FILE saves it)`;
  }

  /** The run up to the current step as a trace file (it replays: kspec sim --replay, kspec step). */
  save(): string {
    const steps = this.timeline.slice(0, this.position + 1);
    const end: TraceEnd = { kind: 'end', steps: steps.length, finished: false, violations: steps.flatMap((s) => s.violations ?? []) };
    return traceText(this.header, steps, end);
  }

  /**
   * The run up to the current step as a branch script (`kspec scenario` runs it, `kspec step` opens
   * it at the same step). Throws when the model does not reproduce the timeline up to here.
   */
  saveScenario(source = this.source): string {
    if (this.diverged !== null && this.position >= this.diverged.index) throw new Error(`cannot save here: ${this.diverged.reason}`);
    const steps = this.timeline.slice(0, this.position + 1);
    const fork = steps.find((s) => s.chosen === true);
    const at = steps[steps.length - 1]?.step ?? 0;
    return branchScript(this.header, steps, `A branch of ${source} saved by kspec step at step ${at}${fork === undefined ? '' : ` (it forks at step ${fork.step})`}.\nkspec scenario runs it (each command's steps are its expected output); kspec step opens it here.`);
  }

  view(): RunView {
    if (this.diverged !== null && this.position >= this.diverged.index) return { now: this.timeline[this.position]?.time ?? 0, pending: [], machines: [], unavailable: this.diverged.reason };
    return {
      now: this.run.now(),
      pending: this.run.pending().map((p) => ({ time: p.time, description: timerName(p.description) })),
      machines: this.run.machines().map(machineLine),
      unavailable: null,
    };
  }

  /** The run's machines at the current step (none where the model stopped reproducing the trace). */
  machines(): readonly MachineState[] {
    return this.diverged !== null && this.position >= this.diverged.index ? [] : this.run.machines();
  }

  private restart(): void {
    this.run = startRun(this.header);
    this.position = this.startPosition();
  }

  /** The run's own next step, appended to the timeline. */
  private extend(): boolean {
    if (this.diverged !== null) return false;
    if (this.position + 1 < this.timeline.length) return true;
    if (!this.run.next()) return false;
    this.timeline.push(this.run.lastStep() as TraceStep);
    return true;
  }

  private advanceOne(): void {
    const index = this.position + 1;
    this.position = index;
    if (this.diverged !== null && index >= this.diverged.index) return;
    const recorded = this.timeline[index] as TraceStep;
    const made = (): readonly unknown[] => this.run.traced.sim.trace ?? [];
    // The run may have made this step already (its own step past the trace's end, or the cluster's boot).
    if (made().length - 2 < index) {
      const problem = takeRecordedEvent(this.run, recorded);
      if (problem !== null) {
        this.diverged = { index, reason: `step ${recorded.step}: ${problem}` };
        return;
      }
    }
    const difference = compareSteps(recorded, made()[index + 1]);
    if (difference !== null) this.diverged = { index, reason: `step ${recorded.step}: ${difference.split('\n')[0] ?? ''}` };
  }
}

/** The machine's top-level states, the active one (substates joined by dots) and the transitions out of it. */
export function machineLine(m: MachineState): MachineLine {
  const states = Object.keys(m.machine.root.states);
  const path = statePath(m.value);
  const transitions: string[] = [];
  let node: AnyStateNode | undefined = m.machine.root;
  for (const key of path) {
    node = node?.states[key];
    if (node === undefined) break;
    for (const [type, list] of node.transitions) {
      for (const t of list) {
        const targets = (t.target ?? []).map((x: AnyStateNode) => x.key);
        if (targets.length === 0) continue;
        const line = `${eventLabel(type)} -> ${targets.join(',')}`;
        if (!transitions.includes(line)) transitions.push(line);
      }
    }
  }
  return { node: m.node, actor: m.actor, states, active: path.join('.'), transitions: transitions.slice(0, 6) };
}

function statePath(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  const [key, inner] = Object.entries(value)[0] ?? [];
  return key === undefined ? [] : [key, ...statePath(inner)];
}

/** A trace file, or a scenario script run to its end and opened as the trace it wrote. */
export function openForStepping(path: string): { trace: TraceFile; source: 'trace' | 'scenario' } {
  const text = readFileSync(path, 'utf8');
  if (text.trimStart().startsWith('{')) return { trace: parseTraceFile(text), source: 'trace' };
  return { trace: parseTraceFile(scenarioTraceText(text)), source: 'scenario' };
}

/** Run a scenario script (its expected output is not compared) and return its trace file's text. */
export function scenarioTraceText(script: string): string {
  const blocks = parseScript(script);
  if (blocks.length === 0) throw new ScriptError('the scenario has no commands');
  if (blocks[0]?.command === 'branch') {
    const runner = new BranchScenarioRunner();
    for (const block of blocks) runner.execute(block);
    const run = runner.modelRun as ModelRun;
    return memoryTraceText(run.traced.model, run.traced.sim.trace ?? [], run.violations(), false);
  }
  if (blocks[0]?.command === 'brokers') {
    const runner = new ClusterScenarioRunner();
    for (const block of blocks) runner.execute(block);
    const sim = runner.simulation;
    if (sim === null) throw new ScriptError('the scenario made no cluster');
    return memoryTraceText('replication', sim.trace ?? [], sim.violations, blocks.some((b) => b.command === 'check'));
  }
  const runner = new ScenarioRunner();
  for (const block of blocks) runner.execute(block);
  return memoryTraceText('quorum', runner.simulation.trace ?? [], runner.simulation.violations, false);
}

