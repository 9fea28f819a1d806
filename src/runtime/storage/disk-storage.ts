/**
 * A node's storage in one log directory, in Kafka's layout:
 *
 *   <dir>/meta.properties                       version=1, node.id, cluster.id, directory.id
 *   <dir>/replication-offset-checkpoint         high watermarks          (ReplicaManager)
 *   <dir>/recovery-point-offset-checkpoint      flushed offsets          (LogManager)
 *   <dir>/log-start-offset-checkpoint           log start offsets        (LogManager)
 *   <dir>/.kafka_cleanshutdown                  present after a clean close, until the next open
 *   <dir>/<topic>-<partition>/00000000000000000000.log ...   segments of v2 record batches
 *   <dir>/<topic>-<partition>/leader-epoch-checkpoint
 *   <dir>/<topic>-<partition>/partition.metadata              the topic id
 *   <dir>/__cluster_metadata-0/*.log, leader-epoch-checkpoint, quorum-state
 *
 * The node sees the same interfaces as memoryStorage; the in-memory logs are the working copy and
 * every change is written through. Appends are not fsynced (Kafka's default flush policy leaves it
 * to the operating system) unless flush.messages / flush.ms say so; the checkpoints are written
 * whole and atomically. Opening the directory recovers it (LogManager.loadLogs, LogLoader).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendToEpochCache, lastEpoch, truncateEpochCache, truncateEpochCacheFromStart, type EpochEntry } from '../../log/epoch-cache.js';
import { lastOffsetOf, type LogConfig, type RecordBatch } from '../../log/partition-log.js';
import type { QuorumDurable } from '../../machines/quorum/index.js';
import type { PartitionAddress } from '../../protocol/replication/messages.js';
import type { HighWatermarkCheckpoint, NodeStorage, PartitionLogStore, QuorumStateStore } from '../../cluster/storage.js';
import { modelBatchCodec, type PartitionBatchCodec } from './batch-codec.js';
import {
  LEADER_EPOCH_CHECKPOINT,
  LOG_START_OFFSET_CHECKPOINT,
  parsePartitionKey,
  readLeaderEpochCheckpoint,
  readOffsetCheckpoint,
  RECOVERY_POINT_OFFSET_CHECKPOINT,
  REPLICATION_OFFSET_CHECKPOINT,
  writeLeaderEpochCheckpoint,
  writeOffsetCheckpoint,
} from './checkpoint-files.js';
import { DiskMetadataLog, METADATA_LOG_DIR, type MetadataLogRecovery } from './disk-metadata-log.js';
import { DiskPartitionLog, type DiskLogConfig } from './disk-partition-log.js';
import { fsync, noSync, writeFileAtomically, type Sync } from './files.js';
import { loadSegments } from './load-segments.js';
import {
  CLEAN_SHUTDOWN,
  ensureMetaProperties,
  formatPartitionMetadata,
  formatQuorumState,
  META_PROPERTIES,
  PARTITION_METADATA,
  QUORUM_STATE,
  readPartitionMetadata,
  readQuorumState,
  type ElectionState,
  type MetaProperties,
} from './node-files.js';
import { SegmentFiles } from './segment-files.js';

export interface DiskStorageOptions {
  /** With clusterId: meta.properties is written on first open and checked on every later one. */
  readonly nodeId?: number;
  readonly clusterId?: string;
  /** controller.quorum.voters' ids, written to quorum-state as currentVoters (QuorumStateData v0). */
  readonly voters?: readonly number[];
  /** metadata.log.segment.bytes */
  readonly metadataLogSegmentBytes?: number;
  /** The clock reading at open (segment creation times). */
  readonly nowMs?: number;
  /**
   * false skips every fsync (tests, and benchmarks of the write path): the files then survive the
   * process being killed but not a power loss. Default true, as Kafka.
   */
  readonly fsync?: boolean;
  /** How batches are written and read back (default: the model's string batches, modelBatchCodec). */
  readonly batchCodec?: PartitionBatchCodec;
}

/** What opening one partition's log found and repaired. */
export interface PartitionRecovery {
  readonly key: string;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /** Offset from which batches were CRC-checked (the checkpointed recovery point), or null after a clean shutdown. */
  readonly recoveredFrom: number | null;
  readonly truncatedBytes: number;
  readonly deletedSegments: number;
  readonly invalidReason: string | undefined;
}

export interface StorageRecovery {
  readonly cleanShutdown: boolean;
  readonly partitions: readonly PartitionRecovery[];
  readonly metadataLog: MetadataLogRecovery;
}

export interface DiskStorage extends NodeStorage {
  readonly dir: string;
  readonly metaProperties: MetaProperties | undefined;
  /** What the open found: torn or corrupt tails cut, per partition and for the metadata log. */
  readonly recovery: StorageRecovery;
  /** LogManager.flushDirtyLogs: flush every log whose flush.ms has passed (call it on a timer). */
  flushDirtyLogs(nowMs: number): void;
  /**
   * Write the directory's offset checkpoints: high watermarks (ReplicaManager, every
   * replica.high.watermark.checkpoint.interval.ms), recovery points and log start offsets
   * (LogManager, every log.flush.offset.checkpoint.interval.ms and
   * log.flush.start.offset.checkpoint.interval.ms). Call it on a timer.
   */
  checkpoint(): void;
  /** The three files of checkpoint() one at a time, for their own timers. */
  checkpointHighWatermarks(): void;
  checkpointRecoveryPoints(): void;
  checkpointLogStartOffsets(): void;
  /** LogManager.shutdown: flush every log, write the checkpoints and the clean-shutdown marker, close the files. */
  close(): void;
}

/** metadata.log.segment.bytes default */
const DEFAULT_METADATA_LOG_SEGMENT_BYTES = 1024 * 1024 * 1024;

export function diskStorage(dir: string, logConfigFor: (address: PartitionAddress) => LogConfig | DiskLogConfig, options: DiskStorageOptions = {}): DiskStorage {
  fs.mkdirSync(dir, { recursive: true });
  const openedMs = options.nowMs ?? Date.now();
  const sync: Sync = options.fsync === false ? noSync : fsync;
  const codec = options.batchCodec ?? modelBatchCodec;
  const metaProperties = options.nodeId !== undefined && options.clusterId !== undefined ? ensureMetaProperties(path.join(dir, META_PROPERTIES), options.nodeId, options.clusterId, new Date(openedMs), sync) : undefined;
  const cleanShutdownFile = path.join(dir, CLEAN_SHUTDOWN);
  const cleanShutdown = fs.existsSync(cleanShutdownFile);
  // From here on a crash is an unclean shutdown (LogManager deletes the marker once the logs are loaded).
  const highWatermarks = readOffsetCheckpoint(path.join(dir, REPLICATION_OFFSET_CHECKPOINT));
  const recoveryPoints = readOffsetCheckpoint(path.join(dir, RECOVERY_POINT_OFFSET_CHECKPOINT));
  const logStartOffsets = readOffsetCheckpoint(path.join(dir, LOG_START_OFFSET_CHECKPOINT));

  const logs = new Map<string, DiskPartitionLog>();
  const recoveries: PartitionRecovery[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const parsed = parsePartitionKey(name);
    if (parsed === undefined || name === METADATA_LOG_DIR || !fs.statSync(path.join(dir, name)).isDirectory()) continue;
    const address: PartitionAddress = { ...parsed, topicId: readPartitionMetadata(path.join(dir, name, PARTITION_METADATA)) ?? '' };
    const { log, recovery } = loadPartition(path.join(dir, name), name, address, logConfigFor(address), {
      cleanShutdown,
      recoveryPoint: recoveryPoints.get(name) ?? 0,
      logStartOffset: logStartOffsets.get(name) ?? 0,
      nowMs: openedMs,
      sync,
      codec,
    });
    logs.set(name, log);
    recoveries.push(recovery);
  }
  const metadataDir = path.join(dir, METADATA_LOG_DIR);
  fs.mkdirSync(metadataDir, { recursive: true });
  const metadataLog = DiskMetadataLog.open(metadataDir, options.metadataLogSegmentBytes ?? DEFAULT_METADATA_LOG_SEGMENT_BYTES, sync);
  fs.rmSync(cleanShutdownFile, { force: true });

  const partitionLogs: PartitionLogStore = {
    get: (key) => logs.get(key),
    open(key, address, nowMs) {
      let log = logs.get(key);
      if (log === undefined) logs.set(key, (log = createPartition(path.join(dir, key), address, logConfigFor(address), nowMs, sync, codec)));
      return log;
    },
    entries: () => logs.entries(),
    // LogManager.asyncDelete: a deleted topic's partition directory goes (Kafka renames it
    // `<topic>-<partition>.<id>-delete` and removes it file.delete.delay.ms later; kspec removes it
    // at once), so a topic created again with the same name starts from an empty log.
    remove(key) {
      const log = logs.get(key);
      if (log === undefined) return;
      log.close();
      logs.delete(key);
      fs.rmSync(log.dir, { recursive: true, force: true });
      sync.directory(dir);
    },
  };

  const highWatermarkCheckpoint: HighWatermarkCheckpoint = {
    // Partition.createLogIfNotExists → UnifiedLog.updateHighWatermark: never above the log end offset, never below its start.
    read(key) {
      const checkpointed = highWatermarks.get(key);
      const log = logs.get(key);
      if (checkpointed === undefined || log === undefined) return checkpointed;
      return Math.min(Math.max(checkpointed, log.logStartOffset), log.logEndOffset);
    },
    write: (key, highWatermark) => void highWatermarks.set(key, highWatermark),
    remove: (key) => void highWatermarks.delete(key),
  };

  const quorumState = fileQuorumStateStore(path.join(metadataDir, QUORUM_STATE), metadataLog, options.voters ?? null, sync);

  /** ReplicaManager.checkpointHighWatermarks (every replica.high.watermark.checkpoint.interval.ms). */
  function checkpointHighWatermarks(): void {
    writeOffsetCheckpoint(path.join(dir, REPLICATION_OFFSET_CHECKPOINT), new Map([...highWatermarks].filter(([key]) => logs.has(key))), sync);
  }
  /** LogManager.checkpointLogRecoveryOffsets (every log.flush.offset.checkpoint.interval.ms). */
  function checkpointRecoveryPoints(): void {
    writeOffsetCheckpoint(path.join(dir, RECOVERY_POINT_OFFSET_CHECKPOINT), new Map([...logs].map(([key, log]) => [key, log.diskRecoveryPoint])), sync);
  }
  /** LogManager.checkpointLogStartOffsets (every log.flush.start.offset.checkpoint.interval.ms): only logs whose start is above their first segment. */
  function checkpointLogStartOffsets(): void {
    writeOffsetCheckpoint(
      path.join(dir, LOG_START_OFFSET_CHECKPOINT),
      new Map([...logs].filter(([, log]) => log.logStartOffset > (log.segmentBaseOffsets()[0] ?? 0)).map(([key, log]) => [key, log.logStartOffset])),
      sync,
    );
  }
  function checkpoint(): void {
    checkpointHighWatermarks();
    checkpointRecoveryPoints();
    checkpointLogStartOffsets();
  }

  return {
    dir,
    metaProperties,
    recovery: { cleanShutdown, partitions: recoveries, metadataLog: metadataLog.recovery },
    metadataLog,
    quorumState,
    partitionLogs,
    highWatermarks: highWatermarkCheckpoint,
    flushDirtyLogs(nowMs) {
      for (const log of logs.values()) log.flushIfDue(nowMs);
    },
    checkpoint,
    checkpointHighWatermarks,
    checkpointRecoveryPoints,
    checkpointLogStartOffsets,
    close() {
      for (const log of logs.values()) log.flush();
      checkpoint();
      for (const log of logs.values()) log.close();
      metadataLog.close();
      // CleanShutdownFileHandler.write: {"version":0,"brokerEpoch":...}; the broker epoch is the node's, not the storage's.
      writeFileAtomically(cleanShutdownFile, JSON.stringify({ version: 0, brokerEpoch: -1 }), sync);
    },
  };
}

/** A partition the broker hosts for the first time: its directory, partition.metadata, an empty first segment. */
function createPartition(dir: string, address: PartitionAddress, config: DiskLogConfig, nowMs: number, sync: Sync, codec: PartitionBatchCodec): DiskPartitionLog {
  fs.mkdirSync(dir, { recursive: true });
  if (address.topicId !== '') writeFileAtomically(path.join(dir, PARTITION_METADATA), formatPartitionMetadata(address.topicId), sync);
  const files = new SegmentFiles<RecordBatch>(dir, sync);
  files.create(0);
  writeLeaderEpochCheckpoint(path.join(dir, LEADER_EPOCH_CHECKPOINT), [], sync);
  sync.directory(path.dirname(dir));
  return new DiskPartitionLog(config, nowMs, dir, files, codec);
}

interface LoadContext {
  readonly cleanShutdown: boolean;
  readonly recoveryPoint: number;
  readonly logStartOffset: number;
  readonly nowMs: number;
  readonly sync: Sync;
  readonly codec: PartitionBatchCodec;
}

/**
 * LogLoader.load for one partition: segments read (recovered past the recovery point), the log
 * start offset the larger of its checkpoint and the first segment's base, the leader-epoch cache
 * from its checkpoint plus every later epoch the batches show (LogSegment.recover), then cut to
 * the log's bounds (truncateFromStart, truncateFromEnd); producer state is rebuilt from the
 * batches by the node when the replica starts.
 */
function loadPartition(dir: string, key: string, address: PartitionAddress, config: DiskLogConfig, context: LoadContext): { log: DiskPartitionLog; recovery: PartitionRecovery } {
  const loaded = loadSegments<RecordBatch>(dir, {
    recoveryPoint: context.recoveryPoint,
    cleanShutdown: context.cleanShutdown,
    emptyLogBaseOffset: context.logStartOffset,
    decode: (view) => context.codec.decode(view, address),
    sync: context.sync,
  });
  const batches = loaded.segments.flatMap((s) => s.batches);
  let cache: EpochEntry[] = readLeaderEpochCheckpoint(path.join(dir, LEADER_EPOCH_CHECKPOINT));
  for (const batch of batches) {
    if (batch.partitionLeaderEpoch >= 0 && (cache.length === 0 || batch.partitionLeaderEpoch > lastEpoch(cache))) cache = appendToEpochCache(cache, batch.partitionLeaderEpoch, batch.baseOffset);
  }
  const lastSegment = loaded.segments[loaded.segments.length - 1] as { baseOffset: number };
  const lastBatch = batches[batches.length - 1];
  const logEndOffset = lastBatch === undefined ? lastSegment.baseOffset : lastOffsetOf(lastBatch) + 1;
  const logStartOffset = Math.min(Math.max(context.logStartOffset, (loaded.segments[0] as { baseOffset: number }).baseOffset), logEndOffset);
  cache = truncateEpochCache(truncateEpochCacheFromStart(cache, logStartOffset), logEndOffset);
  const log = new DiskPartitionLog(config, context.nowMs, dir, loaded.files, context.codec);
  log.load({ segments: loaded.segments, logStartOffset, epochCache: cache, recoveryPoint: context.recoveryPoint }, context.nowMs);
  log.loaded(Math.min(context.recoveryPoint, log.logEndOffset), context.nowMs);
  return {
    log,
    recovery: {
      key,
      logStartOffset: log.logStartOffset,
      logEndOffset: log.logEndOffset,
      recoveredFrom: context.cleanShutdown ? null : context.recoveryPoint,
      truncatedBytes: loaded.truncatedBytes,
      deletedSegments: loaded.deletedSegments,
      invalidReason: loaded.invalidReason,
    },
  };
}

/**
 * FileQuorumStateStore over the metadata log: the file holds the election (epoch, vote, leader);
 * the log end offset and epoch cache come from the metadata log itself. A log whose last epoch is
 * above the file's (the file was never written, or lost a race with the log) starts the node
 * unattached in the log's epoch (QuorumState.initialize).
 */
function fileQuorumStateStore(file: string, metadataLog: DiskMetadataLog, voters: readonly number[] | null, sync: Sync): QuorumStateStore {
  let written: ElectionState | undefined = readQuorumState(file);
  return {
    read(): QuorumDurable | undefined {
      const logEpoch = lastEpoch(metadataLog.epochCache);
      const shape = { logEndOffset: metadataLog.logEndOffset(), epochCache: metadataLog.epochCache };
      if (written !== undefined && written.currentEpoch >= logEpoch) return { ...written, ...shape };
      if (written === undefined && metadataLog.logEndOffset() === 0) return undefined;
      return { currentEpoch: logEpoch, votedFor: null, leaderId: null, ...shape };
    },
    write(state) {
      const election: ElectionState = { currentEpoch: state.currentEpoch, votedFor: state.votedFor, leaderId: state.leaderId };
      if (written !== undefined && written.currentEpoch === election.currentEpoch && written.votedFor === election.votedFor && written.leaderId === election.leaderId) return;
      writeFileAtomically(file, formatQuorumState(election, voters), sync);
      written = election;
    },
  };
}
