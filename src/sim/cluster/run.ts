/**
 * Running replication seeds and schedules: one run, the command that reproduces it, exploration
 * of fault schedules with fast-check (shrinking a failure to a minimal counterexample).
 */
import fc from 'fast-check';
import { ClusterSimulation, type ClusterRunResult } from './simulation.js';
import { clusterOptionsFromSeed, brokerIds, type ClusterOptions, type ClusterOverrides } from './options.js';
import type { Fault, TimedFault } from '../faults.js';

export function runClusterSeed(seed: number, overrides: ClusterOverrides = {}, recordTrace = false): ClusterRunResult {
  return new ClusterSimulation({ options: clusterOptionsFromSeed(seed, overrides), recordTrace }).run();
}

export function clusterReproduceCommand(options: ClusterOptions): string {
  const variant = options.variant === 'kraft' ? '' : ` --variant ${options.variant}`;
  const unclean = options.topic.configs['unclean.leader.election.enable'] === 'true' ? ' --unclean' : '';
  return `npx kspec sim --seed ${options.seed}${variant}${unclean}`;
}

export interface ClusterExploreSettings {
  readonly variant: string;
  readonly runs: number;
  readonly seed: number;
}

export interface ClusterExploreOutcome {
  readonly runsTried: number;
  readonly findMs: number | null;
  readonly shrinkMs: number;
  readonly shrinks: number;
  readonly counterexample: { readonly options: ClusterOptions; readonly faults: TimedFault[]; readonly result: ClusterRunResult } | null;
}

const EXPLORE_SAFETY_PHASE_MS = 8_000;

/**
 * Exploration runs a small, busy cluster: one controller, three brokers, one partition with three
 * replicas and min.insync.replicas=1 (so the ISR may shrink to the leader alone and acks=all still
 * succeeds), a reliable network, writes every ~20 ms; only the fault schedule varies.
 */
export function clusterExploreOptions(simSeed: number, variant: string): ClusterOptions {
  const base = clusterOptionsFromSeed(simSeed, { variant, controllers: 1, brokers: 3 });
  return {
    ...base,
    topic: { name: 'user_activity', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '1' } },
    safetyPhaseMs: EXPLORE_SAFETY_PHASE_MS,
    produceIntervalMs: 20,
    acksAllShare: 1,
    network: { delayMinMs: 1, delayMeanMs: 2, lossProbability: 0, duplicateProbability: 0, reorderProbability: 0 },
    faults: { meanIntervalMs: 0, crash: true, partition: true, pause: false, clockSkew: false, downtimeMaxMs: 0 },
  };
}

export function clusterFaultArbitrary(brokers: readonly number[]): fc.Arbitrary<Fault> {
  const node = fc.constantFrom(...brokers);
  return fc.oneof(
    fc.record({ kind: fc.constant('crash' as const), node }),
    fc.record({ kind: fc.constant('restart' as const), node }),
    fc.record({ kind: fc.constant('isolate' as const), node }),
    fc.record({ kind: fc.constant('heal' as const) }),
  );
}

export function clusterScheduleArbitrary(brokers: readonly number[]): fc.Arbitrary<TimedFault[]> {
  const timed = fc.record({ atMs: fc.integer({ min: 0, max: EXPLORE_SAFETY_PHASE_MS - 1 }), fault: clusterFaultArbitrary(brokers) });
  return fc.array(timed, { maxLength: 16 }).map((faults) => [...faults].sort((a, b) => a.atMs - b.atMs));
}

export function exploreCluster(settings: ClusterExploreSettings): ClusterExploreOutcome {
  const started = performance.now();
  let findMs: number | null = null;
  let runsTried = 0;
  const brokers = brokerIds(clusterExploreOptions(1, settings.variant));
  const property = fc.property(fc.integer({ min: 1, max: 1_000_000 }), clusterScheduleArbitrary(brokers), (simSeed, faults) => {
    if (findMs === null) runsTried++;
    const result = new ClusterSimulation({ options: clusterExploreOptions(simSeed, settings.variant), faults }).run();
    const holds = result.violations.length === 0;
    if (!holds && findMs === null) findMs = performance.now() - started;
    return holds;
  });
  const details = fc.check(property, { numRuns: settings.runs, seed: settings.seed, endOnFailure: false });
  const totalMs = performance.now() - started;
  if (!details.failed || details.counterexample === null) return { runsTried, findMs: null, shrinkMs: 0, shrinks: 0, counterexample: null };
  const [simSeed, faults] = details.counterexample;
  const options = clusterExploreOptions(simSeed, settings.variant);
  const result = new ClusterSimulation({ options, faults, recordTrace: true }).run();
  return { runsTried, findMs, shrinkMs: totalMs - (findMs ?? totalMs), shrinks: details.numShrinks, counterexample: { options, faults, result } };
}
