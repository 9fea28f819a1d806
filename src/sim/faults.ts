/**
 * Faults the simulator injects: crash and restart (only durable state and the flushed log
 * survive), pause and resume, network partitions (isolate one node, split in two, one-way), and
 * clock skew (one node's timers run slower or faster). A run's faults are a schedule: generated
 * from the seed for random runs, or given explicitly (exploration, scenarios).
 */
import * as t from 'io-ts';
import { Random } from '../core/prng.js';
import type { FaultRates, SimOptions } from './options.js';

export const Fault = t.union([
  t.type({ kind: t.literal('crash'), node: t.number }),
  t.type({ kind: t.literal('restart'), node: t.number }),
  /** A crash the node never comes back from: heal-all leaves it down (a broker lost for good). */
  t.type({ kind: t.literal('crash-for-good'), node: t.number }),
  /** A machine crash: like crash, and the partition logs lose what was not flushed (page cache). */
  t.type({ kind: t.literal('power-loss'), node: t.number }),
  t.type({ kind: t.literal('pause'), node: t.number }),
  t.type({ kind: t.literal('resume'), node: t.number }),
  t.type({ kind: t.literal('isolate'), node: t.number }),
  /** Cut every link between the two sides. */
  t.type({ kind: t.literal('split'), side: t.array(t.number) }),
  /** Cut the link from `from` to `to` only. */
  t.type({ kind: t.literal('one-way'), from: t.number, to: t.number }),
  t.type({ kind: t.literal('heal') }),
  /** One node's timers take `factor` times their nominal delay. */
  t.type({ kind: t.literal('clock-skew'), node: t.number, factor: t.number }),
  /** Heal the network, restart crashed nodes (not those crashed for good), resume paused ones, reset skew: the liveness phase. */
  t.type({ kind: t.literal('heal-all') }),
]);
export type Fault = t.TypeOf<typeof Fault>;

export const TimedFault = t.type({ atMs: t.number, fault: Fault });
export type TimedFault = t.TypeOf<typeof TimedFault>;

export function renderFault(fault: Fault): string {
  switch (fault.kind) {
    case 'crash':
    case 'restart':
    case 'crash-for-good':
    case 'power-loss':
    case 'pause':
    case 'resume':
    case 'isolate':
      return `${fault.kind} n${fault.node}`;
    case 'split':
      return `split [${fault.side.map((n) => `n${n}`).join(' ')}] | rest`;
    case 'one-way':
      return `one-way cut n${fault.from}->n${fault.to}`;
    case 'clock-skew':
      return `clock-skew n${fault.node} x${fault.factor}`;
    case 'heal':
    case 'heal-all':
      return fault.kind;
  }
}

/** The seed's fault schedule for the safety phase (heal-all is added by the simulator). */
export function faultScheduleFromSeed(options: SimOptions): TimedFault[] {
  const nodes = Array.from({ length: options.voters + options.observers }, (_, i) => i + 1);
  return faultSchedule(options.faults, options.safetyPhaseMs, nodes, Random.stream(options.seed, 'faults'), false);
}

/**
 * A fault schedule: exponential gaps of mean `rates.meanIntervalMs`, each fault drawn from the
 * kinds the rates switch on, with its node, downtime and end (restart, resume, skew back; with
 * `healPartitions`, a heal after each isolate or split).
 */
export function faultSchedule(rates: FaultRates, safetyPhaseMs: number, nodes: readonly number[], random: Random, healPartitions: boolean): TimedFault[] {
  if (rates.meanIntervalMs === 0) return [];
  const kinds = [
    ...(rates.crash ? ['crash'] : []),
    ...(rates.partition ? ['isolate', 'split', 'one-way', 'heal'] : []),
    ...(rates.pause ? ['pause'] : []),
    ...(rates.clockSkew ? ['clock-skew'] : []),
  ];
  if (kinds.length === 0) return [];
  const schedule: TimedFault[] = [];
  let time = 0;
  for (;;) {
    time += Math.max(1, Math.round(-Math.log(1 - random.float()) * rates.meanIntervalMs));
    if (time >= safetyPhaseMs) break;
    const node = random.pick(nodes);
    const downtime = random.int(100, rates.downtimeMaxMs);
    const healLater = healPartitions ? [{ atMs: time + downtime, fault: { kind: 'heal' as const } }] : [];
    switch (random.pick(kinds)) {
      case 'crash':
        schedule.push({ atMs: time, fault: { kind: 'crash', node } }, { atMs: time + downtime, fault: { kind: 'restart', node } });
        break;
      case 'pause':
        schedule.push({ atMs: time, fault: { kind: 'pause', node } }, { atMs: time + downtime, fault: { kind: 'resume', node } });
        break;
      case 'isolate':
        schedule.push({ atMs: time, fault: { kind: 'isolate', node } }, ...healLater);
        break;
      case 'split': {
        const side = nodes.filter(() => random.chance(0.5));
        if (side.length > 0 && side.length < nodes.length) schedule.push({ atMs: time, fault: { kind: 'split', side } }, ...healLater);
        break;
      }
      case 'one-way': {
        const to = random.pick(nodes);
        if (to !== node) schedule.push({ atMs: time, fault: { kind: 'one-way', from: node, to } });
        break;
      }
      case 'heal':
        schedule.push({ atMs: time, fault: { kind: 'heal' } });
        break;
      case 'clock-skew':
        schedule.push({ atMs: time, fault: { kind: 'clock-skew', node, factor: random.pick([0.5, 0.8, 1.25, 2]) } }, { atMs: time + downtime, fault: { kind: 'clock-skew', node, factor: 1 } });
        break;
    }
  }
  return schedule.filter((f) => f.atMs < safetyPhaseMs).sort((a, b) => a.atMs - b.atMs);
}
