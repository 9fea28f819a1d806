/**
 * The Kafka operations the workloads run, each recorded as one history operation: produce, fetch,
 * list offsets, and the group calls. Requests go to the partition leader (or the coordinator) the
 * latest Metadata names. Each returns its answer so a workload can go on from it.
 */
import type { Json } from '../../spec/conformance/history.js';
import { ApiKey } from '../client/index.js';
import { decodeBatchRecords, encodeRecordBatch, readBatchHeaders } from '../protocol/records/index.js';
import type { ProduceResponseData } from '../protocol/wire/generated/ProduceResponse.js';
import type { FetchResponseData } from '../protocol/wire/generated/FetchResponse.js';
import type { ListOffsetsResponseData } from '../protocol/wire/generated/ListOffsetsResponse.js';
import type { Answer, CheckContext } from './check.js';

export interface Expectation {
  readonly expect?: readonly string[];
  readonly source?: string;
  readonly clause?: string;
}

const text = new TextEncoder();
const fromText = new TextDecoder();

export interface ProduceSpec {
  readonly topic: string;
  readonly partition: number;
  readonly values: readonly string[];
  readonly acks: -1 | 0 | 1;
  /** Record timestamps (ms); default: one clock reading for all. */
  readonly timestamps?: readonly number[];
  readonly producerId?: bigint;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  /** Send to this broker instead of the leader (to be refused). */
  readonly broker?: number;
}

export function batchOf(spec: ProduceSpec): Uint8Array {
  const timestamps = spec.timestamps ?? spec.values.map(() => Date.now());
  const base = BigInt(Math.min(...timestamps));
  return encodeRecordBatch({
    baseTimestamp: base,
    ...(spec.producerId === undefined ? {} : { producerId: spec.producerId, producerEpoch: spec.producerEpoch ?? 0, baseSequence: spec.baseSequence ?? 0 }),
    records: spec.values.map((value, i) => ({ key: null, value: text.encode(value), timestampDelta: BigInt(timestamps[i]!) - base })),
  });
}

export async function leaderOf(context: CheckContext, topic: string, partition: number): Promise<number> {
  const metadata = await context.metadata();
  return metadata.topics.get(topic)?.partitions.find((p) => p.partition === partition)?.leaderId ?? -1;
}

/** One Produce of one batch; the answer's value is { baseOffset } (or the error). acks=0 is recorded as info. */
export async function produce(context: CheckContext, process: number, spec: ProduceSpec, expectation: Expectation = {}, batch = batchOf(spec)): Promise<Answer | undefined> {
  const broker = spec.broker ?? (await leaderOf(context, spec.topic, spec.partition));
  const partition = `${spec.topic}-${spec.partition}`;
  const invoke: Json = {
    partition, values: spec.values, acks: spec.acks, broker,
    ...(spec.timestamps === undefined ? {} : { timestamps: spec.timestamps }),
    ...(spec.producerId === undefined ? {} : { producerId: Number(spec.producerId), producerEpoch: spec.producerEpoch ?? 0, baseSequence: spec.baseSequence ?? 0 }),
  };
  const body = { acks: spec.acks, timeoutMs: 5000, topicData: [{ name: spec.topic, partitionData: [{ index: spec.partition, records: batch }] }] };
  if (spec.acks === 0) {
    await context.client.send(broker, ApiKey.Produce, body);
    context.recorder.info(process, 'produce', invoke, 'acks=0: the broker sends no response');
    return undefined;
  }
  return context.recorder.op(process, 'produce', invoke, async () => {
    const { body: response } = await context.client.request<ProduceResponseData>(broker, ApiKey.Produce, body);
    const answer = response.responses[0]?.partitionResponses[0];
    if (answer === undefined) return { value: { detail: 'no partition in the answer' }, errorCode: -1 };
    return { value: { baseOffset: Number(answer.baseOffset) }, errorCode: answer.errorCode };
  }, expectation);
}

export interface FetchAnswer {
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly records: [number, string | null][];
}

/** Fetch versions the workloads speak: before v13 a topic is named, not identified. */
export const FETCH_MAX_VERSION = 12;

/** One Fetch of one partition from `fetchOffset`; the answer's value is { partition, fetchOffset, highWatermark, records }. */
export async function fetch(context: CheckContext, process: number, spec: { topic: string; partition: number; fetchOffset: number; currentLeaderEpoch?: number; broker?: number; f?: string }, expectation: Expectation = {}): Promise<FetchAnswer | undefined> {
  const broker = spec.broker ?? (await leaderOf(context, spec.topic, spec.partition));
  const partition = `${spec.topic}-${spec.partition}`;
  let result: FetchAnswer | undefined;
  const version = context.client.versionFor(ApiKey.Fetch, FETCH_MAX_VERSION);
  await context.recorder.op(process, spec.f ?? 'read', { partition, fetchOffset: spec.fetchOffset, ...(spec.currentLeaderEpoch === undefined ? {} : { currentLeaderEpoch: spec.currentLeaderEpoch }) }, async () => {
    const { body } = await context.client.request<FetchResponseData>(broker, ApiKey.Fetch, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 4 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: spec.topic, partitions: [{ partition: spec.partition, fetchOffset: BigInt(spec.fetchOffset), currentLeaderEpoch: spec.currentLeaderEpoch ?? -1, logStartOffset: -1n, partitionMaxBytes: 4 * 1024 * 1024 }] }],
    }, version);
    const answer = body.responses[0]?.partitions[0];
    if (answer === undefined) return { value: { detail: 'no partition in the answer' }, errorCode: -1 };
    if (answer.errorCode !== 0) return { value: { partition }, errorCode: answer.errorCode };
    const records: [number, string | null][] = [];
    for (const batch of readBatchHeaders(answer.records ?? new Uint8Array(0), { partialTrailingBatch: 'ignore' })) {
      if (batch.header.isControl) continue;
      for (const record of decodeBatchRecords(batch, { maxUncompressedBytes: 64 * 1024 * 1024 })) {
        if (record.offset >= BigInt(spec.fetchOffset)) records.push([Number(record.offset), record.value === null ? null : fromText.decode(record.value)]);
      }
    }
    result = { highWatermark: Number(answer.highWatermark), logStartOffset: Number(answer.logStartOffset), records };
    return { value: { partition, fetchOffset: spec.fetchOffset, highWatermark: result.highWatermark, logStartOffset: result.logStartOffset, records } };
  }, expectation);
  return result;
}

/** Reads a partition from `fromOffset` to its high watermark, one recorded read per fetch. */
export async function readToEnd(context: CheckContext, process: number, topic: string, partition: number, fromOffset = 0): Promise<[number, string | null][]> {
  const all: [number, string | null][] = [];
  let offset = fromOffset;
  for (let round = 0; round < 100; round++) {
    const answer = await fetch(context, process, { topic, partition, fetchOffset: offset });
    if (answer === undefined) return all;
    all.push(...answer.records);
    const last = answer.records[answer.records.length - 1];
    if (last === undefined || last[0] + 1 >= answer.highWatermark) return all;
    offset = last[0] + 1;
  }
  return all;
}

/** ListOffsets for one partition at `timestamp` (-1 latest, -2 earliest); value { offset, timestamp }. */
export async function listOffsets(context: CheckContext, process: number, spec: { topic: string; partition: number; timestamp: number; currentLeaderEpoch?: number; broker?: number }, expectation: Expectation = {}): Promise<number | undefined> {
  const broker = spec.broker ?? (await leaderOf(context, spec.topic, spec.partition));
  let offset: number | undefined;
  await context.recorder.op(process, 'list-offsets', { partition: `${spec.topic}-${spec.partition}`, timestamp: spec.timestamp, ...(spec.currentLeaderEpoch === undefined ? {} : { currentLeaderEpoch: spec.currentLeaderEpoch }) }, async () => {
    const { body, version } = await context.client.request<ListOffsetsResponseData>(broker, ApiKey.ListOffsets, {
      replicaId: -1, topics: [{ name: spec.topic, partitions: [{ partitionIndex: spec.partition, timestamp: BigInt(spec.timestamp), currentLeaderEpoch: spec.currentLeaderEpoch ?? -1, maxNumOffsets: 1 }] }],
    });
    const answer = body.topics[0]?.partitions[0];
    if (answer === undefined) return { value: { detail: 'no partition in the answer' }, errorCode: -1 };
    if (answer.errorCode !== 0) return { value: {}, errorCode: answer.errorCode };
    offset = version === 0 ? Number(answer.oldStyleOffsets[0] ?? -1n) : Number(answer.offset);
    return { value: { offset, timestamp: Number(answer.timestamp) } };
  }, expectation);
  return offset;
}
