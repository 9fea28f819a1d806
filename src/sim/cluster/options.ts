/**
 * The options of a replication run (controllers, brokers, a topic, a workload, faults), all
 * derived from one seed. The trace header records them, so one file reproduces the run.
 */
import * as t from 'io-ts';
import { Random } from '../../core/prng.js';
import { FaultRates, NetworkOptions } from '../options.js';
import { faultSchedule, type TimedFault } from '../faults.js';

export const TopicSpec = t.type({
  name: t.string,
  partitions: t.number,
  replicationFactor: t.number,
  configs: t.record(t.string, t.string),
});
export type TopicSpec = t.TypeOf<typeof TopicSpec>;

/**
 * A consumer group reading the topic: its consumers (client nodes 91, 92, ...), the protocol
 * (classic: JoinGroup/SyncGroup with client-side assignors, eager or cooperative; consumer:
 * KIP-848's ConsumerGroupHeartbeat with a server-side assignor), and the size of
 * __consumer_offsets (offsets.topic.num.partitions, small to keep runs fast).
 */
export const GroupSpec = t.type({
  groupId: t.string,
  consumers: t.number,
  protocol: t.union([t.literal('classic'), t.literal('consumer')]),
  /** classic: partition.assignment.strategy (one assignor); consumer: group.remote.assignor. */
  assignor: t.string,
  /** Consumers with a group.instance.id (KIP-345). */
  staticMembers: t.boolean,
  offsetsTopicPartitions: t.number,
  /** Consumers crash (and restart) during the safety phase. */
  consumerCrashes: t.boolean,
  pollIntervalMs: t.number,
});
export type GroupSpec = t.TypeOf<typeof GroupSpec>;

export const ClusterOptions = t.intersection([t.type({
  seed: t.number,
  variant: t.string,
  /** KRaft voters (the controller quorum); ids 101, 102, ... */
  controllers: t.number,
  /** Brokers; ids 1, 2, ... (replica id = broker id). */
  brokers: t.number,
  topic: TopicSpec,
  safetyPhaseMs: t.number,
  livenessBoundMs: t.number,
  produceIntervalMs: t.number,
  /**
   * Who writes: 'idempotent', the producer machine with Kafka's defaults (enable.idempotence,
   * acks=all, 5 in flight); 'plain', the producer machine with idempotence off (acks=all, retries,
   * 5 in flight: duplicates and reordering become possible); 'raw', a scripted client sending one
   * record per request with no retries and a mix of acks (acksAllShare).
   */
  producer: t.union([t.literal('idempotent'), t.literal('plain'), t.literal('raw')]),
  /** raw: share of writes sent with acks=all; the rest acks=1, a few acks=0. */
  acksAllShare: t.number,
  consumeIntervalMs: t.number,
  network: NetworkOptions,
  faults: FaultRates,
  /** flush.messages for partition logs; Kafka's default leaves flushing to the OS. */
  flushMessages: t.number,
  maxSteps: t.number,
  /** null: no consumer group in this run. */
  group: t.union([t.null, GroupSpec]),
}), t.partial({
  /**
   * acks=0 or 1 chosen for every write (--acks): the raw writer's and the producer machine's (whose
   * idempotence is then off, as Kafka's ProducerConfig turns it off when not asked for). Absent: the
   * raw writer's seed mix (acksAllShare) and the producer's acks=all.
   */
  acks: t.union([t.literal(0), t.literal(1)]),
})]);
export type ClusterOptions = t.TypeOf<typeof ClusterOptions>;

export interface ClusterOverrides {
  variant?: string;
  maxSteps?: number;
  unclean?: boolean;
  /** Force the writer: 'plain' is the non-idempotent sweep. */
  producer?: ClusterOptions['producer'];
  controllers?: number;
  brokers?: number;
  /** null: no consumer group (exploration keeps its pinned runs this way). */
  group?: GroupSpec | null;
}

export const CONTROLLER_ID_BASE = 100;
export const CLIENT_ID = 0;
/** The producer machine's address on the simulated network. */
export const PRODUCER_CLIENT_ID = 90;
/** Consumers of the group: 91, 92, ... */
export const CONSUMER_CLIENT_ID_BASE = 90;
export const consumerIds = (options: ClusterOptions): number[] => Array.from({ length: options.group?.consumers ?? 0 }, (_, i) => CONSUMER_CLIENT_ID_BASE + i + 1);
export const controllerIds = (options: ClusterOptions): number[] => Array.from({ length: options.controllers }, (_, i) => CONTROLLER_ID_BASE + i + 1);
export const brokerIds = (options: ClusterOptions): number[] => Array.from({ length: options.brokers }, (_, i) => i + 1);

export function clusterOptionsFromSeed(seed: number, overrides: ClusterOverrides = {}): ClusterOptions {
  const random = Random.stream(seed, 'cluster-options');
  const faultsOn = random.chance(0.9);
  const brokers = overrides.brokers ?? random.pick([3, 3, 3, 4, 5]);
  const configs: Record<string, string> = { 'min.insync.replicas': String(random.pick([1, 2, 2])) };
  if (overrides.unclean === true) configs['unclean.leader.election.enable'] = 'true';
  const options: ClusterOptions = {
    seed,
    variant: overrides.variant ?? 'kraft',
    controllers: overrides.controllers ?? random.pick([1, 3, 3]),
    brokers,
    topic: { name: 'user_activity', partitions: random.pick([1, 3, 6]), replicationFactor: Math.min(3, brokers), configs },
    safetyPhaseMs: random.int(10_000, 20_000),
    livenessBoundMs: 20_000,
    produceIntervalMs: random.pick([20, 50, 100]),
    acksAllShare: random.pick([0.7, 0.9, 1]),
    consumeIntervalMs: random.pick([50, 100]),
    network: {
      delayMinMs: random.int(1, 3),
      delayMeanMs: random.pick([2, 5, 10]),
      lossProbability: random.pick([0, 0, 0.01, 0.05]),
      duplicateProbability: random.pick([0, 0, 0.01]),
      reorderProbability: random.pick([0, 0, 0.05]),
    },
    faults: {
      meanIntervalMs: faultsOn ? random.pick([1000, 2000, 4000]) : 0,
      crash: random.chance(0.8),
      partition: random.chance(0.8),
      pause: random.chance(0.5),
      clockSkew: random.chance(0.5),
      downtimeMaxMs: random.pick([1_000, 3_000, 6_000]),
    },
    flushMessages: Number.MAX_SAFE_INTEGER,
    maxSteps: overrides.maxSteps ?? 400_000,
    // Drawn last so that adding it left every other option of a seed as it was.
    producer: overrides.producer ?? (random.chance(0.8) ? 'idempotent' : 'raw'),
    // Drawn after everything else, for the same reason.
    group: overrides.group !== undefined ? overrides.group : groupFromSeed(random),
  };
  // Drawn after everything else, for the same reason: retention and segment configs, so retention runs in a sweep.
  Object.assign(options.topic.configs, retentionFromSeed(random));
  return options;
}

/** Topic retention configs for about a third of the seeds: small segments, and retention by time, by size or both. */
function retentionFromSeed(random: Random): Record<string, string> {
  if (!random.chance(0.35)) return {};
  const configs: Record<string, string> = { 'segment.bytes': random.pick(['512', '2048']) };
  const by = random.pick(['time', 'size', 'both']);
  if (by !== 'size') configs['retention.ms'] = random.pick(['2000', '5000']);
  if (by !== 'time') configs['retention.bytes'] = random.pick(['2048', '8192']);
  return configs;
}

function groupFromSeed(random: Random): GroupSpec | null {
  if (!random.chance(0.7)) return null;
  const protocol = random.chance(0.6) ? 'classic' : 'consumer';
  return {
    groupId: 'user_activity_readers',
    consumers: random.pick([2, 2, 3]),
    protocol,
    assignor: protocol === 'classic' ? random.pick(['range', 'roundrobin', 'sticky', 'cooperative-sticky']) : random.pick(['uniform', 'range']),
    staticMembers: random.chance(0.3),
    offsetsTopicPartitions: random.pick([1, 3]),
    consumerCrashes: random.chance(0.6),
    pollIntervalMs: random.pick([50, 100]),
  };
}

export function describeClusterOptions(options: ClusterOptions): string[] {
  const n = options.network;
  const f = options.faults;
  const faults = f.meanIntervalMs === 0
    ? 'off'
    : `every ~${f.meanIntervalMs}ms [${[f.crash && 'crash', f.partition && 'partition', f.pause && 'pause', f.clockSkew && 'clock-skew'].filter(Boolean).join(', ')}] downtime<=${f.downtimeMaxMs}ms`;
  const configs = Object.entries(options.topic.configs).map(([k, v]) => `${k}=${v}`).join(' ');
  return [
    `seed=${options.seed} variant=${options.variant} controllers=${options.controllers} brokers=${options.brokers} topic=${options.topic.name} partitions=${options.topic.partitions} rf=${options.topic.replicationFactor} ${configs}`,
    `workload: ${options.producer === 'raw' ? `raw writes every ~${options.produceIntervalMs}ms (${options.acks === undefined ? `acks=all ${Math.round(options.acksAllShare * 100)}%` : `acks=${options.acks}`})` : `${options.producer} producer${options.acks === undefined ? '' : ` (acks=${options.acks})`}, 1-3 sends every ~${options.produceIntervalMs}ms`}, consume every ~${options.consumeIntervalMs}ms; safety-phase=${options.safetyPhaseMs}ms liveness-bound=${options.livenessBoundMs}ms`,
    `group: ${options.group === null ? 'none' : `${options.group.groupId} ${options.group.consumers} consumers, group.protocol=${options.group.protocol} assignor=${options.group.assignor}${options.group.staticMembers ? ' static' : ''}${options.group.consumerCrashes ? ' with consumer crashes' : ''}; __consumer_offsets ${options.group.offsetsTopicPartitions} partition(s)`}`,
    `network: delay=${n.delayMinMs}ms+exp(${n.delayMeanMs}ms) loss=${n.lossProbability} duplicate=${n.duplicateProbability} reorder=${n.reorderProbability}`,
    `faults: ${faults}`,
  ];
}

/** The seed's fault schedule over controllers and brokers (heal-all is added by the simulator); partitions heal after their downtime. */
export function clusterFaultSchedule(options: ClusterOptions): TimedFault[] {
  const nodes = [...brokerIds(options), ...controllerIds(options)];
  return faultSchedule(options.faults, options.safetyPhaseMs, nodes, Random.stream(options.seed, 'cluster-faults'), true);
}
