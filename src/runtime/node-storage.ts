/**
 * A live node's storage on disk and the background tasks Kafka runs over it on real time: the
 * log manager's flush and offset checkpoints, and the replica manager's high-watermark checkpoint
 * (LogManager.startupWithConfigOverrides, ReplicaManager.startHighWatermarkCheckPointThread).
 */
import * as path from 'node:path';
import type { BatchPayloads } from '../cluster/payloads.js';
import type { KafkaNode } from '../cluster/node.js';
import type { StorageTimers } from './config.js';
import { payloadBatchCodec } from './payload-codec.js';
import { diskStorage, StorageFormatError, type DiskStorage } from './storage/index.js';
import type { DiskLogConfig } from './storage/disk-partition-log.js';
import { readFileIfExists } from './storage/files.js';
import { META_PROPERTIES, parseMetaProperties, randomUuid } from './storage/node-files.js';

/** The longest delay setTimeout takes (2^31 - 1 ms); a longer interval means never. */
const TIMER_DELAY_MAX_MS = 2 ** 31 - 1;

/**
 * The cluster id the log directories already carry (meta.properties), or a new one
 * (Uuid.randomUuid, as `kafka-storage.sh random-uuid`) when none has one yet. Directories that
 * disagree are refused, as MetaPropertiesEnsemble.verify refuses them.
 */
export function clusterIdOf(logDirs: readonly string[]): string {
  const found = new Map<string, string>();
  for (const dir of logDirs) {
    const file = path.join(dir, META_PROPERTIES);
    const text = readFileIfExists(file);
    if (text !== undefined) found.set(parseMetaProperties(file, text).clusterId, file);
  }
  if (found.size > 1) throw new StorageFormatError([...found.values()].join(', '), `the log directories belong to different clusters (${[...found.keys()].join(', ')})`);
  return [...found.keys()][0] ?? randomUuid();
}

export interface NodeStorageOptions {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly voters: readonly number[];
  readonly logConfig: DiskLogConfig;
  /** The process's store of client batch bytes: the logs write them as received and read them back into it. */
  readonly payloads: BatchPayloads;
  readonly log: (line: string) => void;
}

/** Open (and recover) a node's log directory; what recovery cut is logged. */
export function openNodeStorage(dir: string, options: NodeStorageOptions): DiskStorage {
  const disk = diskStorage(dir, () => options.logConfig, {
    nodeId: options.nodeId, clusterId: options.clusterId, voters: options.voters, batchCodec: payloadBatchCodec(options.payloads),
  });
  const { recovery } = disk;
  for (const p of recovery.partitions) {
    if (p.truncatedBytes > 0 || p.deletedSegments > 0) options.log(`node ${options.nodeId}: recovered ${p.key}: cut ${p.truncatedBytes} bytes, deleted ${p.deletedSegments} segment(s): ${p.invalidReason ?? ''}`);
  }
  if (!recovery.cleanShutdown && recovery.partitions.length > 0) options.log(`node ${options.nodeId}: ${dir} was not shut down cleanly; recovered ${recovery.partitions.length} partition(s)`);
  return disk;
}

export interface StorageTimerHandle {
  stop(): void;
}

/**
 * Kafka's periodic storage tasks for the nodes of this process. The flush check runs every
 * log.flush.scheduler.interval.ms, or every log.flush.interval.ms when that is shorter: Kafka's
 * scheduler default (Long.MAX_VALUE) would otherwise never honour a flush.ms that was set.
 */
export function startStorageTimers(nodes: readonly KafkaNode[], disks: ReadonlyMap<number, DiskStorage>, timers: StorageTimers, flushMs: number, log: (line: string) => void): StorageTimerHandle {
  const handles: NodeJS.Timeout[] = [];
  const every = (intervalMs: number, name: string, task: (disk: DiskStorage, node: KafkaNode) => void): void => {
    if (disks.size === 0 || intervalMs > TIMER_DELAY_MAX_MS) return;
    const handle = setInterval(() => {
      for (const node of nodes) {
        const disk = disks.get(node.id);
        if (disk === undefined || !node.up) continue;
        try {
          task(disk, node);
        } catch (error) {
          log(`node ${node.id}: ${name} failed: ${(error as Error).message}`);
        }
      }
    }, intervalMs);
    handle.unref();
    handles.push(handle);
  };
  every(Math.max(1, Math.min(timers.flushSchedulerIntervalMs, flushMs)), 'kafka-log-flusher', (disk) => disk.flushDirtyLogs(Date.now()));
  every(timers.flushOffsetCheckpointIntervalMs, 'kafka-recovery-point-checkpoint', (disk) => disk.checkpointRecoveryPoints());
  every(timers.flushStartOffsetCheckpointIntervalMs, 'kafka-log-start-offset-checkpoint', (disk) => disk.checkpointLogStartOffsets());
  every(timers.replicaHighWatermarkCheckpointIntervalMs, 'highwatermark-checkpoint', (disk, node) => {
    node.checkpointHighWatermarks();
    disk.checkpointHighWatermarks();
  });
  return { stop: () => handles.forEach((h) => clearInterval(h)) };
}
