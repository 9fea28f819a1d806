/**
 * kspec's transition() (src/machines/transition.ts) reuses one inert actor per machine where
 * XState's builds a new one per call. It must give what XState's gives: every step of a quorum
 * run is taken with both, from the same snapshot, and the snapshots and actions compared.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { transition as xstateTransition } from 'xstate';
import { controllerProgram, type ControllerProgram } from '../../src/cluster/controller.js';
import { createQuorumMachine } from '../../src/machines/quorum/index.js';
import { Simulation } from '../../src/sim/simulator.js';
import { optionsFromSeed } from '../../src/sim/options.js';

const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const snapshotData = (snapshot: unknown) => {
  const s = snapshot as { value: unknown; context: unknown; status: unknown };
  return asJson({ value: s.value, context: s.context, status: s.status });
};

/** The reference program, with every step also taken by XState's own transition() and compared. */
function comparingProgram(machine: ReturnType<typeof createQuorumMachine>, reference: ControllerProgram, mismatches: string[], steps: { count: number }): ControllerProgram {
  return {
    ...reference,
    step(snapshot, event) {
      const [theirs, theirActions] = xstateTransition(machine, snapshot as never, event as never);
      const ours = reference.step(snapshot, event);
      steps.count++;
      if (!isSame(snapshotData(theirs), snapshotData(ours.snapshot)) || !isSame(actionData(theirActions), actionData(ours.actions))) mismatches.push(`${String(event['type'])} at step ${steps.count}`);
      return ours;
    },
  };
}

const isSame = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
/** What a shell reads of an action: its type and params (its `info` names the throwaway actor, whose id differs per call). */
const actionData = (actions: readonly unknown[]) => asJson(actions.map((a) => ({ type: (a as { type: string }).type, params: (a as { params?: unknown }).params })));

describe('transition() without a new inert actor per call', () => {
  it('gives the snapshot and the actions XState gives, on every step of quorum runs with faults', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (seed) => {
        const options = { ...optionsFromSeed(seed, { voters: 3 }), safetyPhaseMs: 2_000, livenessBoundMs: 2_000 };
        const mismatches: string[] = [];
        const steps = { count: 0 };
        const program = comparingProgram(createQuorumMachine(), controllerProgram(options.variant), mismatches, steps);
        new Simulation({ options, program }).run();
        expect(steps.count).toBeGreaterThan(50);
        expect(mismatches).toEqual([]);
      }),
      { numRuns: 3, seed: 7 },
    );
  });
});
