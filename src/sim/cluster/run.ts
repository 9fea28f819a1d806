/**
 * Running replication schedules: exploration
 * of fault schedules with fast-check (shrinking a failure to a minimal counterexample).
 */
import fc from 'fast-check';
import { ClusterSimulation, type ClusterRunResult } from './simulation.js';
import { clusterOptionsFromSeed, brokerIds, controllerIds, type ClusterOptions } from './options.js';
import type { Fault, TimedFault } from '../faults.js';

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

const EXPLORE_SAFETY_PHASE_MS = 15_000;

/**
 * Exploration runs a small, busy cluster: one controller, three brokers, one partition with three
 * replicas and min.insync.replicas=1 (so the ISR may shrink to the leader alone and acks=all still
 * succeeds), a reliable network, writes every ~20 ms; only the fault schedule varies.
 */
export function clusterExploreOptions(simSeed: number, variant: string): ClusterOptions {
  const base = clusterOptionsFromSeed(simSeed, { variant, controllers: 1, brokers: 3, group: null });
  return {
    ...base,
    topic: { name: 'user_activity', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '1' } },
    safetyPhaseMs: EXPLORE_SAFETY_PHASE_MS,
    produceIntervalMs: 20,
    // Single-record acks=all requests keep counterexamples short to read.
    producer: 'raw',
    acksAllShare: 1,
    network: { delayMinMs: 1, delayMeanMs: 2, lossProbability: 0, duplicateProbability: 0, reorderProbability: 0 },
    faults: { meanIntervalMs: 0, crash: true, partition: true, pause: false, clockSkew: false, downtimeMaxMs: 0 },
  };
}

/**
 * A fault episode: a fault and its end after `downtimeMs` (crash then restart, pause then resume,
 * isolate or a one-way cut then heal), the shape the sweep's random schedules have. Exploration
 * draws lists of episodes; shrinking drops episodes and shortens times and downtimes.
 */
export interface FaultEpisode {
  readonly atMs: number;
  readonly kind: 'crash' | 'pause' | 'isolate' | 'one-way';
  readonly node: number;
  /** The far end of a one-way cut (messages from `node` to `to` are lost). */
  readonly to: number;
  readonly downtimeMs: number;
}

export function episodeFaults(episodes: readonly FaultEpisode[]): TimedFault[] {
  const faults: TimedFault[] = [];
  for (const e of episodes) {
    const end = e.atMs + e.downtimeMs;
    switch (e.kind) {
      case 'crash':
        faults.push({ atMs: e.atMs, fault: { kind: 'crash', node: e.node } }, { atMs: end, fault: { kind: 'restart', node: e.node } });
        break;
      case 'pause':
        faults.push({ atMs: e.atMs, fault: { kind: 'pause', node: e.node } }, { atMs: end, fault: { kind: 'resume', node: e.node } });
        break;
      case 'isolate':
        faults.push({ atMs: e.atMs, fault: { kind: 'isolate', node: e.node } }, { atMs: end, fault: { kind: 'heal' } });
        break;
      case 'one-way':
        if (e.to !== e.node) faults.push({ atMs: e.atMs, fault: { kind: 'one-way', from: e.node, to: e.to } }, { atMs: end, fault: { kind: 'heal' } });
        break;
    }
  }
  // A stable sort: at equal times, the episode order decides.
  return faults.filter((f) => f.atMs < EXPLORE_SAFETY_PHASE_MS).sort((a, b) => a.atMs - b.atMs);
}

export function clusterEpisodeArbitrary(nodes: readonly number[]): fc.Arbitrary<FaultEpisode> {
  const node = fc.constantFrom(...nodes);
  return fc.record({
    atMs: fc.integer({ min: 0, max: EXPLORE_SAFETY_PHASE_MS - 1 }),
    kind: fc.constantFrom('crash' as const, 'isolate' as const, 'one-way' as const, 'pause' as const),
    node,
    to: node,
    downtimeMs: fc.integer({ min: 100, max: 6_000 }),
  });
}

export function clusterScheduleArbitrary(nodes: readonly number[]): fc.Arbitrary<FaultEpisode[]> {
  return fc.array(clusterEpisodeArbitrary(nodes), { maxLength: 10 });
}

export function exploreCluster(settings: ClusterExploreSettings): ClusterExploreOutcome {
  const started = performance.now();
  let findMs: number | null = null;
  let runsTried = 0;
  const probe = clusterExploreOptions(1, settings.variant);
  const nodes = [...brokerIds(probe), ...controllerIds(probe)];
  // The simulation seed is not shrunk: another seed is another run, and shrinking it would only restart the search.
  const property = fc.property(fc.noShrink(fc.integer({ min: 1, max: 1_000_000 })), clusterScheduleArbitrary(nodes), (simSeed, episodes) => {
    if (findMs === null) runsTried++;
    const result = new ClusterSimulation({ options: clusterExploreOptions(simSeed, settings.variant), faults: episodeFaults(episodes) }).run();
    const holds = result.violations.length === 0;
    if (!holds && findMs === null) findMs = performance.now() - started;
    return holds;
  });
  const details = fc.check(property, { numRuns: settings.runs, seed: settings.seed, endOnFailure: false });
  const totalMs = performance.now() - started;
  if (!details.failed || details.counterexample === null) return { runsTried, findMs: null, shrinkMs: 0, shrinks: 0, counterexample: null };
  const [simSeed, episodes] = details.counterexample;
  const faults = episodeFaults(episodes);
  const options = clusterExploreOptions(simSeed, settings.variant);
  const result = new ClusterSimulation({ options, faults, recordTrace: true }).run();
  return { runsTried, findMs, shrinkMs: totalMs - (findMs ?? totalMs), shrinks: details.numShrinks, counterexample: { options, faults, result } };
}
