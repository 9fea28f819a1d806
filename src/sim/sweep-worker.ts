/**
 * A sweep worker: runs the seeds it is sent and posts one result line per seed. The sweep splits
 * its seeds over the machine's cores; each seed's run is independent, so the summary is the same
 * whatever the split.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Simulation } from './simulator.js';
import { ClusterSimulation } from './cluster/simulation.js';
import { chosenClusterOptions, chosenQuorumOptions, type ClusterChoices } from './cluster/choices.js';

export interface SeedOutcome {
  readonly seed: number;
  readonly steps: number;
  readonly transitions: number;
  readonly virtualTimeMs: number;
  readonly violation: { clauseId: string; message: string } | null;
  /** Lost writes an unclean leader election explains (reported, not violations). */
  readonly allowedLostWrites: number;
  /** PROD-IDEM-1/2 findings over the producer machine's writes (zero for the raw writer). */
  readonly producerFindings: { readonly duplicates: number; readonly reorders: number; readonly allowedDuplicates: number; readonly allowedReorders: number };
  /** The seed's consumer group, if it had one. */
  readonly group?: { readonly protocol: string; readonly records: number; readonly rebalanceCallbacks: number; readonly crashes: number } | null;
}

const NO_FINDINGS = { duplicates: 0, reorders: 0, allowedDuplicates: 0, allowedReorders: 0 };

export interface SweepJob {
  readonly variant: string;
  readonly maxSteps: number;
  readonly model: 'replication' | 'quorum';
  readonly unclean: boolean;
  /** Every seed's writer is the producer machine with idempotence off. */
  readonly noIdempotence?: boolean;
  /** Cluster and workload options chosen on the command line (src/sim/cluster/choices.ts). */
  readonly choices?: ClusterChoices;
  readonly voters?: number;
}

export function runOneSeed(seed: number, job: SweepJob): SeedOutcome {
  if (job.model === 'replication') {
    const result = new ClusterSimulation({ options: chosenClusterOptions(seed, job) }).run();
    const first = result.violations[0];
    return {
      seed, steps: result.steps, transitions: result.transitions, virtualTimeMs: result.virtualTimeMs,
      violation: first === undefined ? null : { clauseId: first.clauseId, message: first.message },
      allowedLostWrites: result.allowedLostWrites.length,
      producerFindings: result.producerFindings,
      group: result.group,
    };
  }
  const result = new Simulation({ options: chosenQuorumOptions(seed, job) }).run();
  const first = result.violations[0];
  return {
    seed,
    steps: result.steps,
    transitions: result.transitions,
    virtualTimeMs: result.virtualTimeMs,
    violation: first === undefined ? null : { clauseId: first.clauseId, message: first.message },
    allowedLostWrites: 0,
    producerFindings: NO_FINDINGS,
  };
}

if (parentPort !== null && workerData !== null && typeof workerData === 'object') {
  const { seeds, job } = workerData as { seeds: number[]; job: SweepJob };
  for (const seed of seeds) parentPort.postMessage(runOneSeed(seed, job));
}
