/**
 * Writing a trace file: the one writer every command uses (sim, explore, the stepper's saved
 * forks). The simulators keep their steps in memory as they run; this turns them into the file
 * format of src/trace/format.ts: a versioned header, the steps, an end line.
 */
import packageJson from '../../package.json' with { type: 'json' };
import type { Simulation } from '../sim/simulator.js';
import type { ClusterSimulation } from '../sim/cluster/simulation.js';
import type { Violation } from '../../spec/clause.js';
import { TRACE_FORMAT, TRACE_FORMAT_VERSION, type TraceEnd, type TraceHeader, type TraceModel } from './format.js';

/** The version in package.json, recorded in every header. */
export const KSPEC_VERSION = packageJson.version;

/** A simulator with its in-memory trace, of either model. */
export type TracedRun = { readonly model: 'quorum'; readonly sim: Simulation } | { readonly model: 'replication'; readonly sim: ClusterSimulation };

/** What a simulator keeps in memory: its header line, then its step lines. */
export type MemoryTrace = readonly { readonly kind: string }[];

/** The in-memory header line of either simulator, as the file's header. */
export function fileHeader(model: TraceModel, memory: MemoryTrace): TraceHeader {
  const first = memory[0] as { kind: string; options: { seed: number }; scripted: boolean; faults: unknown; setup?: unknown } | undefined;
  if (first === undefined) throw new Error('the simulation recorded no trace (recordTrace: true)');
  const expected = model === 'quorum' ? 'header' : 'cluster-header';
  if (first.kind !== expected) throw new Error(`not a ${model} trace: its first line is a ${first.kind}`);
  const common = { kind: 'header', format: TRACE_FORMAT, version: TRACE_FORMAT_VERSION, kspec: KSPEC_VERSION, seed: first.options.seed, scripted: first.scripted, faults: first.faults } as const;
  return { ...common, model, options: first.options, ...(first.setup === undefined ? {} : { setup: first.setup }) } as TraceHeader;
}

export function traceText(header: TraceHeader, steps: readonly object[], end: TraceEnd): string {
  return [header, ...steps, end].map((line) => JSON.stringify(line)).join('\n') + '\n';
}

/**
 * The whole file of a run from what the simulator kept: its in-memory trace and its violations.
 * `finished`: the run's end-of-run checks ran (run() or a scenario's `check`).
 */
export function memoryTraceText(model: TraceModel, memory: MemoryTrace, violations: readonly Violation[], finished: boolean): string {
  const steps = memory.slice(1);
  const end: TraceEnd = { kind: 'end', steps: steps.length, finished, violations: violations.map((v) => `${v.clauseId}: ${v.message}`) };
  return traceText(fileHeader(model, memory), steps, end);
}

/** The whole file of a live run. */
export function runTraceText(run: TracedRun, finished: boolean): string {
  return memoryTraceText(run.model, run.sim.trace ?? [], run.sim.violations, finished);
}
