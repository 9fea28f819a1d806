/**
 * Fetch (api key 1) as the KRaft quorum uses it, between the quorum machine's
 * FetchRequest/FetchResponse and Kafka's FetchRequestData/FetchResponseData, field by field
 * (KafkaRaftClient.buildFetchRequest, handleFetchRequest, handleFetchResponse;
 * RaftUtil.singletonFetchRequest, singletonFetchResponse). The quorum needs lastFetchedEpoch and
 * the diverging epoch, so version 12 is the oldest it speaks. The machine's correlationId is the
 * request header's: the caller passes it in and out.
 */
import type { FetchRequestData } from '../../wire/generated/FetchRequest.js';
import type { FetchResponseData } from '../../wire/generated/FetchResponse.js';
import { ZERO_UUID } from '../../wire/uuid.js';
import type { FetchRequest, FetchResponse } from '../fetch.js';
import { decodeMetadataRecords, encodeMetadataRecords } from './metadata-records.js';
import { accepted, clusterIdProblem, isRefusal, METADATA_PARTITION, METADATA_TOPIC, METADATA_TOPIC_ID, onlyMetadataPartition, refused, safeOffset, type FromWire } from './partition.js';

/** FetchRequest v12 (KIP-595) added lastFetchedEpoch; the quorum cannot fetch without it. */
export const QUORUM_FETCH_MIN_VERSION = 12;
/** FetchRequest v15 (KIP-903) moved the replica id into ReplicaState. */
const REPLICA_STATE_VERSION = 15;

export interface QuorumFetchOptions {
  readonly clusterId: string;
  /** KafkaRaftClient's fetchMaxWaitMs (500). */
  readonly maxWaitMs?: number;
  /** Bytes of records the leader may return for the partition. */
  readonly partitionMaxBytes?: number;
}

/** FetchRequest.Builder: the replica id in replicaId up to v14, in ReplicaState from v15. */
export function fetchRequestToWire(m: FetchRequest, version: number, options: QuorumFetchOptions): FetchRequestData {
  const inState = version >= REPLICA_STATE_VERSION;
  return {
    clusterId: options.clusterId,
    replicaId: inState ? -1 : m.replicaId,
    replicaState: { replicaId: inState ? m.replicaId : -1, replicaEpoch: -1n },
    maxWaitMs: options.maxWaitMs ?? 500,
    minBytes: 0,
    maxBytes: 0x7fffffff,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{
      topic: METADATA_TOPIC, topicId: METADATA_TOPIC_ID,
      partitions: [{
        partition: METADATA_PARTITION, currentLeaderEpoch: m.currentLeaderEpoch, fetchOffset: BigInt(m.fetchOffset), lastFetchedEpoch: m.lastFetchedEpoch,
        logStartOffset: -1n, partitionMaxBytes: options.partitionMaxBytes ?? 1024 * 1024, replicaDirectoryId: ZERO_UUID,
      }],
    }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

export function fetchRequestFromWire(data: FetchRequestData, header: { version: number; correlationId: number }, own: { clusterId: string }): FromWire<FetchRequest> {
  if (header.version < QUORUM_FETCH_MIN_VERSION) return refused('INVALID_REQUEST', `Fetch v${header.version} has no lastFetchedEpoch (the quorum needs v${QUORUM_FETCH_MIN_VERSION}+)`);
  const problem = clusterIdProblem(data.clusterId, own.clusterId);
  if (problem !== undefined) return problem;
  const p = onlyMetadataPartition(data.topics);
  if (isRefusal(p)) return p;
  const fetchOffset = safeOffset(p.fetchOffset, 'fetchOffset');
  if (isRefusal(fetchOffset)) return fetchOffset;
  const replicaId = header.version >= REPLICA_STATE_VERSION ? data.replicaState.replicaId : data.replicaId;
  return accepted({ type: 'FetchRequest', replicaId, currentLeaderEpoch: p.currentLeaderEpoch, fetchOffset, lastFetchedEpoch: p.lastFetchedEpoch, correlationId: header.correlationId });
}

export function fetchResponseToWire(m: FetchResponse): FetchResponseData {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [{
      topic: METADATA_TOPIC, topicId: METADATA_TOPIC_ID,
      partitions: [{
        partitionIndex: METADATA_PARTITION, errorCode: m.errorCode, highWatermark: BigInt(m.highWatermark),
        // No snapshots and no transactions in the metadata log: it starts at 0 and every offset is stable.
        lastStableOffset: BigInt(m.highWatermark), logStartOffset: 0n,
        divergingEpoch: { epoch: m.divergingEpoch.epoch, endOffset: BigInt(m.divergingEpoch.endOffset) },
        currentLeader: { leaderId: m.currentLeader.leaderId, leaderEpoch: m.currentLeader.leaderEpoch },
        snapshotId: { endOffset: -1n, epoch: -1 },
        abortedTransactions: null,
        preferredReadReplica: -1,
        records: encodeMetadataRecords(m.records),
      }],
    }],
    nodeEndpoints: [],
  };
}

export function fetchRefusalToWire(errorCode: number): FetchResponseData {
  return { throttleTimeMs: 0, errorCode, sessionId: 0, responses: [], nodeEndpoints: [] };
}

/** KafkaRaftClient.handleFetchResponse: a top-level error first, then the partition; `correlationId` is the response header's. */
export function fetchResponseFromWire(data: FetchResponseData, correlationId: number): FromWire<FetchResponse> {
  if (data.errorCode !== 0) return { ok: false, errorCode: data.errorCode, reason: 'the leader refused the fetch' };
  const p = onlyMetadataPartition(data.responses);
  if (isRefusal(p)) return p;
  const highWatermark = safeOffset(p.highWatermark, 'highWatermark');
  if (isRefusal(highWatermark)) return highWatermark;
  const endOffset = safeOffset(p.divergingEpoch.endOffset, 'divergingEpoch.endOffset');
  if (isRefusal(endOffset)) return endOffset;
  let records;
  try {
    records = decodeMetadataRecords(p.records);
  } catch (error) {
    return refused('INVALID_REQUEST', `records: ${(error as Error).message}`);
  }
  return accepted({
    type: 'FetchResponse', errorCode: p.errorCode, correlationId, highWatermark,
    divergingEpoch: { epoch: p.divergingEpoch.epoch, endOffset },
    currentLeader: { leaderId: p.currentLeader.leaderId, leaderEpoch: p.currentLeader.leaderEpoch },
    records,
  });
}
