/**
 * Everything a run depends on, derived from one seed (TigerBeetle's swarm testing: each seed picks
 * a cluster shape and a fault mix, and may switch some faults off entirely). A run prints these
 * first; the trace header records them, so one file reproduces the run.
 */
import * as t from 'io-ts';
import { Random } from '../core/prng.js';

export const NetworkOptions = t.type({
  delayMinMs: t.number,
  delayMeanMs: t.number,
  lossProbability: t.number,
  duplicateProbability: t.number,
  reorderProbability: t.number,
});
export type NetworkOptions = t.TypeOf<typeof NetworkOptions>;

export const FaultRates = t.type({
  /** Mean virtual time between injected faults; 0 turns faults off. */
  meanIntervalMs: t.number,
  crash: t.boolean,
  partition: t.boolean,
  pause: t.boolean,
  clockSkew: t.boolean,
  /** How long a crashed or paused node stays down, at most. */
  downtimeMaxMs: t.number,
});
export type FaultRates = t.TypeOf<typeof FaultRates>;

export const SimOptions = t.type({
  seed: t.number,
  variant: t.string,
  voters: t.number,
  /** Non-voting nodes that follow the log (Kafka's brokers): ids after the voters'. */
  observers: t.number,
  /** Faults and workload run until this time; then everything heals. */
  safetyPhaseMs: t.number,
  /** After healing, the quorum must converge within this bound (QUORUM-LIVE-1). */
  livenessBoundMs: t.number,
  proposeIntervalMs: t.number,
  network: NetworkOptions,
  faults: FaultRates,
  maxSteps: t.number,
});
export type SimOptions = t.TypeOf<typeof SimOptions>;

export interface OptionOverrides {
  variant?: string;
  maxSteps?: number;
  voters?: number;
  observers?: number;
}

/** The options of a seed: the same seed always gives the same options. */
export function optionsFromSeed(seed: number, overrides: OptionOverrides = {}): SimOptions {
  const random = Random.stream(seed, 'options');
  const faultsOn = random.chance(0.9);
  return {
    seed,
    variant: overrides.variant ?? 'kraft',
    voters: overrides.voters ?? random.pick([3, 3, 3, 5, 5, 1]),
    safetyPhaseMs: random.int(8_000, 20_000),
    livenessBoundMs: 20_000,
    proposeIntervalMs: random.pick([50, 100, 200, 400]),
    network: {
      delayMinMs: random.int(1, 5),
      delayMeanMs: random.pick([2, 5, 10, 30]),
      lossProbability: random.pick([0, 0, 0.01, 0.05, 0.1]),
      duplicateProbability: random.pick([0, 0, 0.01, 0.05]),
      reorderProbability: random.pick([0, 0, 0.05, 0.2]),
    },
    faults: {
      meanIntervalMs: faultsOn ? random.pick([500, 1000, 2000, 4000]) : 0,
      crash: random.chance(0.8),
      partition: random.chance(0.8),
      pause: random.chance(0.5),
      clockSkew: random.chance(0.5),
      downtimeMaxMs: random.pick([1_000, 3_000, 6_000]),
    },
    maxSteps: overrides.maxSteps ?? 200_000,
    // Drawn last, so that adding observers left every earlier option of a seed unchanged.
    observers: overrides.observers ?? random.pick([0, 0, 1, 2]),
  };
}

/** A short line per option group, printed first by every run. */
export function describeOptions(options: SimOptions): string[] {
  const n = options.network;
  const f = options.faults;
  const faults = f.meanIntervalMs === 0
    ? 'off'
    : `every ~${f.meanIntervalMs}ms [${[f.crash && 'crash', f.partition && 'partition', f.pause && 'pause', f.clockSkew && 'clock-skew'].filter(Boolean).join(', ')}] downtime<=${f.downtimeMaxMs}ms`;
  return [
    `seed=${options.seed} variant=${options.variant} voters=${options.voters} observers=${options.observers} safety-phase=${options.safetyPhaseMs}ms liveness-bound=${options.livenessBoundMs}ms propose-every=${options.proposeIntervalMs}ms`,
    `network: delay=${n.delayMinMs}ms+exp(${n.delayMeanMs}ms) loss=${n.lossProbability} duplicate=${n.duplicateProbability} reorder=${n.reorderProbability}`,
    `faults: ${faults}`,
  ];
}
