/**
 * A sweep worker: runs the seeds it is sent and posts one result line per seed. The sweep splits
 * its seeds over the machine's cores; each seed's run is independent, so the summary is the same
 * whatever the split.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Simulation } from './simulator.js';
import { optionsFromSeed } from './options.js';

export interface SeedOutcome {
  readonly seed: number;
  readonly steps: number;
  readonly transitions: number;
  readonly virtualTimeMs: number;
  readonly violation: { clauseId: string; message: string } | null;
}

export function runOneSeed(seed: number, variant: string, maxSteps: number): SeedOutcome {
  const result = new Simulation({ options: optionsFromSeed(seed, { variant, maxSteps }) }).run();
  const first = result.violations[0];
  return {
    seed,
    steps: result.steps,
    transitions: result.transitions,
    virtualTimeMs: result.virtualTimeMs,
    violation: first === undefined ? null : { clauseId: first.clauseId, message: first.message },
  };
}

if (parentPort !== null && workerData !== null && typeof workerData === 'object') {
  const { seeds, variant, maxSteps } = workerData as { seeds: number[]; variant: string; maxSteps: number };
  for (const seed of seeds) parentPort.postMessage(runOneSeed(seed, variant, maxSteps));
}
