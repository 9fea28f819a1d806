/**
 * Kafka's broker config names (server.properties), mapped onto the node layer's configs. Only the
 * names listed here are accepted; an unknown name or a bad value is one clear error.
 */
import { defaultBrokerConfig, type BrokerConfig } from '../machines/broker/machine.js';
import { defaultReplicaConfig, type ReplicaConfig } from '../machines/replica/machine.js';
import { defaultGroupCoordinatorConfig, type GroupCoordinatorConfig } from '../machines/group/shard.js';
import { defaultLogConfig } from '../log/partition-log.js';
import type { DiskLogConfig } from './storage/disk-partition-log.js';
import { defaultGatewayConfig, type GatewayConfig } from '../cluster/gateway/gateway.js';
import { defaultListenerConfig, type ListenerConfig } from './listener.js';

export interface LiveConfig {
  readonly broker: BrokerConfig;
  readonly replica: ReplicaConfig;
  readonly groupCoordinator: GroupCoordinatorConfig;
  readonly log: DiskLogConfig;
  readonly storage: StorageTimers;
  readonly gateway: Omit<GatewayConfig, 'clusterId'>;
  readonly listener: ListenerConfig;
}

/** The log manager's and replica manager's background tasks on real time (Kafka's defaults). */
export interface StorageTimers {
  /** log.flush.scheduler.interval.ms: how often logs are checked against flush.ms (Long.MAX_VALUE: never). */
  readonly flushSchedulerIntervalMs: number;
  /** log.flush.offset.checkpoint.interval.ms: recovery-point-offset-checkpoint. */
  readonly flushOffsetCheckpointIntervalMs: number;
  /** log.flush.start.offset.checkpoint.interval.ms: log-start-offset-checkpoint. */
  readonly flushStartOffsetCheckpointIntervalMs: number;
  /** replica.high.watermark.checkpoint.interval.ms: replication-offset-checkpoint. */
  readonly replicaHighWatermarkCheckpointIntervalMs: number;
}

/** Long.MAX_VALUE as the config's "never". */
export const NEVER_MS = Number.MAX_SAFE_INTEGER;

export const defaultStorageTimers: StorageTimers = {
  flushSchedulerIntervalMs: NEVER_MS,
  flushOffsetCheckpointIntervalMs: 60_000,
  flushStartOffsetCheckpointIntervalMs: 60_000,
  replicaHighWatermarkCheckpointIntervalMs: 5_000,
};

export class ConfigError extends Error {}

/**
 * The live cluster's defaults: Kafka's, except where the model's machines stand in for a Kafka
 * mechanism with a different knob.
 */
export const liveDefaults: LiveConfig = {
  broker: defaultBrokerConfig,
  replica: { ...defaultReplicaConfig, replicaLagTimeMaxMs: 30_000, fetchWaitMaxMs: 500, requestTimeoutMs: 30_000 },
  groupCoordinator: defaultGroupCoordinatorConfig,
  log: { ...defaultLogConfig, flushMs: NEVER_MS },
  storage: defaultStorageTimers,
  gateway: defaultGatewayConfig,
  listener: defaultListenerConfig,
};

type Setter = (config: Mutable, value: string, key: string) => void;
type Mutable = { -readonly [K in keyof LiveConfig]: { -readonly [F in keyof LiveConfig[K]]: LiveConfig[K][F] } };

function int(value: string, key: string, min: number): number {
  if (!/^-?\d+$/.test(value.trim())) throw new ConfigError(`${key}: '${value}' is not an integer`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new ConfigError(`${key}: ${value} is below ${min} or too large`);
  return n;
}

function bool(value: string, key: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`${key}: '${value}' is not true or false`);
}

const setters: Record<string, Setter> = {
  'min.insync.replicas': (c, v, k) => void (c.broker.minInsyncReplicas = int(v, k, 1)),
  'broker.heartbeat.interval.ms': (c, v, k) => void (c.broker.heartbeatIntervalMs = int(v, k, 1)),
  'offsets.topic.num.partitions': (c, v, k) => void (c.broker.offsetsTopicNumPartitions = c.groupCoordinator.offsetsTopicNumPartitions = int(v, k, 1)),
  'offsets.topic.replication.factor': (c, v, k) => void (c.broker.offsetsTopicReplicationFactor = c.groupCoordinator.offsetsTopicReplicationFactor = int(v, k, 1)),
  'replica.lag.time.max.ms': (c, v, k) => void (c.replica.replicaLagTimeMaxMs = int(v, k, 1)),
  'replica.fetch.backoff.ms': (c, v, k) => void (c.replica.fetchBackoffMs = int(v, k, 0)),
  // 1 at least: an empty answer is fetched again at once, so 0 would spin.
  'replica.fetch.wait.max.ms': (c, v, k) => void (c.replica.fetchWaitMaxMs = int(v, k, 1)),
  'group.min.session.timeout.ms': (c, v, k) => void (c.groupCoordinator.groupMinSessionTimeoutMs = int(v, k, 0)),
  'group.max.session.timeout.ms': (c, v, k) => void (c.groupCoordinator.groupMaxSessionTimeoutMs = int(v, k, 0)),
  'group.initial.rebalance.delay.ms': (c, v, k) => void (c.groupCoordinator.groupInitialRebalanceDelayMs = int(v, k, 0)),
  'offsets.commit.timeout.ms': (c, v, k) => void (c.groupCoordinator.offsetsCommitTimeoutMs = int(v, k, 1)),
  'log.segment.bytes': (c, v, k) => void (c.log.segmentBytes = int(v, k, 14)),
  'log.retention.ms': (c, v, k) => void (c.log.retentionMs = int(v, k, -1)),
  'log.retention.bytes': (c, v, k) => void (c.log.retentionBytes = int(v, k, -1)),
  'log.flush.interval.messages': (c, v, k) => void (c.log.flushMessages = int(v, k, 1)),
  'log.flush.interval.ms': (c, v, k) => void (c.log.flushMs = int(v, k, 0)),
  'log.flush.scheduler.interval.ms': (c, v, k) => void (c.storage.flushSchedulerIntervalMs = int(v, k, 1)),
  'log.flush.offset.checkpoint.interval.ms': (c, v, k) => void (c.storage.flushOffsetCheckpointIntervalMs = int(v, k, 1)),
  'log.flush.start.offset.checkpoint.interval.ms': (c, v, k) => void (c.storage.flushStartOffsetCheckpointIntervalMs = int(v, k, 1)),
  'replica.high.watermark.checkpoint.interval.ms': (c, v, k) => void (c.storage.replicaHighWatermarkCheckpointIntervalMs = int(v, k, 1)),
  'auto.create.topics.enable': (c, v, k) => void (c.gateway.autoCreateTopicsEnable = bool(v, k)),
  'num.partitions': (c, v, k) => void (c.gateway.numPartitions = int(v, k, 1)),
  'default.replication.factor': (c, v, k) => void (c.gateway.defaultReplicationFactor = int(v, k, 1)),
  'socket.request.max.bytes': (c, v, k) => void (c.listener.socketRequestMaxBytes = int(v, k, 1)),
  'connections.max.idle.ms': (c, v, k) => void (c.listener.connectionsMaxIdleMs = int(v, k, 1)),
};

export const overridableKeys: readonly string[] = Object.keys(setters).sort();

/** The defaults with `key=value` overrides applied, in order. */
export function liveConfig(overrides: readonly string[]): LiveConfig {
  const config: Mutable = {
    broker: { ...liveDefaults.broker }, replica: { ...liveDefaults.replica }, groupCoordinator: { ...liveDefaults.groupCoordinator },
    log: { ...liveDefaults.log }, storage: { ...liveDefaults.storage }, gateway: { ...liveDefaults.gateway }, listener: { ...liveDefaults.listener },
  };
  for (const override of overrides) {
    const at = override.indexOf('=');
    if (at <= 0) throw new ConfigError(`--override takes key=value, got '${override}'`);
    const key = override.slice(0, at).trim();
    const setter = setters[key];
    if (setter === undefined) throw new ConfigError(`unknown config '${key}' (known: ${overridableKeys.join(', ')})`);
    setter(config, override.slice(at + 1).trim(), key);
  }
  return config;
}
