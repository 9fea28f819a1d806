/**
 * How the producer picks a record's partition (KafkaProducer.partition), in Kafka's order:
 *
 * 1. the record names its partition;
 * 2. a custom partitioner (partitioner.class) decides;
 * 3. a keyed record (unless partitioner.ignore.keys) goes to toPositive(murmur2(key)) % partitions,
 *    counting every partition of the topic, available or not;
 * 4. otherwise the built-in uniform sticky partitioner (KIP-794, BuiltInPartitioner): stay on one
 *    partition until batch.size bytes went to it (and its open batch is full), or twice that
 *    regardless; then draw the next partition at random among partitions with a leader, weighted
 *    towards short queues (adaptive partitioning).
 *
 * The round-robin partitioner (RoundRobinPartitioner) is the opt-in alternative for unkeyed
 * records. Everything here is pure; randomness comes in as a PRNG state and goes out advanced.
 */
import { nextRandom } from '../../core/prng.js';
import { partitionForKey, toPositive, utf8 } from './partitioner.js';

/** What a partitioner may look at: the topic's partition count, which ones have a leader now, and how many batches each has queued. */
export interface PartitionerCluster {
  readonly numPartitions: number;
  readonly available: readonly number[];
  readonly queuedBatches: readonly number[];
  /** Every partition has had a queue (RecordAccumulator keeps load stats only then). */
  readonly loadStatsReady: boolean;
  /** Per partition: its queue is empty or its last batch is full or closed. */
  readonly lastBatchFull: readonly boolean[];
  /** batch.size: the sticky partitioner's switch threshold. */
  readonly batchSize: number;
}

export interface PartitionerRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
}

/** A custom partitioner (Kafka's Partitioner interface): a pure function of the record and the cluster. */
export type CustomPartitioner = (record: PartitionerRecord, cluster: PartitionerCluster) => number;

/** The sticky partitioner's memory per topic (BuiltInPartitioner.StickyPartitionInfo). */
export interface StickyPartition {
  readonly partition: number;
  readonly producedBytes: number;
}

export interface PartitionerState {
  readonly sticky: Readonly<Record<string, StickyPartition>>;
  readonly roundRobin: Readonly<Record<string, number>>;
  readonly random: number;
}

export type PartitionChoice = { readonly partition: number; readonly state: PartitionerState; readonly sticky: boolean } | { readonly error: string };

/**
 * The priority example of a custom partitioner: keys starting with `priority:` go to the last
 * partition, kept for them; every other record is spread by its key's hash (or by the value's,
 * for unkeyed records) over the remaining partitions.
 */
export const priorityPartitioner: CustomPartitioner = (record, cluster) => {
  const reserved = cluster.numPartitions - 1;
  if (record.key?.startsWith('priority:') === true || reserved === 0) return reserved;
  return partitionForKey(utf8(record.key ?? record.value), reserved);
};

export const builtInCustomPartitioners: Readonly<Record<string, CustomPartitioner>> = { priority: priorityPartitioner };

export function choosePartition(
  record: PartitionerRecord & { readonly partition?: number },
  cluster: PartitionerCluster,
  partitioner: string,
  ignoreKeys: boolean,
  state: PartitionerState,
  custom: Readonly<Record<string, CustomPartitioner>>,
): PartitionChoice {
  const n = cluster.numPartitions;
  if (record.partition !== undefined) {
    if (!Number.isInteger(record.partition) || record.partition < 0 || record.partition >= n) return { error: `Invalid partition given with record: ${record.partition} is not in the range [0...${n}).` };
    return { partition: record.partition, state, sticky: false };
  }
  if (partitioner !== 'built-in' && partitioner !== 'round-robin') {
    const fn = custom[partitioner];
    if (fn === undefined) return { error: `unknown partitioner.class ${partitioner}` };
    const partition = fn(record, cluster);
    if (!Number.isInteger(partition) || partition < 0 || partition >= n) return { error: `partitioner ${partitioner} returned partition ${partition}, not in [0...${n})` };
    return { partition, state, sticky: false };
  }
  if (partitioner === 'round-robin') {
    // RoundRobinPartitioner ignores keys: a per-topic counter over the available partitions.
    const counter = state.roundRobin[record.topic] ?? 0;
    const pool = cluster.available.length > 0 ? cluster.available : range(n);
    const partition = pool[toPositive(counter) % pool.length] as number;
    return { partition, state: { ...state, roundRobin: { ...state.roundRobin, [record.topic]: counter + 1 } }, sticky: false };
  }
  if (record.key !== null && !ignoreKeys) return { partition: partitionForKey(utf8(record.key), n), state, sticky: false };
  const current = state.sticky[record.topic];
  // RecordAccumulator.partitionChanged: before appending, a partition that already took batch.size
  // bytes and has no open batch with room is left at once.
  const leaveNow = current !== undefined && current.producedBytes >= cluster.batchSize && (cluster.lastBatchFull[current.partition] ?? true);
  if (current !== undefined && current.partition < n && !leaveNow) return { partition: current.partition, state, sticky: true };
  const next = nextStickyPartition(cluster, state.random);
  return { partition: next.partition, state: { ...state, random: next.random, sticky: { ...state.sticky, [record.topic]: { partition: next.partition, producedBytes: 0 } } }, sticky: true };
}

/**
 * BuiltInPartitioner.updatePartitionInfo, after a sticky append of `bytes`: switch once batch.size
 * bytes went to the partition and its open batch is full, or at twice batch.size regardless.
 */
export function afterStickyAppend(state: PartitionerState, topic: string, bytes: number, batchSize: number, lastBatchFull: boolean, cluster: PartitionerCluster): PartitionerState {
  const current = state.sticky[topic];
  if (current === undefined) return state;
  const producedBytes = current.producedBytes + bytes;
  if ((producedBytes >= batchSize && lastBatchFull) || producedBytes >= 2 * batchSize) {
    const next = nextStickyPartition(cluster, state.random);
    return { ...state, random: next.random, sticky: { ...state.sticky, [topic]: { partition: next.partition, producedBytes: 0 } } };
  }
  return { ...state, sticky: { ...state.sticky, [topic]: { ...current, producedBytes } } };
}

/**
 * BuiltInPartitioner.nextPartition: a uniform pick among available partitions, or, when queue
 * sizes differ (adaptive partitioning), a pick weighted by (longest queue + 1 - queue length) so
 * that partitions whose leaders drain slowly get less.
 */
export function nextStickyPartition(cluster: PartitionerCluster, random: number): { partition: number; random: number } {
  const draw = nextRandom(random);
  const value = toPositive(Math.floor(draw.value * 0x1_0000_0000) | 0);
  const pool = cluster.available.length > 0 ? cluster.available : range(cluster.numPartitions);
  const queues = pool.map((p) => cluster.queuedBatches[p] ?? 0);
  const adaptive = cluster.loadStatsReady && pool.length >= 2 && queues.some((q) => q !== queues[0]);
  if (!adaptive) return { partition: pool[value % pool.length] as number, random: draw.state };
  const longest = Math.max(...queues);
  const cumulative: number[] = [];
  let total = 0;
  for (const q of queues) {
    total += longest + 1 - q;
    cumulative.push(total);
  }
  const target = value % total;
  const index = cumulative.findIndex((c) => c > target);
  return { partition: pool[index] as number, random: draw.state };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
