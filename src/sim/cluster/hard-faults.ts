/**
 * Faults the random schedule of src/sim/faults.ts never draws, added to a share of the seeds so
 * that the sweep reaches the rules they test (issue 18, items 6 and 7):
 * - a broker lost for good: it crashes during the safety phase and heal-all leaves it down, so the
 *   liveness phase must show the rest of the cluster electing, shrinking ISRs and taking writes
 *   without it (REPL-LIVE-1, REPL-LIVE-2);
 * - a power loss of every ISR member at once: each loses what it had not flushed (Kafka's default
 *   flush.messages leaves that to the OS), which can lose acknowledged writes Kafka allows to be lost.
 * Each is drawn from its own stream of the seed, so that every other draw of a seed is unchanged.
 */
import { Random } from '../../core/prng.js';
import type { TimedFault } from '../faults.js';
import { brokerIds, type ClusterOptions } from './options.js';

/** Share of seeds with faults on that lose a broker for good. */
const LOST_BROKER_SHARE = 0.2;

const LOST_AFTER_MS = 5_000;
/** How long the other brokers stay down before the last ISR member is lost: longer than the broker session, so they leave the ISR. */
const OTHERS_DOWN_MS = 3_000;

/**
 * A broker crashed for good at a moment of the safety phase, or nothing. Half the time it is lost
 * as the last member of its partitions' ISR: every other broker crashes (the controller fences
 * them and the ISRs shrink to it) and restarts at the moment it is lost, before any could rejoin.
 * With unclean election off those partitions must stay leaderless; a controller that elects
 * outside the ISR now has its chance.
 */
export function lostBrokerFaults(options: ClusterOptions): TimedFault[] {
  if (options.faults.meanIntervalMs === 0) return [];
  const random = Random.stream(options.seed, 'cluster-lost-broker');
  if (!random.chance(LOST_BROKER_SHARE)) return [];
  const node = random.pick(brokerIds(options));
  // After the topics are likely created: with fewer live brokers than the replication factor, CreateTopics must fail.
  const atMs = random.int(LOST_AFTER_MS, Math.max(LOST_AFTER_MS + 1, options.safetyPhaseMs - 1_000));
  const lost: TimedFault = { atMs, fault: { kind: 'crash-for-good', node } };
  if (!random.chance(0.5) || atMs - OTHERS_DOWN_MS < LOST_AFTER_MS) return [lost];
  const others = brokerIds(options).filter((b) => b !== node);
  return [
    ...others.map((b): TimedFault => ({ atMs: atMs - OTHERS_DOWN_MS, fault: { kind: 'crash', node: b } })),
    ...others.map((b): TimedFault => ({ atMs, fault: { kind: 'restart', node: b } })),
    lost,
  ];
}

/** Share of seeds with faults (and no broker lost for good) whose ISRs shrink to one broker that then crashes. */
const LAST_ISR_CRASH_SHARE = 0.4;
/** How long the last ISR member stays down: long enough for the others to register and be eligible. */
const LAST_ISR_DOWN_MIN_MS = 2_000;
const LAST_ISR_DOWN_MAX_MS = 4_000;

/**
 * The ISR shrinks to one broker, and then that broker crashes while the others are back: every
 * other broker crashes (the controller fences them, the ISRs shrink to the one left) and restarts
 * at the moment the last ISR member crashes; it comes back a few seconds later. Kafka meets this
 * whenever a lone in-sync replica dies after its followers fell out: with unclean election off
 * its partitions stay offline until it returns (PartitionChangeBuilder elects only from the ISR),
 * and a controller that elects outside the ISR has its chance. Writes acknowledged on the
 * one-member ISR before (acks=all with min.insync.replicas=1) must survive its return.
 */
export function lastIsrMemberCrashFaults(options: ClusterOptions): TimedFault[] {
  if (options.faults.meanIntervalMs === 0) return [];
  const random = Random.stream(options.seed, 'cluster-last-isr-crash');
  if (!random.chance(LAST_ISR_CRASH_SHARE)) return [];
  const node = random.pick(brokerIds(options));
  const earliestMs = LOST_AFTER_MS + OTHERS_DOWN_MS;
  const atMs = random.int(earliestMs, Math.max(earliestMs, options.safetyPhaseMs - LAST_ISR_DOWN_MAX_MS));
  const downMs = random.int(LAST_ISR_DOWN_MIN_MS, LAST_ISR_DOWN_MAX_MS);
  const others = brokerIds(options).filter((b) => b !== node);
  return [
    ...others.map((b): TimedFault => ({ atMs: atMs - OTHERS_DOWN_MS, fault: { kind: 'crash', node: b } })),
    ...others.map((b): TimedFault => ({ atMs, fault: { kind: 'restart', node: b } })),
    { atMs, fault: { kind: 'crash', node } },
    { atMs: atMs + downMs, fault: { kind: 'restart', node } },
  ];
}

/** Share of seeds with faults (and neither hard fault above) whose brokers lose power together. */
const ISR_POWER_LOSS_SHARE = 0.5;
/** Share of those where the ISR first shrinks to one broker, which alone loses power; in the rest every broker does. */
const LONE_ISR_SHARE = 0.6;
/** How long the ISR stays shrunk to one broker before it loses power: a broker session to fence the others, then seconds of writes on a one-member ISR. */
const LONE_ISR_MS = 5_000;
const POWER_DOWN_MIN_MS = 1_000;
const POWER_DOWN_MAX_MS = 3_000;

/**
 * Every ISR member loses power at one moment, and with Kafka's default flush policy
 * (flush.messages and flush.ms left to the OS) each restarts with only what it had flushed: the
 * window in which Kafka loses acknowledged writes (KIP-966 is the later fix), which the clauses
 * must allow and nothing else. Two shapes:
 * - the ISR shrinks to one broker first (every other broker crashes, the controller fences them),
 *   so that with min.insync.replicas=1 acks=all writes are acknowledged by that one member alone;
 *   5 s later the others restart and the lone member loses power, for 1 to 3 s. With
 *   min.insync.replicas=2 those writes must be refused (NOT_ENOUGH_REPLICAS): a broker that
 *   acknowledges them anyway loses them with no allowance.
 * - every broker loses power at once (a rack or data-centre outage) and comes back 1 to 3 s later,
 *   each at its own moment.
 */
export function isrPowerLossFaults(options: ClusterOptions): TimedFault[] {
  if (options.faults.meanIntervalMs === 0) return [];
  const random = Random.stream(options.seed, 'cluster-isr-power-loss');
  if (!random.chance(ISR_POWER_LOSS_SHARE)) return [];
  const brokers = brokerIds(options);
  const earliestMs = LOST_AFTER_MS + LONE_ISR_MS;
  const atMs = random.int(earliestMs, Math.max(earliestMs, options.safetyPhaseMs - POWER_DOWN_MAX_MS - 1_000));
  if (!random.chance(LONE_ISR_SHARE)) {
    return [
      ...brokers.map((b): TimedFault => ({ atMs, fault: { kind: 'power-loss', node: b } })),
      ...brokers.map((b): TimedFault => ({ atMs: atMs + random.int(POWER_DOWN_MIN_MS, POWER_DOWN_MAX_MS), fault: { kind: 'restart', node: b } })),
    ];
  }
  const node = random.pick(brokers);
  const others = brokers.filter((b) => b !== node);
  return [
    ...others.map((b): TimedFault => ({ atMs: atMs - LONE_ISR_MS, fault: { kind: 'crash', node: b } })),
    ...others.map((b): TimedFault => ({ atMs, fault: { kind: 'restart', node: b } })),
    { atMs, fault: { kind: 'power-loss', node } },
    { atMs: atMs + random.int(POWER_DOWN_MIN_MS, POWER_DOWN_MAX_MS), fault: { kind: 'restart', node } },
  ];
}

/** The seed's schedule with its hard faults merged in, in time order (a stable sort keeps same-time faults in order). */
export function withHardFaults(options: ClusterOptions, schedule: readonly TimedFault[]): TimedFault[] {
  const lost = lostBrokerFaults(options);
  const lastIsr = lost.length > 0 ? [] : lastIsrMemberCrashFaults(options);
  const hard = lost.length > 0 ? lost : lastIsr.length > 0 ? lastIsr : isrPowerLossFaults(options);
  return [...schedule, ...hard].sort((a, b) => a.atMs - b.atMs);
}
