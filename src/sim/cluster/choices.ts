/**
 * Cluster and workload options chosen on the command line instead of drawn from the seed. They are
 * applied after the seed's draws, so every option not chosen is the seed's own: `--brokers 5`
 * changes the broker count and nothing else the seed picked (save the replication factor it
 * derives from it, min(3, brokers), as the seed does).
 */
import { clusterOptionsFromSeed, type ClusterOptions, type GroupSpec } from './options.js';
import { optionsFromSeed, type FaultRates, type SimOptions } from '../options.js';

export interface ClusterChoices {
  readonly brokers?: number;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /**
   * Every write's acks. 'all': every write waits for the ISR (the raw writer's mix becomes all; the
   * producer machine's default). '1' or '0': the raw writer's and the producer machine's, whose
   * idempotence Kafka then turns off (ProducerConfig.postProcessAndValidateIdempotenceConfigs: the
   * default enable.idempotence=true holds only with acks=all).
   */
  readonly acks?: 'all' | '1' | '0';
  /** false: no injected faults; true: faults even where the seed drew none. */
  readonly faults?: boolean;
  /** 'none': no consumer group. */
  readonly groupProtocol?: 'classic' | 'consumer' | 'none';
}

/** The fault interval a seed that drew "no faults" gets when faults are asked for (the seeds' middle choice). */
const FAULTS_ON_MEAN_INTERVAL_MS = 2_000;

const defaultAssignor = (protocol: GroupSpec['protocol']): string => (protocol === 'classic' ? 'range' : 'uniform');
const CLASSIC_ASSIGNORS = ['range', 'roundrobin', 'sticky', 'cooperative-sticky'];

/** The fewest brokers a seed draws (clusterOptionsFromSeed picks 3, 4 or 5). */
export const SEED_BROKERS_MIN = 3;

/**
 * Why the choices cannot make a cluster, in Kafka's words, or null. A replication factor above the
 * broker count is what CreateTopics answers with INVALID_REPLICATION_FACTOR
 * (ReplicationControlManager.createTopic, through StripedReplicaPlacer.place): refused before any
 * run, for every seed the choices would apply to.
 */
export function clusterChoicesError(choices: ClusterChoices): string | null {
  const brokers = choices.brokers ?? SEED_BROKERS_MIN;
  if (choices.replicationFactor !== undefined && choices.replicationFactor > brokers) {
    return `INVALID_REPLICATION_FACTOR: replication factor ${choices.replicationFactor} is larger than the ${brokers} available brokers${choices.brokers === undefined ? ' (the fewest a seed draws; give --brokers)' : ''}`;
  }
  return null;
}

export function applyClusterChoices(options: ClusterOptions, choices: ClusterChoices): ClusterOptions {
  const brokers = choices.brokers ?? options.brokers;
  const replicationFactor = choices.replicationFactor ?? (choices.brokers === undefined ? options.topic.replicationFactor : Math.min(3, brokers));
  return {
    ...options,
    brokers,
    topic: { ...options.topic, partitions: choices.partitions ?? options.topic.partitions, replicationFactor },
    acksAllShare: choices.acks === 'all' ? 1 : options.acksAllShare,
    ...(choices.acks === '1' || choices.acks === '0' ? { acks: Number(choices.acks) as 0 | 1, producer: options.producer === 'idempotent' ? 'plain' : options.producer } : {}),
    faults: chooseFaults(options.faults, choices.faults),
    group: chooseGroup(options.group, choices.groupProtocol),
  };
}

/** The seed's fault rates under `--faults on|off` (undefined: as drawn). */
export function chooseFaults(faults: FaultRates, on: boolean | undefined): FaultRates {
  if (on === undefined) return faults;
  if (!on) return { ...faults, meanIntervalMs: 0 };
  const anyKind = faults.crash || faults.partition || faults.pause || faults.clockSkew;
  return {
    ...faults,
    meanIntervalMs: faults.meanIntervalMs === 0 ? FAULTS_ON_MEAN_INTERVAL_MS : faults.meanIntervalMs,
    crash: anyKind ? faults.crash : true,
  };
}

function chooseGroup(group: GroupSpec | null, protocol: ClusterChoices['groupProtocol']): GroupSpec | null {
  if (protocol === undefined) return group;
  if (protocol === 'none') return null;
  if (group === null) {
    return { groupId: 'user_activity_readers', consumers: 2, protocol, assignor: defaultAssignor(protocol), staticMembers: false, offsetsTopicPartitions: 1, consumerCrashes: false, pollIntervalMs: 100 };
  }
  if (group.protocol === protocol) return group;
  // A classic assignor is the client's partition.assignment.strategy; KIP-848's is the server's group.remote.assignor.
  const fits = protocol === 'classic' ? CLASSIC_ASSIGNORS.includes(group.assignor) : ['uniform', 'range'].includes(group.assignor);
  return { ...group, protocol, assignor: fits ? group.assignor : defaultAssignor(protocol) };
}

/** The command-line flags that reproduce the choices (empty when none were made). */
export function clusterChoicesFlags(choices: ClusterChoices): string[] {
  const flags: string[] = [];
  if (choices.brokers !== undefined) flags.push(`--brokers ${choices.brokers}`);
  if (choices.partitions !== undefined) flags.push(`--partitions ${choices.partitions}`);
  if (choices.replicationFactor !== undefined) flags.push(`--replication-factor ${choices.replicationFactor}`);
  if (choices.acks !== undefined) flags.push(`--acks ${choices.acks}`);
  if (choices.faults !== undefined) flags.push(`--faults ${choices.faults ? 'on' : 'off'}`);
  if (choices.groupProtocol !== undefined) flags.push(`--group-protocol ${choices.groupProtocol}`);
  return flags;
}

/** What a sweep or a run asks of every seed: the seed's draws, then these. */
export interface SeedRequest {
  readonly variant: string;
  readonly maxSteps: number;
  readonly unclean?: boolean;
  /** Every seed's writer is the producer machine with idempotence off. */
  readonly noIdempotence?: boolean;
  readonly choices?: ClusterChoices;
  /** The quorum model's voters. */
  readonly voters?: number;
}

export function chosenClusterOptions(seed: number, request: SeedRequest): ClusterOptions {
  const drawn = clusterOptionsFromSeed(seed, { variant: request.variant, maxSteps: request.maxSteps, unclean: request.unclean === true, ...(request.noIdempotence === true ? { producer: 'plain' as const } : {}) });
  return applyClusterChoices(drawn, request.choices ?? {});
}

export function chosenQuorumOptions(seed: number, request: SeedRequest): SimOptions {
  const drawn = optionsFromSeed(seed, { variant: request.variant, maxSteps: request.maxSteps, ...(request.voters === undefined ? {} : { voters: request.voters }) });
  return { ...drawn, faults: chooseFaults(drawn.faults, request.choices?.faults) };
}
