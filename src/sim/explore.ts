/**
 * Exploration: fast-check generates fault schedules (crashes, restarts, partitions, heals) for a
 * small quorum on a reliable network, runs each through the simulator, and shrinks a failing one
 * to a minimal counterexample: the fewest faults, the earliest times, the smallest seed.
 */
import fc from 'fast-check';
import { Simulation, type RunResult } from './simulator.js';
import { optionsFromSeed, type SimOptions } from './options.js';
import type { Fault, TimedFault } from './faults.js';

export interface ExploreSettings {
  readonly variant: string;
  readonly runs: number;
  /** fast-check's own seed: the same seed explores the same schedules. */
  readonly seed: number;
  readonly voters: number;
}

export interface Counterexample {
  readonly options: SimOptions;
  readonly faults: TimedFault[];
  readonly result: RunResult;
}

export interface ExploreOutcome {
  readonly runsTried: number;
  readonly findMs: number | null;
  readonly shrinkMs: number;
  readonly shrinks: number;
  readonly counterexample: Counterexample | null;
}

const SAFETY_PHASE_MS = 6_000;

export function exploreOptions(simSeed: number, settings: ExploreSettings): SimOptions {
  return {
    ...optionsFromSeed(simSeed, { variant: settings.variant, voters: settings.voters, observers: 0 }),
    safetyPhaseMs: SAFETY_PHASE_MS,
    livenessBoundMs: 20_000,
    proposeIntervalMs: 100,
    network: { delayMinMs: 1, delayMeanMs: 2, lossProbability: 0, duplicateProbability: 0, reorderProbability: 0 },
    faults: { meanIntervalMs: 0, crash: true, partition: true, pause: false, clockSkew: false, downtimeMaxMs: 0 },
  };
}

export function faultArbitrary(voters: number): fc.Arbitrary<Fault> {
  const nodes = Array.from({ length: voters }, (_, i) => i + 1);
  const node = fc.constantFrom(...nodes);
  return fc.oneof(
    fc.record({ kind: fc.constant('crash' as const), node }),
    fc.record({ kind: fc.constant('restart' as const), node }),
    fc.record({ kind: fc.constant('isolate' as const), node }),
    fc.record({ kind: fc.constant('heal' as const) }),
    fc.record({ kind: fc.constant('split' as const), side: fc.subarray(nodes, { minLength: 1, maxLength: Math.max(1, voters - 1) }) }),
  );
}

export function scheduleArbitrary(voters: number): fc.Arbitrary<TimedFault[]> {
  const timed = fc.record({ atMs: fc.integer({ min: 0, max: SAFETY_PHASE_MS - 1 }), fault: faultArbitrary(voters) });
  return fc.array(timed, { maxLength: 14 }).map((faults) => [...faults].sort((a, b) => a.atMs - b.atMs));
}

export function explore(settings: ExploreSettings): ExploreOutcome {
  const started = performance.now();
  let findMs: number | null = null;
  let runsTried = 0;
  const property = fc.property(fc.integer({ min: 1, max: 1_000_000 }), scheduleArbitrary(settings.voters), (simSeed, faults) => {
    if (findMs === null) runsTried++;
    const result = new Simulation({ options: exploreOptions(simSeed, settings), faults }).run();
    const holds = result.violations.length === 0;
    if (!holds && findMs === null) findMs = performance.now() - started;
    return holds;
  });
  const details = fc.check(property, { numRuns: settings.runs, seed: settings.seed, endOnFailure: false });
  const totalMs = performance.now() - started;
  if (!details.failed || details.counterexample === null) {
    return { runsTried, findMs: null, shrinkMs: 0, shrinks: 0, counterexample: null };
  }
  const [simSeed, faults] = details.counterexample;
  const options = exploreOptions(simSeed, settings);
  const result = new Simulation({ options, faults, recordTrace: true }).run();
  return { runsTried, findMs, shrinkMs: totalMs - (findMs ?? totalMs), shrinks: details.numShrinks, counterexample: { options, faults, result } };
}
