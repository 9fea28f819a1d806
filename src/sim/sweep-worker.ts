/**
 * A sweep worker: runs the seeds it is sent and posts one result line per seed. The sweep splits
 * its seeds over the machine's cores; each seed's run is independent, so the summary is the same
 * whatever the split.
 *
 * A seed is judged by the spec alone: every clause it violates is reported (not only the first),
 * a simulation that throws is a failure of that seed with its error (the sweep goes on), and
 * every anomaly Kafka allows (a lost write under unclean election, a duplicate in KIP-360's
 * window) is listed with its reason, so that `--fail-on-allowed` can refuse them too.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Simulation } from './simulator.js';
import { ClusterSimulation } from './cluster/simulation.js';
import { chosenClusterOptions, chosenQuorumOptions, type ClusterChoices } from './cluster/choices.js';
import type { AllowedAnomaly, Violation } from '../../spec/clause.js';

export type { AllowedAnomaly };

export interface SeedViolation {
  readonly clauseId: string;
  readonly message: string;
}

export interface SeedOutcome {
  readonly seed: number;
  /** Which model the seed ran (a default sweep mixes quorum seeds into replication ones). */
  readonly model: 'replication' | 'quorum';
  readonly steps: number;
  readonly transitions: number;
  readonly virtualTimeMs: number;
  /** The first violation of each clause the seed broke, in the order they were found. */
  readonly violations: readonly SeedViolation[];
  /** The simulation threw: the seed failed with this error (and no clause verdicts). */
  readonly error: string | null;
  /** Lost writes an unclean leader election the topic allowed explains (reported, not violations). */
  readonly allowedLostWrites: number;
  /** Every allowed anomaly of the seed, with its reason. */
  readonly allowed: readonly AllowedAnomaly[];
  /** PROD-IDEM-1/2 findings over the producer machine's writes (zero for the raw writer). */
  readonly producerFindings: { readonly duplicates: number; readonly reorders: number; readonly allowedDuplicates: number; readonly allowedReorders: number; readonly allowedSequenceGaps: number };
  /** The seed's consumer group, if it had one. */
  readonly group?: { readonly protocol: string; readonly records: number; readonly rebalanceCallbacks: number; readonly crashes: number } | null;
}

const NO_FINDINGS = { duplicates: 0, reorders: 0, allowedDuplicates: 0, allowedReorders: 0, allowedSequenceGaps: 0 };

export interface SweepJob {
  readonly variant: string;
  readonly maxSteps: number;
  readonly model: 'replication' | 'quorum';
  readonly unclean: boolean;
  /** Every seed's writer is the producer machine with idempotence off. */
  readonly noIdempotence?: boolean;
  /** Replication sweeps: every this-many-th seed runs the controller quorum model instead (0: never). */
  readonly quorumEvery?: number;
  /** Cluster and workload options chosen on the command line (src/sim/cluster/choices.ts). */
  readonly choices?: ClusterChoices;
  readonly voters?: number;
}

/** The model a seed of a job runs: a replication sweep hands every quorumEvery-th seed to the quorum model. */
export function modelOfSeed(seed: number, job: SweepJob): 'replication' | 'quorum' {
  if (job.model === 'quorum') return 'quorum';
  const every = job.quorumEvery ?? 0;
  return every > 0 && seed % every === 0 ? 'quorum' : 'replication';
}

/** One violation per clause, the first found of each. */
export function distinctClauses(violations: readonly Violation[]): SeedViolation[] {
  const seen = new Map<string, SeedViolation>();
  for (const v of violations) if (!seen.has(v.clauseId)) seen.set(v.clauseId, { clauseId: v.clauseId, message: v.message });
  return [...seen.values()];
}

export function runOneSeed(seed: number, job: SweepJob): SeedOutcome {
  const model = modelOfSeed(seed, job);
  try {
    return model === 'replication' ? runReplicationSeed(seed, job) : runQuorumSeed(seed, job);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { seed, model, steps: 0, transitions: 0, virtualTimeMs: 0, violations: [], error: message, allowedLostWrites: 0, allowed: [], producerFindings: NO_FINDINGS };
  }
}

function runReplicationSeed(seed: number, job: SweepJob): SeedOutcome {
  const result = new ClusterSimulation({ options: chosenClusterOptions(seed, job) }).run();
  return {
    seed, model: 'replication', steps: result.steps, transitions: result.transitions, virtualTimeMs: result.virtualTimeMs,
    violations: distinctClauses(result.violations), error: null,
    allowedLostWrites: result.allowedLostWrites.length,
    allowed: result.allowed,
    producerFindings: result.producerFindings,
    group: result.group,
  };
}

function runQuorumSeed(seed: number, job: SweepJob): SeedOutcome {
  const result = new Simulation({ options: chosenQuorumOptions(seed, job) }).run();
  return {
    seed, model: 'quorum', steps: result.steps, transitions: result.transitions, virtualTimeMs: result.virtualTimeMs,
    violations: distinctClauses(result.violations), error: null, allowedLostWrites: 0, allowed: [], producerFindings: NO_FINDINGS,
  };
}

if (parentPort !== null && workerData !== null && typeof workerData === 'object') {
  const { seeds, job } = workerData as { seeds: number[]; job: SweepJob };
  for (const seed of seeds) parentPort.postMessage(runOneSeed(seed, job));
}
