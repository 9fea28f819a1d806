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

/** What the shrinker has done so far, for a progress line while it works. */
export interface ShrinkProgress {
  /** Candidates run. */
  readonly tried: number;
  /** Candidates that still failed, each one becoming the new counterexample. */
  readonly shrinks: number;
  /** Fault episodes in the current counterexample. */
  readonly episodes: number;
  readonly elapsedMs: number;
}

export interface ClusterExploreHooks {
  /** Called after every shrink candidate. */
  readonly onShrink?: (progress: ShrinkProgress) => void;
}

/**
 * Find, then shrink. The find phase runs each schedule in full and stops at the first failure
 * without shrinking. When that failure is an invariant broken by a step (not a history check at
 * the end of the run), shrinking only needs the run's prefix up to that step's time: a candidate
 * counts as failing when it breaks an invariant by then, and a candidate that holds is stopped
 * there instead of running the rest of its 15 s and its liveness phase; each shrink that fails
 * sooner shortens the prefix again. Episodes that start after the violation cannot change the
 * prefix, so they are dropped before shrinking starts.
 */
export function exploreCluster(settings: ClusterExploreSettings, hooks: ClusterExploreHooks = {}): ClusterExploreOutcome {
  const started = performance.now();
  let runsTried = 0;
  const probe = clusterExploreOptions(1, settings.variant);
  const nodes = [...brokerIds(probe), ...controllerIds(probe)];
  // The simulation seed is not shrunk: another seed is another run, and shrinking it would only restart the search.
  const seedArbitrary = fc.noShrink(fc.integer({ min: 1, max: 1_000_000 }));
  const scheduleArbitrary = clusterScheduleArbitrary(nodes);
  const holdsInFull = (simSeed: number, episodes: FaultEpisode[]): boolean => {
    runsTried++;
    return new ClusterSimulation({ options: clusterExploreOptions(simSeed, settings.variant), faults: episodeFaults(episodes) }).run().violations.length === 0;
  };
  const found = fc.check(fc.property(seedArbitrary, scheduleArbitrary, holdsInFull), { numRuns: settings.runs, seed: settings.seed, endOnFailure: true });
  const findMs = performance.now() - started;
  if (!found.failed || found.counterexample === null) return { runsTried, findMs: null, shrinkMs: 0, shrinks: 0, counterexample: null };
  const runsToFind = runsTried;

  const [simSeed, foundEpisodes] = found.counterexample;
  let horizonMs = violationPrefixMs(simSeed, foundEpisodes, settings.variant);
  const episodes = horizonMs === null ? foundEpisodes : foundEpisodes.filter((e) => e.atMs <= (horizonMs as number));
  let tried = 0;
  let shrinks = 0;
  let current = episodes.length;
  const shrinkStarted = performance.now();
  const candidate = (seed: number, schedule: FaultEpisode[]): boolean => {
    const violatedAtMs = horizonMs === null ? (holdsInFull(seed, schedule) ? null : Number.POSITIVE_INFINITY) : violationBy(seed, schedule, settings.variant, horizonMs);
    // The first call is the counterexample itself, not yet a shrink.
    if (violatedAtMs !== null && tried > 0) {
      shrinks++;
      current = schedule.length;
    }
    // A shrink that fails sooner shortens every later candidate's prefix.
    if (violatedAtMs !== null && horizonMs !== null) horizonMs = Math.min(horizonMs, violatedAtMs);
    tried++;
    hooks.onShrink?.({ tried, shrinks, episodes: current, elapsedMs: performance.now() - shrinkStarted });
    return violatedAtMs === null;
  };
  const shrunk = fc.check(fc.property(seedArbitrary, scheduleArbitrary, candidate), { numRuns: 1, examples: [[simSeed, episodes] as [number, FaultEpisode[]]], seed: settings.seed });
  // Should the trimmed schedule no longer fail (it cannot, in a deterministic simulation), keep what was found.
  const finalEpisodes = shrunk.failed && shrunk.counterexample !== null ? shrunk.counterexample[1] : foundEpisodes;
  const faults = episodeFaults(finalEpisodes);
  const options = clusterExploreOptions(simSeed, settings.variant);
  const result = new ClusterSimulation({ options, faults, recordTrace: true }).run();
  return { runsTried: runsToFind, findMs, shrinkMs: performance.now() - shrinkStarted, shrinks, counterexample: { options, faults, result } };
}

/** When the run, stepped up to `horizonMs` (no end-of-run checks), first breaks an invariant; null if it holds that long. */
function violationBy(simSeed: number, episodes: FaultEpisode[], variant: string, horizonMs: number): number | null {
  const sim = new ClusterSimulation({ options: clusterExploreOptions(simSeed, variant), faults: episodeFaults(episodes) });
  sim.runUntil(horizonMs);
  return sim.violations[0]?.time ?? null;
}

/**
 * The time of the failing run's first violation when stepping up to it reproduces it (an
 * invariant broken by a step); null when the failure only shows in the end-of-run checks.
 */
function violationPrefixMs(simSeed: number, episodes: FaultEpisode[], variant: string): number | null {
  const full = new ClusterSimulation({ options: clusterExploreOptions(simSeed, variant), faults: episodeFaults(episodes) }).run();
  const timeMs = full.violations[0]?.time;
  if (timeMs === undefined) return null;
  return violationBy(simSeed, episodes, variant, timeMs) === null ? null : timeMs;
}
