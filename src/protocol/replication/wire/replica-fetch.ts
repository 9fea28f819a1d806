/**
 * Fetch (api key 1) between brokers: a follower replica's fetch of one partition from its leader
 * and the leader's answer, between the replica machine's Fetch/FetchResponse and Kafka's
 * FetchRequestData/FetchResponseData (ReplicaFetcherThread.buildFetch, KafkaApis.handleFetchRequest,
 * ReplicaManager.fetchMessages). The replica id rides in replicaId up to v14 and in ReplicaState
 * (with the broker epoch, KIP-903) from v15. Topics are named by id (v13+, KIP-516); the follower
 * needs lastFetchedEpoch and the diverging epoch (v12+), so v13 is the oldest spoken here.
 *
 * The records are the leader's log bytes as the log store holds them (`BatchBytes`: the live
 * runtime's batches come back as payload handles on the receiving side), never a machine's context.
 *
 * Kafka's FetchResponse has no log end offset: the model's leader puts its own in the answer for
 * OFFSET_OUT_OF_RANGE (Kafka's fetcher asks ListOffsets for it instead). Off the wire it is -1
 * (unknown), and the follower starts over at the leader's log start offset.
 */
import type { FetchRequestData } from '../../wire/generated/FetchRequest.js';
import type { FetchResponseData } from '../../wire/generated/FetchResponse.js';
import { readBatchHeaders, type RecordBatchView } from '../../records/index.js';
import { ZERO_UUID } from '../../wire/uuid.js';
import type { FetchRequest, FetchResponse } from '../fetch.js';
import type { PartitionAddress } from '../messages.js';
import type { RecordBatch } from '../record-batch.js';
import { errorCode } from '../../errors.js';
import { accepted, isRefusal, refused, safeOffset, type FromWire, type QuorumWireRefusal } from '../../quorum/wire/partition.js';

/** FetchRequest v13 (KIP-516) names topics by id. */
export const REPLICA_FETCH_MIN_VERSION = 13;
/** FetchRequest v15 (KIP-903) moved the replica id into ReplicaState. */
const REPLICA_STATE_VERSION = 15;

/** The model's topic ids (`orders~k3x9`) and the Uuids on the wire (src/protocol/wire-topic-id.ts), as the receiver's metadata knows them. */
export interface WireTopicIds {
  toWire(topicId: string): string;
  /** The topic a wire Uuid names in the receiver's metadata, or undefined when it knows none. */
  fromWire(wireTopicId: string): { topic: string; topicId: string } | undefined;
}

/** The log store's bytes of a batch, and a batch from bytes read off the wire. */
export interface BatchBytes {
  encode(batch: RecordBatch): Uint8Array;
  decode(view: RecordBatchView, address: PartitionAddress): RecordBatch;
}

export interface ReplicaFetchOptions {
  /** replica.fetch.wait.max.ms (500). */
  readonly maxWaitMs: number;
  /** replica.fetch.min.bytes (1). */
  readonly minBytes: number;
  /** replica.fetch.max.bytes (1 MiB). */
  readonly partitionMaxBytes: number;
  /** replica.fetch.response.max.bytes (10 MiB). */
  readonly maxBytes: number;
}

export const defaultReplicaFetchOptions: ReplicaFetchOptions = { maxWaitMs: 500, minBytes: 1, partitionMaxBytes: 1024 * 1024, maxBytes: 10 * 1024 * 1024 };

export function replicaFetchRequestToWire(m: FetchRequest, version: number, topicIds: WireTopicIds, options: ReplicaFetchOptions = defaultReplicaFetchOptions): FetchRequestData {
  const inState = version >= REPLICA_STATE_VERSION;
  return {
    clusterId: null,
    replicaId: inState ? -1 : m.replicaId,
    replicaState: { replicaId: inState ? m.replicaId : -1, replicaEpoch: inState ? BigInt(m.replicaEpoch) : -1n },
    maxWaitMs: options.maxWaitMs, minBytes: options.minBytes, maxBytes: options.maxBytes,
    // Replicas read uncommitted data (IsolationLevel.READ_UNCOMMITTED) and use no fetch session here (sessionEpoch -1: FINAL_EPOCH, a full fetch).
    isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{
      topic: m.topic, topicId: topicIds.toWire(m.topicId),
      partitions: [{
        partition: m.partition, currentLeaderEpoch: m.currentLeaderEpoch, fetchOffset: BigInt(m.fetchOffset), lastFetchedEpoch: m.lastFetchedEpoch,
        logStartOffset: BigInt(m.logStartOffset), partitionMaxBytes: options.partitionMaxBytes, replicaDirectoryId: ZERO_UUID,
      }],
    }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

export function replicaFetchRequestFromWire(data: FetchRequestData, header: { version: number; correlationId: number }, topicIds: WireTopicIds): FromWire<FetchRequest> {
  if (header.version < REPLICA_FETCH_MIN_VERSION) return refused('INVALID_REQUEST', `Fetch v${header.version} names topics without ids (a replica fetches with v${REPLICA_FETCH_MIN_VERSION}+)`);
  const found = onePartition(data.topics, topicIds);
  if (isRefusal(found)) return found;
  const { address, partition: p } = found;
  const inState = header.version >= REPLICA_STATE_VERSION;
  const replicaEpoch = inState ? safeOffset(data.replicaState.replicaEpoch, 'replicaState.replicaEpoch') : -1;
  if (isRefusal(replicaEpoch)) return replicaEpoch;
  const fetchOffset = safeOffset(p.fetchOffset, 'fetchOffset');
  if (isRefusal(fetchOffset)) return fetchOffset;
  const logStartOffset = safeOffset(p.logStartOffset, 'logStartOffset');
  if (isRefusal(logStartOffset)) return logStartOffset;
  return accepted({
    type: 'Fetch', ...address, correlationId: header.correlationId,
    replicaId: inState ? data.replicaState.replicaId : data.replicaId, replicaEpoch,
    currentLeaderEpoch: p.currentLeaderEpoch, fetchOffset, lastFetchedEpoch: p.lastFetchedEpoch, logStartOffset,
  });
}

export function replicaFetchResponseToWire(m: FetchResponse, topicIds: WireTopicIds, batches: BatchBytes): FetchResponseData {
  const records = concat(m.batches.map((b) => batches.encode(b)));
  return {
    throttleTimeMs: 0, errorCode: 0, sessionId: 0,
    responses: [{
      topic: m.topic, topicId: topicIds.toWire(m.topicId),
      partitions: [{
        partitionIndex: m.partition, errorCode: m.errorCode, highWatermark: BigInt(m.highWatermark),
        // No transactions are modelled: every offset below the high watermark is stable.
        lastStableOffset: BigInt(m.highWatermark), logStartOffset: BigInt(m.logStartOffset),
        divergingEpoch: m.divergingEpoch === null ? { epoch: -1, endOffset: -1n } : { epoch: m.divergingEpoch.epoch, endOffset: BigInt(m.divergingEpoch.endOffset) },
        currentLeader: m.currentLeader === null ? { leaderId: -1, leaderEpoch: -1 } : { leaderId: m.currentLeader.leaderId, leaderEpoch: m.currentLeader.leaderEpoch },
        snapshotId: { endOffset: -1n, epoch: -1 },
        abortedTransactions: null,
        preferredReadReplica: -1,
        records,
      }],
    }],
    nodeEndpoints: [],
  };
}

/** AbstractFetcherThread.processFetchRequest: a top-level error first, then the one partition asked for. */
export function replicaFetchResponseFromWire(data: FetchResponseData, correlationId: number, topicIds: WireTopicIds, batches: BatchBytes): FromWire<FetchResponse> {
  if (data.errorCode !== 0) return { ok: false, errorCode: data.errorCode, reason: 'the leader refused the fetch' };
  const found = onePartition(data.responses, topicIds);
  if (isRefusal(found)) return found;
  const { address, partition: p } = found;
  const offsets = [safeOffset(p.highWatermark, 'highWatermark'), safeOffset(p.logStartOffset, 'logStartOffset'), safeOffset(p.divergingEpoch.endOffset, 'divergingEpoch.endOffset')];
  const refusal = offsets.find(isRefusal);
  if (refusal !== undefined) return refusal;
  const [highWatermark, logStartOffset, endOffset] = offsets as number[];
  let decoded: RecordBatch[];
  try {
    decoded = p.records === null ? [] : readBatchHeaders(p.records).map((view) => batches.decode(view, address));
  } catch (error) {
    return { ok: false, errorCode: errorCode('CORRUPT_MESSAGE'), reason: `records: ${(error as Error).message}` };
  }
  return accepted({
    type: 'FetchResponse', ...address, correlationId, errorCode: p.errorCode,
    highWatermark: highWatermark as number, logStartOffset: logStartOffset as number, logEndOffset: -1,
    divergingEpoch: p.divergingEpoch.epoch < 0 ? null : { epoch: p.divergingEpoch.epoch, endOffset: endOffset as number },
    currentLeader: p.currentLeader.leaderId < 0 && p.currentLeader.leaderEpoch < 0 ? null : { leaderId: p.currentLeader.leaderId, leaderEpoch: p.currentLeader.leaderEpoch },
    batches: decoded,
  });
}

interface OneTopic<P> {
  readonly topicId: string;
  readonly partitions: readonly P[];
}

/** One partition per fetch, as the replica machine sends them; the topic by its Uuid in the receiver's metadata. */
function onePartition<P extends { partition?: number; partitionIndex?: number }>(
  topics: readonly OneTopic<P>[], topicIds: WireTopicIds,
): { address: PartitionAddress; partition: P } | QuorumWireRefusal {
  const only = topics[0];
  if (topics.length !== 1 || only === undefined || only.partitions.length !== 1) return refused('INVALID_REQUEST', 'one partition per replica fetch, as the replica machine sends them');
  const topic = topicIds.fromWire(only.topicId);
  if (topic === undefined) return { ok: false, errorCode: errorCode('UNKNOWN_TOPIC_ID'), reason: `topic id ${only.topicId} is not in the metadata` };
  const partition = only.partitions[0] as P;
  return { address: { ...topic, partition: partition.partitionIndex ?? partition.partition ?? -1 }, partition };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * KafkaApis.handleFetchRequest: a replica fetch for a topic id this broker's metadata does not
 * hold yet is answered with UNKNOWN_TOPIC_ID on that partition (the request itself is fine), so the
 * follower backs off and fetches again once the metadata has reached the leader. Undefined when the
 * request is not one partition of one topic (then the whole request is refused).
 */
export function replicaFetchPartitionRefusalToWire(request: FetchRequestData, code: number): FetchResponseData | undefined {
  const topic = request.topics[0];
  const partition = topic?.partitions[0];
  if (request.topics.length !== 1 || topic === undefined || topic.partitions.length !== 1 || partition === undefined) return undefined;
  return {
    throttleTimeMs: 0, errorCode: 0, sessionId: 0,
    responses: [{
      topic: topic.topic, topicId: topic.topicId,
      partitions: [{
        partitionIndex: partition.partition, errorCode: code, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n,
        divergingEpoch: { epoch: -1, endOffset: -1n }, currentLeader: { leaderId: -1, leaderEpoch: -1 },
        snapshotId: { endOffset: -1n, epoch: -1 }, abortedTransactions: null, preferredReadReplica: -1, records: null,
      }],
    }],
    nodeEndpoints: [],
  };
}
