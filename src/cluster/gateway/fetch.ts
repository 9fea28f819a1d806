/**
 * Fetch (api key 1) from a consumer: each partition is read by its replica machine (a consumer
 * fetch, replicaId -1: up to the high watermark, fenced by the leader epoch it names, KIP-320);
 * the node fills the answer's batches from the log, and the gateway writes their bytes as stored
 * (a wire batch as received; a model batch encoded once as a v2 batch).
 *
 * DelayedFetch: an answer holding fewer than minBytes waits up to maxWaitMs for the high
 * watermark of one of its partitions to move, then reads again (Kafka's DelayedFetch completes on
 * the same condition). Partition errors answer at once. The request's byte bounds apply as in
 * Kafka (KIP-74: the first batch of the first non-empty partition even past them).
 *
 * Fetch sessions (KIP-227) are not kept: every answer carries session id 0, which tells the
 * client to send full requests; an incremental request for a session gets FETCH_SESSION_ID_NOT_FOUND.
 * A client cannot fetch as a follower: its replica id is ignored (followers are nodes, not clients).
 */
import type { FetchRequestData } from '../../protocol/wire/generated/index.js';
import { encodeRecordBatch } from '../../protocol/records/index.js';
import { errorCode } from '../../protocol/errors.js';
import type { FetchResponse } from '../../protocol/replication/fetch.js';
import type { RecordBatch } from '../../protocol/replication/record-batch.js';
import { topicByName, type TopicImage } from '../../common/metadata-image.js';
import type { Gateway, Handled, RequestContext } from './gateway.js';
import { topicByWireId, wireTopicId } from './topic-ids.js';

interface PartitionRead {
  readonly topic: TopicImage | undefined;
  readonly topicName: string;
  readonly wireTopicId: string;
  readonly partition: number;
  readonly answer: Record<string, unknown>;
  readonly bytes: number;
  readonly failed: boolean;
}

export async function handleFetch(request: RequestContext): Promise<Handled> {
  const body = request.body as FetchRequestData;
  if (body.sessionId !== 0 || body.sessionEpoch > 0) {
    return { throttleTimeMs: 0, errorCode: errorCode('FETCH_SESSION_ID_NOT_FOUND'), sessionId: 0, responses: [] };
  }
  const deadlineMs = request.gateway.world.nowMs() + Math.max(0, body.maxWaitMs);
  for (;;) {
    const reads = await readAll(request, body);
    const bytes = reads.reduce((n, r) => n + r.bytes, 0);
    const now = request.gateway.world.nowMs();
    if (bytes >= body.minBytes || reads.some((r) => r.failed) || now >= deadlineMs) return answerOf(reads);
    // Watched from the high watermarks the reads saw, not from what the replicas hold by now: a write
    // that commits between the read and the watch completes the fetch at once (tryCompleteElseWatch).
    const seen = new Map(reads.flatMap((r) => (r.topic === undefined ? [] : [[`${r.topic.name}-${r.partition}`, Number(r.answer['highWatermark'])] as const])));
    const woken = await request.gateway.delayedFetches.wait(request.clientId, seen, deadlineMs - now);
    if (!woken) return answerOf(await readAll(request, body));
  }
}

async function readAll(request: RequestContext, body: FetchRequestData): Promise<PartitionRead[]> {
  let budget = body.maxBytes;
  const reads: PartitionRead[] = [];
  for (const topic of body.topics) {
    for (const p of topic.partitions) {
      const read = await readPartition(request, topic.topic, topic.topicId, p.partition, p.currentLeaderEpoch, Number(p.fetchOffset), Math.min(p.partitionMaxBytes, budget), reads.every((r) => r.bytes === 0));
      budget = Math.max(0, budget - read.bytes);
      reads.push(read);
    }
  }
  return reads;
}

async function readPartition(request: RequestContext, name: string, topicId: string, partition: number, leaderEpoch: number, fetchOffset: number, maxBytes: number, first: boolean): Promise<PartitionRead> {
  const { gateway, version } = request;
  const image = gateway.node.image();
  const topic = version >= 13 ? topicByWireId(image, topicId) : topicByName(image, name);
  const base = { topic, topicName: topic?.name ?? name, wireTopicId: topic === undefined ? topicId : wireTopicId(topic.topicId), partition };
  const fail = (error: number): PartitionRead => ({ ...base, answer: { partitionIndex: partition, errorCode: error, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: NO_RECORDS }, bytes: 0, failed: true });
  if (topic === undefined) return fail(errorCode(version >= 13 ? 'UNKNOWN_TOPIC_ID' : 'UNKNOWN_TOPIC_OR_PARTITION'));
  if (partition < 0 || partition >= topic.partitions.length) return fail(errorCode('UNKNOWN_TOPIC_OR_PARTITION'));
  const answer = await gateway.ask<FetchResponse>(request.clientId, gateway.node.id, {
    type: 'Fetch', topic: topic.name, topicId: topic.topicId, partition, replicaId: -1, replicaEpoch: -1,
    currentLeaderEpoch: leaderEpoch, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1,
  });
  if (answer === undefined) return fail(errorCode('REQUEST_TIMED_OUT'));
  const records = recordsOf(gateway, answer.batches, maxBytes, first);
  return {
    ...base,
    bytes: records.length,
    failed: answer.errorCode !== 0,
    answer: {
      partitionIndex: partition, errorCode: answer.errorCode,
      highWatermark: BigInt(answer.highWatermark), lastStableOffset: BigInt(answer.highWatermark), logStartOffset: BigInt(answer.logStartOffset),
      currentLeader: answer.currentLeader ?? { leaderId: -1, leaderEpoch: -1 },
      abortedTransactions: null, preferredReadReplica: -1, records,
    },
  };
}

/** The batches' bytes, within `maxBytes` except for the first batch of the first partition with any (KIP-74). */
/** Kafka answers an empty read with empty records (MemoryRecords.EMPTY), never null: librdkafka refuses a null set. */
const NO_RECORDS = new Uint8Array(0);

function recordsOf(gateway: Gateway, batches: readonly RecordBatch[], maxBytes: number, first: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const batch of batches) {
    const bytes = batch.payload === undefined ? encodeModelBatch(batch) : gateway.node.payloads?.get(batch.payload);
    if (bytes === undefined) break;
    if (size + bytes.length > maxBytes && !(first && parts.length === 0)) break;
    parts.push(bytes);
    size += bytes.length;
  }
  return parts.length === 0 ? NO_RECORDS : parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

const encoder = new TextEncoder();
const modelBatchBytes = new WeakMap<RecordBatch, Uint8Array>();

/** A batch the model wrote (the group coordinator's records): encoded once, as Kafka would have stored it. */
function encodeModelBatch(batch: RecordBatch): Uint8Array {
  const known = modelBatchBytes.get(batch);
  if (known !== undefined) return known;
  const baseTimestamp = batch.records[0]?.timestamp ?? batch.maxTimestamp;
  const bytes = encodeRecordBatch({
    baseOffset: BigInt(batch.baseOffset), partitionLeaderEpoch: batch.partitionLeaderEpoch, baseTimestamp: BigInt(baseTimestamp), maxTimestamp: BigInt(batch.maxTimestamp),
    producerId: BigInt(batch.producerId), producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence, lastOffsetDelta: batch.lastOffsetDelta,
    records: batch.records.map((r) => ({
      offsetDelta: r.offsetDelta, timestampDelta: BigInt(r.timestamp - baseTimestamp),
      key: r.key === null ? null : encoder.encode(r.key), value: r.value === null ? null : encoder.encode(r.value),
    })),
  });
  modelBatchBytes.set(batch, bytes);
  return bytes;
}

function answerOf(reads: readonly PartitionRead[]): Record<string, unknown> {
  const topics: { topic: string; topicId: string; partitions: Record<string, unknown>[] }[] = [];
  for (const read of reads) {
    const last = topics[topics.length - 1];
    if (last !== undefined && last.topic === read.topicName) last.partitions.push(read.answer);
    else topics.push({ topic: read.topicName, topicId: read.wireTopicId, partitions: [read.answer] });
  }
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: topics };
}

interface Waiter {
  readonly clientId: number;
  readonly keys: readonly string[];
  /** The high watermark each partition's replica had when the wait began. */
  readonly seen: ReadonlyMap<string, number>;
  readonly wake: (woken: boolean) => void;
}

/** Fetches waiting for a high watermark to move (Kafka's delayed fetch purgatory, keyed by partition). */
export class DelayedFetches {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly gateway: Gateway) {}

  /**
   * Resolves true when a partition's high watermark moves from what the fetch saw (at once when it
   * already has: DelayedOperation.tryCompleteElseWatch), false when `waitMs` passes first (or the client leaves).
   */
  wait(clientId: number, seen: ReadonlyMap<string, number>, waitMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      if ([...seen].some(([key, highWatermark]) => this.highWatermarkOf(key) !== highWatermark)) return resolve(true);
      const keys = [...seen.keys()];
      const timer = this.gateway.world.after(waitMs, () => finish(false));
      const waiter: Waiter = { clientId, keys, seen, wake: (woken) => finish(woken) };
      const finish = (woken: boolean): void => {
        if (!this.waiters.delete(waiter)) return;
        timer.cancel();
        resolve(woken);
      };
      this.waiters.add(waiter);
    });
  }

  /** A replica of this broker took a step: wake the fetches whose partition's high watermark moved. */
  replicaStepped(key: string): void {
    if (this.waiters.size === 0) return;
    const highWatermark = this.highWatermarkOf(key);
    for (const waiter of [...this.waiters]) {
      if (waiter.seen.has(key) && waiter.seen.get(key) !== highWatermark) waiter.wake(true);
    }
  }

  dropClient(clientId: number): void {
    for (const waiter of [...this.waiters]) if (waiter.clientId === clientId) waiter.wake(false);
  }

  private highWatermarkOf(key: string): number {
    for (const [replicaKey, replica] of this.gateway.node.replicas()) if (replicaKey === key) return replica.context.highWatermark;
    return -1;
  }
}
