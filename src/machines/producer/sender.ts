/**
 * The producer's rules as plain functions over its context: the RecordAccumulator (batches per
 * partition, batch.size, linger.ms), the Sender loop (which nodes are ready, draining one batch
 * per partition into a request, max.in.flight per connection, expiry at delivery.timeout.ms,
 * request.timeout.ms, retries with backoff) and the idempotent producer's TransactionManager
 * (sequences, the KIP-360 epoch bump, unresolved sequences). The machine (machine.ts) calls them.
 *
 * One Produce message carries one partition's batch (as everywhere in kspec); the batches drained
 * for one node in one pass share a request, and max.in.flight.requests.per.connection counts
 * those requests, as Kafka counts its multi-partition Produce requests.
 */
import { nextRandom } from '../../core/prng.js';
import { errorCode, errorName, Errors } from '../../protocol/errors.js';
import { incrementSequence, NO_SEQUENCE } from '../../log/producer-state.js';
import type { MetadataResponse, ProduceResponse, ReplicationMessage } from '../../protocol/replication/messages.js';
import { Step as GenericStep } from '../step.js';
import type { ProducerConfig } from './config.js';
import { afterStickyAppend, choosePartition, type CustomPartitioner, type PartitionerCluster, type PartitionerState } from './partitioning.js';
import {
  acknowledge, assignSequence, firstInFlightSequence, freshSequences, isNextSequence, isStale, MAX_PRODUCER_EPOCH, NO_PRODUCER,
  removeInFlight, startSequencesAtBeginning, type PartitionSequences, type ProducerIdAndEpoch,
} from './sequences.js';

/** DefaultRecordBatch.RECORD_BATCH_OVERHEAD: the batch header, in bytes. */
export const RECORD_BATCH_OVERHEAD = 61;

export interface BatchRecord {
  readonly sendId: number;
  readonly key: string | null;
  readonly value: string;
  /** CreateTime: when send() was called (KafkaProducer.doSend stamps a record without a timestamp with the clock). */
  readonly timestampMs: number;
  readonly sizeBytes: number;
}

export interface ProducerBatch {
  readonly id: number;
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly BatchRecord[];
  readonly sizeBytes: number;
  readonly createdMs: number;
  /** Closed for appends (a record did not fit). */
  readonly closed: boolean;
  /** How often it was put back for a retry. */
  readonly attempts: number;
  readonly retryAtMs: number;
  readonly inRetry: boolean;
  readonly inFlight: boolean;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** Renumbered by an epoch bump (ProducerBatch.sequenceHasBeenReset). */
  readonly sequenceReset: boolean;
}

/** A send() waiting for its topic's metadata (KafkaProducer.waitOnMetadata, up to max.block.ms). */
export interface WaitingRecord {
  readonly sendId: number;
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
  readonly partition?: number;
  readonly sentMs: number;
}

export interface TopicMetadata {
  readonly topicId: string;
  readonly partitions: readonly { readonly leader: number; readonly leaderEpoch: number }[];
}

interface Outstanding {
  readonly correlationId: number;
  readonly node: number;
  readonly sentMs: number;
}

export interface ProduceRequestState {
  readonly node: number;
  readonly sentMs: number;
  /** Correlation ids of its partitions' Produce messages still unanswered. */
  readonly open: readonly number[];
}

/** What one in-flight Produce carried (the batch may be renumbered or expired meanwhile). */
export interface InflightProduce {
  readonly requestId: number;
  readonly batchId: number;
  readonly topic: string;
  readonly partition: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
}

export interface ProducerContext {
  readonly clientId: number;
  readonly bootstrap: readonly number[];
  readonly config: ProducerConfig;
  readonly nextCorrelationId: number;
  readonly nextBatchId: number;
  readonly nextRequestId: number;
  readonly random: number;
  readonly topics: Readonly<Record<string, TopicMetadata>>;
  readonly metadata: { readonly needUpdate: boolean; readonly inFlight: Outstanding | null; readonly lastRefreshMs: number; readonly retryAtMs: number; readonly nodeCursor: number };
  readonly waiting: readonly WaitingRecord[];
  readonly partitioner: PartitionerState;
  readonly batches: Readonly<Record<string, ProducerBatch>>;
  /** Per partition key, the queued batch ids, oldest first (the accumulator's deques). */
  readonly queues: Readonly<Record<string, readonly number[]>>;
  readonly requests: Readonly<Record<string, ProduceRequestState>>;
  readonly produceInflight: Readonly<Record<string, InflightProduce>>;
  /** Per node, the partition its next drain starts at (RecordAccumulator.nodesDrainIndex). */
  readonly drainIndex: Readonly<Record<string, number>>;
  readonly wakeupAtMs: number | null;
  // ---- the idempotent producer (TransactionManager) ----
  readonly producerIdAndEpoch: ProducerIdAndEpoch;
  /** InitProducerId in flight (its timeout and retries are the machine's Initializing state). */
  readonly initRequest: Outstanding | null;
  readonly sequences: Readonly<Record<string, PartitionSequences>>;
  /** Partitions with an unresolved sequence: the sequence after a batch that expired while being retried. */
  readonly unresolved: Readonly<Record<string, number>>;
  readonly epochBumpRequired: boolean;
  readonly partitionsToRewrite: readonly string[];
  readonly fatalError: string | null;
}

export type ProducerEffect =
  | { readonly type: 'send'; readonly to: number; readonly message: ReplicationMessage }
  /** send() placed the record in a batch of this partition. */
  | { readonly type: 'appended'; readonly sendId: number; readonly topic: string; readonly partition: number; readonly key: string | null; readonly value: string; readonly batchId: number }
  /**
   * The send's callback: success with its offset (-1 when unknown: acks=0, or an old broker's
   * DUPLICATE_SEQUENCE_NUMBER), or an error; `definite` when the record was certainly not written.
   */
  | {
      readonly type: 'delivery'; readonly sendId: number; readonly topic: string; readonly partition: number; readonly offset: number;
      readonly error: string | null; readonly definite: boolean;
      /** An epoch bump renumbered this record's batch while it may have been in flight (KIP-360's window for a duplicate). */
      readonly sequenceReset: boolean;
    };

export type ProducerStep = GenericStep<ProducerContext, ProducerEffect>;
export const ProducerStep = GenericStep as new (c: ProducerContext) => ProducerStep;

export const SENDER_WAKEUP = 'sender';

export const partitionKeyOf = (topic: string, partition: number): string => `${topic}-${partition}`;
const idempotent = (c: ProducerContext): boolean => c.config.enableIdempotence;

// ---- record sizes (DefaultRecord.sizeInBytes) ----------------------------------------------------

const utf8Length = (text: string): number => new TextEncoder().encode(text).length;
const varintSize = (value: number): number => {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (v >= 0x80) {
    v >>>= 7;
    bytes++;
  }
  return bytes;
};

/** The bytes one record takes in a v2 batch: its length prefix, attributes, deltas, key, value, no headers. */
export function recordSizeInBytes(offsetDelta: number, timestampDelta: number, key: string | null, value: string): number {
  const keyBytes = key === null ? 1 : varintSize(utf8Length(key)) + utf8Length(key);
  const valueBytes = varintSize(utf8Length(value)) + utf8Length(value);
  const body = 1 + varintSize(timestampDelta) + varintSize(offsetDelta) + keyBytes + valueBytes + varintSize(0);
  return varintSize(body) + body;
}

// ---- send(): partition, then append to the accumulator ----------------------------------------

function clusterOf(c: ProducerContext, topic: string): PartitionerCluster {
  const meta = c.topics[topic] as TopicMetadata;
  const lastOf = (i: number): ProducerBatch | undefined => {
    const queue = c.queues[partitionKeyOf(topic, i)] ?? [];
    const id = queue[queue.length - 1];
    return id === undefined ? undefined : c.batches[String(id)];
  };
  return {
    numPartitions: meta.partitions.length,
    available: meta.partitions.flatMap((p, i) => (p.leader >= 0 ? [i] : [])),
    queuedBatches: meta.partitions.map((_, i) => c.queues[partitionKeyOf(topic, i)]?.length ?? 0),
    loadStatsReady: meta.partitions.every((_, i) => c.queues[partitionKeyOf(topic, i)] !== undefined),
    lastBatchFull: meta.partitions.map((_, i) => {
      const last = lastOf(i);
      return last === undefined || last.closed || last.sizeBytes >= c.config.batchSize;
    }),
    batchSize: c.config.batchSize,
  };
}

/** KafkaProducer.doSend once the topic's metadata is known: choose the partition and append. */
export function appendRecord(step: ProducerStep, record: WaitingRecord, custom: Readonly<Record<string, CustomPartitioner>>, nowMs: number): void {
  const c = step.c;
  const cluster = clusterOf(c, record.topic);
  const choice = choosePartition(record, cluster, c.config.partitioner, c.config.partitionerIgnoreKeys, c.partitioner, custom);
  if ('error' in choice) {
    step.effect({ type: 'delivery', sendId: record.sendId, topic: record.topic, partition: -1, offset: -1, error: choice.error, definite: true, sequenceReset: false });
    return;
  }
  const key = partitionKeyOf(record.topic, choice.partition);
  const queue = c.queues[key] ?? [];
  const lastId = queue[queue.length - 1];
  const last = lastId === undefined ? undefined : c.batches[String(lastId)];
  const batches = { ...c.batches };
  let target: ProducerBatch;
  let queueAfter = queue;
  const fits = (b: ProducerBatch, size: number): boolean => !b.closed && !b.inRetry && b.baseSequence === NO_SEQUENCE && b.sizeBytes + size <= c.config.batchSize;
  // The record's offset and timestamp deltas are relative to the batch's first record.
  const sizeIn = (b: ProducerBatch | undefined): number => recordSizeInBytes(b?.records.length ?? 0, b === undefined ? 0 : Math.max(0, record.sentMs - b.createdMs), record.key, record.value);
  if (last !== undefined && fits(last, sizeIn(last))) {
    const size = sizeIn(last);
    target = { ...last, records: [...last.records, { sendId: record.sendId, key: record.key, value: record.value, timestampMs: record.sentMs, sizeBytes: size }], sizeBytes: last.sizeBytes + size };
  } else {
    if (last !== undefined && !last.closed && !last.inRetry) batches[String(last.id)] = { ...last, closed: true };
    const size = sizeIn(undefined);
    target = {
      id: c.nextBatchId, topic: record.topic, partition: choice.partition, records: [{ sendId: record.sendId, key: record.key, value: record.value, timestampMs: record.sentMs, sizeBytes: size }],
      sizeBytes: RECORD_BATCH_OVERHEAD + size, createdMs: nowMs, closed: false, attempts: 0, retryAtMs: 0, inRetry: false, inFlight: false,
      producerId: -1, producerEpoch: -1, baseSequence: NO_SEQUENCE, sequenceReset: false,
    };
    queueAfter = [...queue, target.id];
    step.patch({ nextBatchId: c.nextBatchId + 1 });
  }
  batches[String(target.id)] = target;
  let partitioner = choice.state;
  if (choice.sticky) {
    // The bytes this append added, a new batch's header included (BuiltInPartitioner.updatePartitionInfo).
    const appendedBytes = target.sizeBytes - (target.id === last?.id ? last.sizeBytes : 0);
    const lastFull = target.closed || target.sizeBytes >= c.config.batchSize;
    partitioner = afterStickyAppend(partitioner, record.topic, appendedBytes, c.config.batchSize, lastFull, { ...cluster, queuedBatches: cluster.queuedBatches.map((q, i) => (i === choice.partition ? queueAfter.length : q)) });
  }
  step.patch({ batches, queues: { ...step.c.queues, [key]: queueAfter }, partitioner });
  step.effect({ type: 'appended', sendId: record.sendId, topic: record.topic, partition: choice.partition, key: record.key, value: record.value, batchId: target.id });
}

// ---- the Sender loop -------------------------------------------------------------------------

/** Sender.runOnce: everything the sender thread does in one pass, then the next wakeup. */
export function runSender(step: ProducerStep, nowMs: number, custom: Readonly<Record<string, CustomPartitioner>>): void {
  placeWaitingRecords(step, nowMs, custom);
  if (idempotent(step.c) && step.c.fatalError === null) {
    maybeResolveSequences(step);
    bumpIdempotentEpochIfNeeded(step);
  }
  expireRequests(step, nowMs);
  expireBatches(step, nowMs);
  maybeUpdateMetadata(step, nowMs);
  drainAndSend(step, nowMs);
  scheduleWakeup(step, nowMs);
}

/** Records waiting for metadata: placed once their topic is known, failed after max.block.ms. */
function placeWaitingRecords(step: ProducerStep, nowMs: number, custom: Readonly<Record<string, CustomPartitioner>>): void {
  const still: WaitingRecord[] = [];
  for (const record of step.c.waiting) {
    if (step.c.topics[record.topic] !== undefined && (step.c.topics[record.topic]?.partitions.length ?? 0) > 0) appendRecord(step, record, custom, nowMs);
    else if (nowMs - record.sentMs >= step.c.config.maxBlockMs) {
      step.effect({ type: 'delivery', sendId: record.sendId, topic: record.topic, partition: -1, offset: -1, error: `TimeoutException: Topic ${record.topic} not present in metadata after ${step.c.config.maxBlockMs} ms.`, definite: true, sequenceReset: false });
    } else still.push(record);
  }
  if (still.length !== step.c.waiting.length) step.patch({ waiting: still });
  if (still.length > 0 && !step.c.metadata.needUpdate) step.patch({ metadata: { ...step.c.metadata, needUpdate: true } });
}

/** TransactionManager.maybeResolveSequences. */
function maybeResolveSequences(step: ProducerStep): void {
  for (const key of Object.keys(step.c.unresolved)) {
    const entry = step.c.sequences[key];
    if (entry !== undefined && entry.inflight.length > 0) continue;
    const unresolved = { ...step.c.unresolved };
    delete unresolved[key];
    step.patch({ unresolved });
    // Later batches succeeded: the expired batch's sequences were written after all. Otherwise
    // nobody knows what the broker has: bump the epoch and start the partition over at 0.
    if (entry !== undefined && isNextSequence(entry, entry.nextSequence)) continue;
    requestEpochBump(step, key);
  }
}

export function requestEpochBump(step: ProducerStep, key: string): void {
  step.patch({ epochBumpRequired: true, partitionsToRewrite: step.c.partitionsToRewrite.includes(key) ? step.c.partitionsToRewrite : [...step.c.partitionsToRewrite, key] });
}

/**
 * TransactionManager.bumpIdempotentEpochAndResetIdIfNeeded: no request, the client raises its own
 * epoch; at Short.MAX_VALUE it drops its id and asks for a new one (the machine goes back to Initializing).
 */
function bumpIdempotentEpochIfNeeded(step: ProducerStep): void {
  const c = step.c;
  if (!c.epochBumpRequired || c.producerIdAndEpoch.producerId < 0) return;
  const owner = c.producerIdAndEpoch.producerEpoch >= MAX_PRODUCER_EPOCH ? NO_PRODUCER : { ...c.producerIdAndEpoch, producerEpoch: c.producerIdAndEpoch.producerEpoch + 1 };
  const sequences = { ...c.sequences };
  const batches = { ...c.batches };
  const unresolved = { ...c.unresolved };
  for (const key of c.partitionsToRewrite) {
    const entry = sequences[key];
    delete unresolved[key];
    if (entry === undefined) continue;
    const restarted = startSequencesAtBeginning(entry, owner);
    sequences[key] = restarted.entry;
    for (const r of restarted.renumbered) {
      const batch = batches[String(r.batchId)];
      if (batch !== undefined) batches[String(r.batchId)] = { ...batch, ...owner, baseSequence: r.baseSequence, sequenceReset: true };
    }
  }
  step.patch({ producerIdAndEpoch: owner, sequences, batches, unresolved, partitionsToRewrite: [], epochBumpRequired: false });
}

/** NetworkClient.handleTimedOutRequests: a request past request.timeout.ms closes its connection; everything in flight on it fails. */
function expireRequests(step: ProducerStep, nowMs: number): void {
  const timeout = step.c.config.requestTimeoutMs;
  const nodes = new Set<number>();
  for (const request of Object.values(step.c.requests)) if (nowMs - request.sentMs >= timeout) nodes.add(request.node);
  const m = step.c.metadata.inFlight;
  if (m !== null && nowMs - m.sentMs >= timeout) nodes.add(m.node);
  for (const node of [...nodes].sort((a, b) => a - b)) disconnect(step, node, nowMs);
}

/** A broken connection: its requests fail with NETWORK_EXCEPTION (retriable, and a reason to refresh metadata). */
export function disconnect(step: ProducerStep, node: number, nowMs: number): void {
  for (const [requestId, request] of Object.entries(step.c.requests).sort(([a], [b]) => Number(a) - Number(b))) {
    if (request.node !== node) continue;
    for (const correlationId of request.open) {
      completeProduce(step, { correlationId, errorCode: errorCode('NETWORK_EXCEPTION'), baseOffset: -1 }, nowMs);
    }
    const requests = { ...step.c.requests };
    delete requests[requestId];
    step.patch({ requests });
  }
  if (step.c.metadata.inFlight?.node === node) step.patch({ metadata: { ...step.c.metadata, inFlight: null, needUpdate: true, retryAtMs: nowMs + step.c.config.retryBackoffMs } });
  step.patch({ metadata: { ...step.c.metadata, needUpdate: true } });
}

/** RecordAccumulator.expiredBatches and Sender.getExpiredInflightBatches: delivery.timeout.ms from send() to answer. */
function expireBatches(step: ProducerStep, nowMs: number): void {
  const limit = step.c.config.deliveryTimeoutMs;
  for (const batch of Object.values(step.c.batches).sort((a, b) => a.id - b.id)) {
    if (nowMs - batch.createdMs < limit) continue;
    // A batch that expires while being retried leaves its sequences unresolved: no new batch
    // goes to the partition until everything in flight there has been answered.
    if (idempotent(step.c) && batch.inRetry && batch.baseSequence !== NO_SEQUENCE) {
      const key = partitionKeyOf(batch.topic, batch.partition);
      // markSequenceUnresolved keeps the furthest such sequence.
      const next = incrementSequence(batch.baseSequence, batch.records.length);
      const known = step.c.unresolved[key];
      step.patch({ unresolved: { ...step.c.unresolved, [key]: known === undefined ? next : Math.max(known, next) } });
    }
    const everSent = batch.inFlight || batch.attempts > 0;
    failBatch(step, batch, `TimeoutException: Expiring ${batch.records.length} record(s) for ${partitionKeyOf(batch.topic, batch.partition)}: ${nowMs - batch.createdMs} ms has passed since batch creation`, !everSent, false);
  }
}

/** Metadata.requestUpdate: on an unknown topic or leader, after errors that say metadata is stale, and every metadata.max.age.ms. */
function maybeUpdateMetadata(step: ProducerStep, nowMs: number): void {
  const c = step.c;
  const stale = nowMs - c.metadata.lastRefreshMs >= c.config.metadataMaxAgeMs;
  if (!(metadataWanted(c) || stale) || c.metadata.inFlight !== null || nowMs < c.metadata.retryAtMs) return;
  const node = leastLoadedNode(step);
  if (node === undefined) return;
  const correlationId = step.c.nextCorrelationId;
  step.patch({ nextCorrelationId: correlationId + 1, metadata: { ...step.c.metadata, needUpdate: false, inFlight: { correlationId, node, sentMs: nowMs } } });
  step.effect({ type: 'send', to: node, message: { type: 'Metadata', correlationId } });
}

/** An update is wanted after an error, for a topic not yet known, or for a partition with batches and no leader; it waits retry.backoff.ms after the last one. */
function metadataWanted(c: ProducerContext): boolean {
  return c.metadata.needUpdate || c.waiting.length > 0 || Object.entries(c.queues).some(([key, queue]) => queue.length > 0 && leaderOf(c, key) < 0);
}

/** NetworkClient.leastLoadedNode: the known node with the fewest requests in flight, starting from a rotating point. */
export function leastLoadedNode(step: ProducerStep): number | undefined {
  const c = step.c;
  const known = [...new Set([...c.bootstrap, ...Object.values(c.topics).flatMap((t) => t.partitions.map((p) => p.leader).filter((l) => l >= 0))])].sort((a, b) => a - b);
  if (known.length === 0) return undefined;
  const load = (node: number): number =>
    Object.values(c.requests).filter((r) => r.node === node).length + (c.metadata.inFlight?.node === node ? 1 : 0) + (c.initRequest?.node === node ? 1 : 0);
  let best: number | undefined;
  for (let i = 0; i < known.length; i++) {
    const node = known[(c.metadata.nodeCursor + i) % known.length] as number;
    if (best === undefined || load(node) < load(best)) best = node;
  }
  step.patch({ metadata: { ...step.c.metadata, nodeCursor: step.c.metadata.nodeCursor + 1 } });
  return best;
}

const leaderOf = (c: ProducerContext, key: string): number => {
  const batchId = c.queues[key]?.[0];
  const batch = batchId === undefined ? undefined : c.batches[String(batchId)];
  if (batch === undefined) return -1;
  return c.topics[batch.topic]?.partitions[batch.partition]?.leader ?? -1;
};

const backingOff = (batch: ProducerBatch, nowMs: number): boolean => batch.inRetry && nowMs < batch.retryAtMs;

/** RecordAccumulator.ready for one partition's first batch: full, lingered long enough, or a retry whose backoff is over. */
function sendable(c: ProducerContext, queue: readonly number[], batch: ProducerBatch, nowMs: number): boolean {
  if (backingOff(batch, nowMs)) return false;
  const waited = nowMs - (batch.inRetry ? batch.retryAtMs : batch.createdMs);
  const full = queue.length > 1 || batch.closed || batch.sizeBytes >= c.config.batchSize;
  return full || waited >= (batch.inRetry ? 0 : c.config.lingerMs);
}

/** RecordAccumulator.shouldStopDrainBatchesForPartition: the idempotent producer's rules for what may go out. */
function shouldStopDrain(c: ProducerContext, key: string, batch: ProducerBatch): boolean {
  if (!idempotent(c)) return false;
  if (c.producerIdAndEpoch.producerId < 0) return true;
  const entry = c.sequences[key];
  if (batch.baseSequence === NO_SEQUENCE) {
    // No new sequences while older-epoch batches are in flight here, or while sequences are unresolved.
    if (entry !== undefined && entry.inflight.length > 0 && isStale(entry, c.producerIdAndEpoch)) return true;
    if (c.unresolved[key] !== undefined) return true;
  }
  // A retried batch goes out only when it is the partition's first unfinished sequence.
  const first = firstInFlightSequence(entry);
  return first !== NO_SEQUENCE && batch.baseSequence !== NO_SEQUENCE && batch.baseSequence !== first;
}

/** Sender.sendProducerData: drain every ready node with room for another request. */
function drainAndSend(step: ProducerStep, nowMs: number): void {
  const c0 = step.c;
  if (c0.fatalError !== null) return;
  const byNode = new Map<number, string[]>();
  for (const [key, queue] of Object.entries(c0.queues)) {
    if (queue.length === 0) continue;
    const leader = leaderOf(c0, key);
    if (leader < 0) continue;
    byNode.set(leader, [...(byNode.get(leader) ?? []), key]);
  }
  for (const node of [...byNode.keys()].sort((a, b) => a - b)) {
    const keys = (byNode.get(node) as string[]).sort();
    const c = step.c;
    const ready = keys.some((key) => {
      const queue = c.queues[key] as readonly number[];
      return sendable(c, queue, c.batches[String(queue[0])] as ProducerBatch, nowMs);
    });
    if (!ready) continue;
    const inFlight = Object.values(c.requests).filter((r) => r.node === node).length;
    if (inFlight >= c.config.maxInFlightRequestsPerConnection) continue;
    // drainBatchesForOneNode: from the node's drain index, one batch per partition. A partition the
    // idempotent producer may not send to yet stops the node's drain for this pass, and the next
    // pass starts at it again.
    const start = (c.drainIndex[String(node)] ?? 0) % keys.length;
    const drained: ProducerBatch[] = [];
    let index = start;
    for (let i = 0; i < keys.length; i++) {
      index = (start + i) % keys.length;
      const key = keys[index] as string;
      const queue = step.c.queues[key] as readonly number[];
      const first = step.c.batches[String(queue[0])] as ProducerBatch;
      if (backingOff(first, nowMs)) continue;
      // With max.in.flight=1 the client guarantees order by muting a partition while it has a batch out.
      if (c.config.maxInFlightRequestsPerConnection === 1 && Object.values(step.c.produceInflight).some((f) => partitionKeyOf(f.topic, f.partition) === key)) continue;
      if (shouldStopDrain(step.c, key, first)) break;
      drained.push(prepareForSend(step, key, first));
      step.patch({ queues: { ...step.c.queues, [key]: queue.slice(1) } });
    }
    step.patch({ drainIndex: { ...step.c.drainIndex, [String(node)]: index } });
    if (drained.length > 0) sendProduceRequest(step, node, drained, nowMs);
  }
}

/** Drain one batch: a new batch of an idempotent producer gets its producer id, epoch and sequences. */
function prepareForSend(step: ProducerStep, key: string, batch: ProducerBatch): ProducerBatch {
  const c = step.c;
  let prepared: ProducerBatch = { ...batch, closed: true, inFlight: true };
  if (idempotent(c) && batch.baseSequence === NO_SEQUENCE) {
    let entry = c.sequences[key];
    // maybeUpdateProducerIdAndEpoch: a partition whose batches all finished under an older id or epoch starts over at 0.
    if (entry === undefined || (isStale(entry, c.producerIdAndEpoch) && entry.inflight.length === 0)) entry = freshSequences(c.producerIdAndEpoch);
    const assigned = assignSequence(entry, batch.id, batch.records.length);
    step.patch({ sequences: { ...step.c.sequences, [key]: assigned.entry } });
    prepared = { ...prepared, ...c.producerIdAndEpoch, baseSequence: assigned.baseSequence };
  }
  step.patch({ batches: { ...step.c.batches, [String(batch.id)]: prepared } });
  return prepared;
}

function sendProduceRequest(step: ProducerStep, node: number, batches: readonly ProducerBatch[], nowMs: number): void {
  const c = step.c;
  const requestId = c.nextRequestId;
  let correlationId = c.nextCorrelationId;
  const open: number[] = [];
  const produceInflight = { ...c.produceInflight };
  for (const batch of batches) {
    const topic = c.topics[batch.topic] as TopicMetadata;
    const id = correlationId++;
    step.effect({
      type: 'send', to: node,
      message: {
        type: 'Produce', topic: batch.topic, topicId: topic.topicId, partition: batch.partition, correlationId: id, acks: c.config.acks, timeoutMs: c.config.requestTimeoutMs,
        records: batch.records.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestampMs })),
        ...(batch.producerId >= 0 ? { producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence } : {}),
      },
    });
    if (c.config.acks === 0) continue;
    open.push(id);
    produceInflight[String(id)] = { requestId, batchId: batch.id, topic: batch.topic, partition: batch.partition, producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence, recordCount: batch.records.length };
  }
  step.patch({ nextRequestId: requestId + 1, nextCorrelationId: correlationId, produceInflight });
  if (c.config.acks === 0) {
    // acks=0: no answer comes; the send completes as soon as it is written to the socket, offset unknown.
    for (const batch of batches) completeBatch(step, batch, -1);
    return;
  }
  step.patch({ requests: { ...step.c.requests, [String(requestId)]: { node, sentMs: nowMs, open } } });
}

// ---- answers -----------------------------------------------------------------------------------

/** Metadata.update: leaders and partition counts per topic. */
export function adoptMetadata(step: ProducerStep, response: MetadataResponse, nowMs: number): void {
  if (step.c.metadata.inFlight?.correlationId !== response.correlationId) return;
  const topics = { ...step.c.topics };
  for (const t of response.topics) topics[t.name] = { topicId: t.topicId, partitions: t.partitions.map((p) => ({ leader: p.leader, leaderEpoch: p.leaderEpoch })) };
  // The next update waits retry.backoff.ms (Metadata.timeToAllowUpdate).
  step.patch({ topics, metadata: { ...step.c.metadata, inFlight: null, lastRefreshMs: nowMs, needUpdate: false, retryAtMs: nowMs + step.c.config.retryBackoffMs } });
}

/** Errors whose exception is an InvalidMetadataException: the client refreshes metadata before retrying. */
const INVALID_METADATA = new Set(['NOT_LEADER_OR_FOLLOWER', 'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'NETWORK_EXCEPTION', 'KAFKA_STORAGE_ERROR']);
/** Errors that make an idempotent producer unusable (TransactionManager.maybeTransitionToErrorState). */
const FATAL = new Set(['PRODUCER_FENCED', 'CLUSTER_AUTHORIZATION_FAILED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'UNSUPPORTED_VERSION']);

/** Sender.completeBatch for one partition's answer (or a disconnect). */
export function completeProduce(step: ProducerStep, response: Pick<ProduceResponse, 'correlationId' | 'errorCode' | 'baseOffset'>, nowMs: number): void {
  const inflight = step.c.produceInflight[String(response.correlationId)];
  if (inflight === undefined) return; // an answer on a connection already closed
  const produceInflight = { ...step.c.produceInflight };
  delete produceInflight[String(response.correlationId)];
  const requests = { ...step.c.requests };
  const request = requests[String(inflight.requestId)];
  if (request !== undefined) {
    const open = request.open.filter((id) => id !== response.correlationId);
    if (open.length === 0) delete requests[String(inflight.requestId)];
    else requests[String(inflight.requestId)] = { ...request, open };
  }
  step.patch({ produceInflight, requests });
  const key = partitionKeyOf(inflight.topic, inflight.partition);
  const batch = step.c.batches[String(inflight.batchId)];
  const error = errorName(response.errorCode);
  if (batch === undefined) {
    // The batch expired while in flight; a late success still moves the acknowledged sequence.
    const entry = step.c.sequences[key];
    if (response.errorCode === 0 && entry !== undefined && inflight.producerId === entry.producerId && inflight.producerEpoch === entry.producerEpoch) {
      step.patch({ sequences: { ...step.c.sequences, [key]: acknowledge(entry, inflight.batchId, incrementSequence(inflight.baseSequence, inflight.recordCount - 1), response.baseOffset + inflight.recordCount - 1) } });
    }
    return;
  }
  const current = { ...batch, inFlight: false };
  step.patch({ batches: { ...step.c.batches, [String(batch.id)]: current } });
  if (response.errorCode === 0) {
    completeBatch(step, current, response.baseOffset);
    return;
  }
  if (error === 'DUPLICATE_SEQUENCE_NUMBER') {
    // Old brokers: already written, offset unknown.
    completeBatch(step, current, -1);
    return;
  }
  if (INVALID_METADATA.has(error)) step.patch({ metadata: { ...step.c.metadata, needUpdate: true } });
  if (canRetry(step, current, error, nowMs)) {
    reenqueue(step, current, nowMs);
    return;
  }
  const info = error in Errors ? Errors[error as keyof typeof Errors] : undefined;
  failBatch(step, current, error, info?.definite ?? false, current.attempts < step.c.config.retries);
}

/** Sender.canRetry and TransactionManager.canRetry. */
function canRetry(step: ProducerStep, batch: ProducerBatch, error: string, nowMs: number): boolean {
  const c = step.c;
  if (nowMs - batch.createdMs >= c.config.deliveryTimeoutMs || batch.attempts >= c.config.retries) return false;
  const retriable = error in Errors && Errors[error as keyof typeof Errors].retriable;
  if (!idempotent(c)) return retriable;
  const key = partitionKeyOf(batch.topic, batch.partition);
  const entry = c.sequences[key];
  const hasUnresolved = c.unresolved[key] !== undefined;
  if (error === 'OUT_OF_ORDER_SEQUENCE_NUMBER') {
    // Not the next sequence after the last acknowledged one: an earlier batch is the real gap; wait for it.
    if (!hasUnresolved && (batch.sequenceReset || entry === undefined || !isNextSequence(entry, batch.baseSequence))) return true;
    // This batch is the gap: the broker lost this producer's state. Bump the epoch and start over
    // (with an unresolved sequence, only for the batch right after it; others wait for it to resolve).
    if (!hasUnresolved || batch.baseSequence === c.unresolved[key]) requestEpochBump(step, key);
    return true;
  }
  if (error === 'UNKNOWN_PRODUCER_ID') {
    // Brokers before KIP-360 said this when they had lost the producer's state.
    if (!batch.sequenceReset) requestEpochBump(step, key);
    return true;
  }
  return retriable;
}

/** RecordAccumulator.reenqueue: back to the front of its partition's queue, in sequence order, after a backoff. */
function reenqueue(step: ProducerStep, batch: ProducerBatch, nowMs: number): void {
  const attempts = batch.attempts + 1;
  const base = Math.min(step.c.config.retryBackoffMaxMs, step.c.config.retryBackoffMs * 2 ** (attempts - 1));
  const draw = nextRandom(step.c.random);
  const backoff = Math.max(0, Math.round(base * (0.8 + 0.4 * draw.value)));
  const retried: ProducerBatch = { ...batch, attempts, inRetry: true, retryAtMs: nowMs + backoff, inFlight: false };
  const key = partitionKeyOf(batch.topic, batch.partition);
  const queue = (step.c.queues[key] ?? []).filter((id) => id !== batch.id);
  const order = (id: number): number => {
    const b = id === batch.id ? retried : (step.c.batches[String(id)] as ProducerBatch);
    return b.baseSequence === NO_SEQUENCE ? Number.MAX_SAFE_INTEGER : b.baseSequence;
  };
  // insertInSequenceOrder: retried batches go before new ones, lowest sequence first.
  const withRetried = [...queue, batch.id];
  const sequenced = withRetried.filter((id) => order(id) !== Number.MAX_SAFE_INTEGER || id === batch.id);
  const fresh = withRetried.filter((id) => !sequenced.includes(id));
  const ordered = idempotent(step.c) ? [...sequenced.sort((a, b) => order(a) - order(b)), ...fresh] : [batch.id, ...queue];
  step.patch({ random: draw.state, batches: { ...step.c.batches, [String(batch.id)]: retried }, queues: { ...step.c.queues, [key]: ordered } });
}

/** ProducerBatch.complete with success: every record's callback gets its offset. */
function completeBatch(step: ProducerStep, batch: ProducerBatch, baseOffset: number): void {
  const key = partitionKeyOf(batch.topic, batch.partition);
  const entry = step.c.sequences[key];
  if (entry !== undefined && batch.baseSequence !== NO_SEQUENCE) {
    const lastOffset = baseOffset < 0 ? -1 : baseOffset + batch.records.length - 1;
    step.patch({ sequences: { ...step.c.sequences, [key]: acknowledge(entry, batch.id, incrementSequence(batch.baseSequence, batch.records.length - 1), lastOffset) } });
  }
  batch.records.forEach((r, i) => {
    step.effect({ type: 'delivery', sendId: r.sendId, topic: batch.topic, partition: batch.partition, offset: baseOffset < 0 ? -1 : baseOffset + i, error: null, definite: true, sequenceReset: batch.sequenceReset });
  });
  forget(step, batch);
}

/** Sender.failBatch and TransactionManager.handleFailedBatch. */
export function failBatch(step: ProducerStep, batch: ProducerBatch, error: string, definite: boolean, adjustSequences: boolean): void {
  const key = partitionKeyOf(batch.topic, batch.partition);
  if (idempotent(step.c)) {
    if (FATAL.has(error)) step.patch({ fatalError: error });
    const entry = step.c.sequences[key];
    if (entry !== undefined) step.patch({ sequences: { ...step.c.sequences, [key]: removeInFlight(entry, batch.id) } });
    // Its sequences will never be acknowledged: the idempotent producer bumps its epoch for the partition.
    if (step.c.fatalError === null && adjustSequences && batch.baseSequence !== NO_SEQUENCE) requestEpochBump(step, key);
  }
  for (const r of batch.records) {
    step.effect({ type: 'delivery', sendId: r.sendId, topic: batch.topic, partition: batch.partition, offset: -1, error, definite, sequenceReset: batch.sequenceReset });
  }
  forget(step, batch);
}

function forget(step: ProducerStep, batch: ProducerBatch): void {
  const batches = { ...step.c.batches };
  delete batches[String(batch.id)];
  const key = partitionKeyOf(batch.topic, batch.partition);
  const queue = step.c.queues[key];
  step.patch({ batches, ...(queue?.includes(batch.id) === true ? { queues: { ...step.c.queues, [key]: queue.filter((id) => id !== batch.id) } } : {}) });
}

/**
 * Sender.maybeAbortBatches after a fatal error: batches not yet given a sequence fail at once;
 * batches already sent keep going until their answers come (they may well succeed).
 */
export function failAll(step: ProducerStep, error: string): void {
  for (const batch of Object.values(step.c.batches).sort((a, b) => a.id - b.id)) if (batch.baseSequence === NO_SEQUENCE) failBatch(step, batch, error, true, false);
  for (const w of step.c.waiting) step.effect({ type: 'delivery', sendId: w.sendId, topic: w.topic, partition: -1, offset: -1, error, definite: true, sequenceReset: false });
  step.patch({ waiting: [] });
}

// ---- the one timer ------------------------------------------------------------------------------

/** The sender thread's poll timeout: the earliest linger, backoff, request or delivery deadline. */
function scheduleWakeup(step: ProducerStep, nowMs: number): void {
  const c = step.c;
  const deadlines: number[] = [];
  for (const queue of Object.values(c.queues)) {
    const first = queue[0] === undefined ? undefined : c.batches[String(queue[0])];
    if (first === undefined) continue;
    if (first.inRetry) deadlines.push(first.retryAtMs);
    else if (!sendable(c, queue, first, nowMs)) deadlines.push(first.createdMs + c.config.lingerMs);
  }
  for (const batch of Object.values(c.batches)) deadlines.push(batch.createdMs + c.config.deliveryTimeoutMs);
  for (const request of Object.values(c.requests)) deadlines.push(request.sentMs + c.config.requestTimeoutMs);
  if (c.metadata.inFlight !== null) deadlines.push(c.metadata.inFlight.sentMs + c.config.requestTimeoutMs);
  else if (metadataWanted(c)) deadlines.push(c.metadata.retryAtMs);
  else if (c.metadata.lastRefreshMs > 0 || Object.keys(c.topics).length > 0) deadlines.push(c.metadata.lastRefreshMs + c.config.metadataMaxAgeMs);
  for (const w of c.waiting) deadlines.push(w.sentMs + c.config.maxBlockMs);
  // Whatever is due now was handled by the pass that is running; the sender sleeps until the next deadline.
  const next = deadlines.filter((d) => d > nowMs).reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  const wakeupAtMs = Number.isFinite(next) ? next : null;
  if (wakeupAtMs === c.wakeupAtMs) return;
  step.cancel(SENDER_WAKEUP);
  if (wakeupAtMs !== null) step.timer({ type: 'SenderWakeup' }, wakeupAtMs - nowMs, SENDER_WAKEUP);
  step.patch({ wakeupAtMs });
}
