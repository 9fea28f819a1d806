/**
 * A node's durable storage, behind interfaces: what survives a crash. The simulator keeps it in
 * memory; the live runtime will keep it in files in Kafka's layout (the metadata log under
 * __cluster_metadata-0, quorum-state, partition directories, replication-offset-checkpoint).
 *
 * The writes here complete at once. A store whose writes complete later (an fsync) reports the
 * completion back to the node as an event, and a reply that promises durability (a vote, an
 * acks=all answer) waits for it: the machines already keep durable and volatile state apart.
 */
import { MemoryLogStore, type LogStore } from '../log/log-store.js';
import { PartitionLog, type LogConfig } from '../log/partition-log.js';
import type { QuorumDurable } from '../machines/quorum/index.js';
import type { PartitionAddress } from '../protocol/replication/messages.js';

/** The quorum's durable state (Kafka's quorum-state file: epoch, vote, leader). */
export interface QuorumStateStore {
  read(): QuorumDurable | undefined;
  write(state: QuorumDurable): void;
}

/** The partition logs a broker hosts, by partition key (topic-partition). */
export interface PartitionLogStore {
  get(key: string): PartitionLog | undefined;
  /** The partition's log, created empty when the broker first hosts it. */
  open(key: string, address: PartitionAddress, nowMs: number): PartitionLog;
  entries(): IterableIterator<[string, PartitionLog]>;
  /** Delete the partition's log: its topic was deleted (LogManager.asyncDelete). Optional until every store has it. */
  remove?(key: string): void;
}

/** The high watermark checkpoint (ReplicaManager's replication-offset-checkpoint file). */
export interface HighWatermarkCheckpoint {
  read(key: string): number | undefined;
  write(key: string, highWatermark: number): void;
  /** Forget a deleted partition's checkpoint. Optional until every store has it. */
  remove?(key: string): void;
}

export interface NodeStorage {
  readonly metadataLog: LogStore;
  readonly quorumState: QuorumStateStore;
  readonly partitionLogs: PartitionLogStore;
  readonly highWatermarks: HighWatermarkCheckpoint;
}

/** Storage in memory: it survives a simulated crash because the node object does. */
export function memoryStorage(logConfigFor: (address: PartitionAddress) => LogConfig): NodeStorage {
  let quorum: QuorumDurable | undefined;
  const logs = new Map<string, PartitionLog>();
  const checkpoints = new Map<string, number>();
  return {
    metadataLog: new MemoryLogStore(),
    quorumState: { read: () => quorum, write: (state) => void (quorum = state) },
    partitionLogs: {
      get: (key) => logs.get(key),
      open(key, address, nowMs) {
        let log = logs.get(key);
        if (log === undefined) logs.set(key, (log = new PartitionLog(logConfigFor(address), nowMs)));
        return log;
      },
      entries: () => logs.entries(),
      remove: (key) => void logs.delete(key),
    },
    highWatermarks: { read: (key) => checkpoints.get(key), write: (key, hw) => void checkpoints.set(key, hw), remove: (key) => void checkpoints.delete(key) },
  };
}
