/**
 * Replaying a trace: re-apply every recorded step's input to fresh machines, in order, and
 * compare the effects, changes and violations each step produces with the recorded ones. The
 * first difference is reported with its step; an identical replay proves the run is a pure
 * function of its trace.
 */
import { Simulation } from './simulator.js';
import { parseTrace, type TraceStep } from './trace.js';
import { findVariant } from '../variants.js';

export type ReplayOutcome =
  | { readonly identical: true; readonly steps: number; readonly violations: string[] }
  | { readonly identical: false; readonly step: number; readonly time: number; readonly difference: string };

export function replayTrace(text: string): ReplayOutcome {
  const { header, steps } = parseTrace(text);
  findVariant(header.options.variant);
  const sim = new Simulation({ options: header.options, faults: header.faults, scripted: true, recordTrace: true });
  for (const recorded of steps) {
    const difference = compareSteps(recorded, sim.replayStep(recorded.time, recorded.input));
    if (difference !== undefined) return { identical: false, step: recorded.step, time: recorded.time, difference };
  }
  return { identical: true, steps: steps.length, violations: steps.flatMap((s) => s.violations ?? []) };
}

function compareSteps(recorded: TraceStep, replayed: TraceStep | undefined): string | undefined {
  if (replayed === undefined) return 'the replay produced no step';
  for (const field of ['effects', 'changes', 'violations'] as const) {
    const a = JSON.stringify(recorded[field] ?? null);
    const b = JSON.stringify(replayed[field] ?? null);
    if (a !== b) return `${field} differ:\n  recorded: ${a}\n  replayed: ${b}`;
  }
  return undefined;
}
