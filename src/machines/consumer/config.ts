/**
 * The consumer's configuration, with Kafka's names and defaults (ConsumerConfig) and the checks
 * KafkaConsumer makes when it starts. Every timing is a setting: the simulator scales them down.
 *
 * The rebalance protocol of a classic member is not a setting: it is the highest protocol every
 * configured assignor supports (ConsumerCoordinator's constructor, protocol-rules B.9). Kafka's
 * default [range, cooperative-sticky] therefore rebalances EAGER until range is removed.
 */
import { clientAssignor } from '../group/assignors/index.js';
import type { RebalanceProtocol } from '../group/assignors/types.js';

export type GroupProtocol = 'classic' | 'consumer';
export type AutoOffsetReset = 'earliest' | 'latest' | 'none';

export interface ConsumerConfig {
  /** client.id: the prefix of the member id the coordinator hands out. */
  readonly clientId: string;
  /** group.id; null: no group (manual assignment only, nothing committed). */
  readonly groupId: string | null;
  /** group.instance.id (KIP-345 static membership). */
  readonly groupInstanceId: string | null;
  /** group.protocol: classic (JoinGroup / SyncGroup / Heartbeat) or consumer (KIP-848 ConsumerGroupHeartbeat). */
  readonly groupProtocol: GroupProtocol;
  /** group.remote.assignor (consumer protocol only): null lets the coordinator choose. */
  readonly groupRemoteAssignor: string | null;
  /** partition.assignment.strategy (classic protocol only), in order of preference. */
  readonly partitionAssignmentStrategy: readonly string[];
  /** session.timeout.ms */
  readonly sessionTimeoutMs: number;
  /** heartbeat.interval.ms */
  readonly heartbeatIntervalMs: number;
  /** max.poll.interval.ms: the longest the application may go without poll(); also the rebalance timeout sent in JoinGroup. */
  readonly maxPollIntervalMs: number;
  /** max.poll.records */
  readonly maxPollRecords: number;
  /** enable.auto.commit */
  readonly enableAutoCommit: boolean;
  /** auto.commit.interval.ms */
  readonly autoCommitIntervalMs: number;
  /** auto.offset.reset */
  readonly autoOffsetReset: AutoOffsetReset;
  /**
   * fetch.max.wait.ms: how long a broker holds a fetch that has nothing to return. The brokers this
   * machine talks to answer at once, so after an empty answer the consumer waits this long before
   * fetching the partition again: the same pace, without a parked request.
   */
  readonly fetchMaxWaitMs: number;
  /** request.timeout.ms */
  readonly requestTimeoutMs: number;
  /** default.api.timeout.ms: how long commitSync() keeps retrying. */
  readonly defaultApiTimeoutMs: number;
  /** retry.backoff.ms */
  readonly retryBackoffMs: number;
  /** metadata.max.age.ms */
  readonly metadataMaxAgeMs: number;
}

/** Kafka 4.x consumer defaults. */
export const kafkaConsumerDefaults: ConsumerConfig = {
  clientId: 'consumer',
  groupId: null,
  groupInstanceId: null,
  groupProtocol: 'classic',
  groupRemoteAssignor: null,
  partitionAssignmentStrategy: ['range', 'cooperative-sticky'],
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3_000,
  maxPollIntervalMs: 300_000,
  maxPollRecords: 500,
  enableAutoCommit: true,
  autoCommitIntervalMs: 5_000,
  autoOffsetReset: 'latest',
  fetchMaxWaitMs: 500,
  requestTimeoutMs: 30_000,
  defaultApiTimeoutMs: 60_000,
  retryBackoffMs: 100,
  metadataMaxAgeMs: 300_000,
};

/** What the user set: anything left out takes Kafka's default. */
export type ConsumerSettings = Partial<ConsumerConfig>;

export type ConsumerConfigResult =
  | { readonly ok: true; readonly config: ConsumerConfig; readonly rebalanceProtocol: RebalanceProtocol }
  | { readonly ok: false; readonly error: string };

/** ConsumerCoordinator: the highest protocol (EAGER < COOPERATIVE) all the assignors support; null if they share none. */
export function rebalanceProtocolOf(assignorNames: readonly string[]): RebalanceProtocol | null {
  const supported = assignorNames.map((name) => clientAssignor(name)?.supportedProtocols ?? []);
  for (const protocol of ['COOPERATIVE', 'EAGER'] as const) if (supported.every((protocols) => protocols.includes(protocol))) return protocol;
  return null;
}

const TIMINGS = [
  ['session.timeout.ms', 'sessionTimeoutMs', 1],
  ['heartbeat.interval.ms', 'heartbeatIntervalMs', 1],
  ['max.poll.interval.ms', 'maxPollIntervalMs', 1],
  ['max.poll.records', 'maxPollRecords', 1],
  ['auto.commit.interval.ms', 'autoCommitIntervalMs', 0],
  ['fetch.max.wait.ms', 'fetchMaxWaitMs', 0],
  ['request.timeout.ms', 'requestTimeoutMs', 0],
  ['default.api.timeout.ms', 'defaultApiTimeoutMs', 0],
  ['retry.backoff.ms', 'retryBackoffMs', 0],
  ['metadata.max.age.ms', 'metadataMaxAgeMs', 0],
] as const;

/** The value checks of ConsumerConfig's ConfigDef, then KafkaConsumer's cross-checks. */
export function resolveConsumerConfig(settings: ConsumerSettings, defaults: ConsumerConfig = kafkaConsumerDefaults): ConsumerConfigResult {
  const config: ConsumerConfig = { ...defaults, ...settings };
  const fail = (error: string): ConsumerConfigResult => ({ ok: false, error });
  for (const [name, key, least] of TIMINGS) {
    const value = config[key];
    if (!Number.isInteger(value) || value < least) return fail(`Invalid value ${value} for configuration ${name}: Value must be at least ${least}`);
  }
  if (config.groupProtocol !== 'classic' && config.groupProtocol !== 'consumer') return fail(`Invalid value ${String(config.groupProtocol)} for configuration group.protocol: String must be one of: classic, consumer`);
  if (!['earliest', 'latest', 'none'].includes(config.autoOffsetReset)) return fail(`Invalid value ${String(config.autoOffsetReset)} for configuration auto.offset.reset: String must be one of: latest, earliest, none`);
  if (config.groupId !== null && config.groupId.trim() === '') return fail('group.id must not be empty or blank when set');
  if (config.groupInstanceId !== null && config.groupInstanceId.trim() === '') return fail('group.instance.id cannot be empty or blank');
  if (config.groupId === null && config.enableAutoCommit && settings.enableAutoCommit === true) return fail('enable.auto.commit cannot be set to true when no group.id is configured');
  if (config.groupId === null && config.groupInstanceId !== null) return fail('group.instance.id requires a group.id');
  if (config.heartbeatIntervalMs >= config.sessionTimeoutMs) return fail('heartbeat.interval.ms must be set lower than session.timeout.ms');
  if (config.groupProtocol === 'consumer' && settings.partitionAssignmentStrategy !== undefined) return fail('partition.assignment.strategy cannot be set when group.protocol=consumer (use group.remote.assignor)');
  if (config.groupProtocol === 'classic' && config.groupRemoteAssignor !== null) return fail('group.remote.assignor cannot be set when group.protocol=classic');
  if (config.partitionAssignmentStrategy.length === 0) return fail('partition.assignment.strategy must name at least one assignor');
  const unknown = config.partitionAssignmentStrategy.find((name) => clientAssignor(name) === undefined);
  if (unknown !== undefined) return fail(`partition.assignment.strategy: class ${unknown} cannot be found (known: range, roundrobin, sticky, cooperative-sticky)`);
  const rebalanceProtocol = rebalanceProtocolOf(config.partitionAssignmentStrategy);
  if (rebalanceProtocol === null) return fail(`partition.assignment.strategy: the assignors ${config.partitionAssignmentStrategy.join(', ')} support no common rebalance protocol`);
  // Without a group there is nothing to commit to: auto-commit is quietly off (KafkaConsumer logs it).
  const enableAutoCommit = config.groupId === null ? false : config.enableAutoCommit;
  return { ok: true, config: { ...config, enableAutoCommit }, rebalanceProtocol };
}
