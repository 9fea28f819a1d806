/**
 * Replaying a trace: start the model from the header, take each step's recorded event again, and
 * check that the step the model makes is the recorded one: its time, what it did with the event,
 * its effects, changes and violations. The event must be the queue's next (the run took it so),
 * unless the line says the stepper chose it out of order, or the run was a scenario's and the
 * event is a call. The first difference names its step; an identical replay shows the run is a
 * pure function of its header and its events.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseTraceFile, type TraceFile, type TraceStep } from './format.js';
import { asJson, findPending, startRun, type ModelRun } from './run.js';
import { KSPEC_VERSION } from './write.js';

export type ReplayOutcome =
  | { readonly identical: true; readonly steps: number; readonly violations: readonly string[] }
  | { readonly identical: false; readonly step: number | 'end'; readonly time: number; readonly difference: string; readonly versionNote: string };

/** Replay a trace file's text; a malformed file throws TraceFormatError. */
export function replayTraceText(text: string): ReplayOutcome {
  return replayTrace(parseTraceFile(text));
}

export function replayTrace(trace: TraceFile): ReplayOutcome {
  const run = startRun(trace.header);
  const versionNote = trace.header.kspec === KSPEC_VERSION ? '' : ` (the trace was written by kspec ${trace.header.kspec}, this is ${KSPEC_VERSION})`;
  const diverged = (step: number | 'end', time: number, difference: string): ReplayOutcome => ({ identical: false, step, time, difference, versionNote });
  // The run's own lines so far: the cluster's boot (step 0) is recorded as the run starts.
  let produced = (run.traced.sim.trace ?? []).length - 1;
  let consumed = 0;
  for (const recorded of trace.steps) {
    if (produced <= consumed) {
      const problem = takeRecordedEvent(run, recorded);
      if (problem !== null) return diverged(recorded.step, recorded.time, problem);
      produced = (run.traced.sim.trace ?? []).length - 1;
    }
    const replayed = (run.traced.sim.trace ?? [])[consumed + 1];
    consumed++;
    const difference = compareSteps(recorded, replayed);
    if (difference !== null) return diverged(recorded.step, recorded.time, difference);
  }
  if (produced > consumed) return diverged('end', run.now(), `the run made ${produced - consumed} more step(s) than the trace records`);
  if (trace.end.finished) run.finish();
  const violations = run.violations().map((v) => `${v.clauseId}: ${v.message}`);
  if (!isDeepStrictEqual(violations, trace.end.violations)) {
    return diverged('end', run.now(), `the run's violations differ:\n  recorded: ${JSON.stringify(trace.end.violations).slice(0, 300)}\n  replayed: ${JSON.stringify(violations).slice(0, 300)}`);
  }
  return { identical: true, steps: trace.steps.length, violations };
}

/** Take the recorded event: the queue's next, a chosen pending event, or a scenario's call. Returns why not, or null. */
export function takeRecordedEvent(run: ModelRun, recorded: TraceStep): string | null {
  if (recorded.event === undefined) return 'the step records no event to take';
  const pending = run.pending();
  const head = pending[0];
  if (recorded.chosen !== true && head !== undefined && isDeepStrictEqual(asJson(head.event), asJson(recorded.event))) {
    run.next();
    return null;
  }
  if (recorded.chosen === true) {
    const index = findPending(pending, asJson(recorded.event), recorded.time, run.now());
    if (index < 0) return `the chosen event ${describeEvent(recorded.event)} is not pending`;
    run.take(index);
    return null;
  }
  // Older traces mark no injected step: a scripted run's events that are no queue item were its calls.
  if (recorded.injected === true || run.scripted) {
    // A scenario's command runs at the time its script had reached, perhaps with no step since.
    run.idleUntil(recorded.time);
    if (run.call(recorded.event)) return null;
  }
  return `the recorded event ${describeEvent(recorded.event)} is not what the run takes next (${head === undefined ? 'nothing is pending' : `next: ${head.description} at t=${head.time}`})`;
}

const FIELDS = ['step', 'time', 'event', 'chosen', 'injected', 'input', 'effects', 'changes', 'violations'] as const;

export function compareSteps(recorded: TraceStep, replayed: unknown): string | null {
  if (replayed === undefined) return 'the replay made no step';
  const mine = asJson(replayed) as Record<string, unknown>;
  const theirs = asJson(recorded) as Record<string, unknown>;
  for (const field of FIELDS) {
    const a = theirs[field];
    const b = mine[field];
    if (isDeepStrictEqual(a, b)) continue;
    if (field === 'effects' && Array.isArray(a) && Array.isArray(b)) {
      const i = a.findIndex((line, k) => line !== b[k]);
      const at = i < 0 ? a.length : i;
      return `effect ${at + 1} differs:\n  recorded: ${show(a[at])}\n  replayed: ${show(b[at])}`;
    }
    return `${field} differs:\n  recorded: ${show(a)}\n  replayed: ${show(b)}`;
  }
  return null;
}

const show = (value: unknown): string => (value === undefined ? '(nothing)' : JSON.stringify(value).slice(0, 300));

function describeEvent(event: unknown): string {
  const e = event as { kind?: string; from?: number; to?: number; message?: { type?: string }; node?: number; id?: string; op?: string; call?: string; fault?: { kind: string } };
  switch (e.kind) {
    case 'deliver':
      return `deliver ${e.message?.type ?? '?'} n${e.from}->n${e.to}`;
    case 'timer':
      return `timer ${e.id} on n${e.node}`;
    case 'fault':
      return `fault ${e.fault?.kind ?? '?'}`;
    case 'call':
      return `call ${e.call}`;
    default:
      return JSON.stringify(event).slice(0, 120);
  }
}
