/**
 * BeginQuorumEpoch (api key 53) between the quorum machine's messages and Kafka's
 * BeginQuorumEpochRequestData/ResponseData, field by field (KafkaRaftClient.buildBeginQuorumEpochRequest,
 * handleBeginQuorumEpochRequest, handleBeginQuorumEpochResponse). leaderEndpoints (v1, KIP-853)
 * stay empty: the model's voters are static and reach each other through controller.quorum.voters.
 */
import type { BeginQuorumEpochRequestData } from '../../wire/generated/BeginQuorumEpochRequest.js';
import type { BeginQuorumEpochResponseData } from '../../wire/generated/BeginQuorumEpochResponse.js';
import { ZERO_UUID } from '../../wire/uuid.js';
import type { BeginQuorumEpochRequest, BeginQuorumEpochResponse } from '../begin-quorum-epoch.js';
import { accepted, clusterIdProblem, isRefusal, METADATA_PARTITION, METADATA_TOPIC, onlyMetadataPartition, type FromWire } from './partition.js';

export function beginQuorumEpochRequestToWire(m: BeginQuorumEpochRequest, to: { clusterId: string; voterId: number }): BeginQuorumEpochRequestData {
  return {
    clusterId: to.clusterId,
    voterId: to.voterId,
    topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: METADATA_PARTITION, voterDirectoryId: ZERO_UUID, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch }] }],
    leaderEndpoints: [],
  };
}

export function beginQuorumEpochRequestFromWire(data: BeginQuorumEpochRequestData, own: { clusterId: string }): FromWire<BeginQuorumEpochRequest> {
  const problem = clusterIdProblem(data.clusterId, own.clusterId);
  if (problem !== undefined) return problem;
  const p = onlyMetadataPartition(data.topics);
  if (isRefusal(p)) return p;
  return accepted({ type: 'BeginQuorumEpochRequest', leaderId: p.leaderId, leaderEpoch: p.leaderEpoch });
}

export function beginQuorumEpochResponseToWire(m: BeginQuorumEpochResponse): BeginQuorumEpochResponseData {
  return {
    errorCode: 0,
    topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: METADATA_PARTITION, errorCode: m.errorCode, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch }] }],
    nodeEndpoints: [],
  };
}

export function beginQuorumEpochRefusalToWire(errorCode: number): BeginQuorumEpochResponseData {
  return { errorCode, topics: [], nodeEndpoints: [] };
}

export function beginQuorumEpochResponseFromWire(data: BeginQuorumEpochResponseData): FromWire<BeginQuorumEpochResponse> {
  if (data.errorCode !== 0) return { ok: false, errorCode: data.errorCode, reason: 'the voter refused the request' };
  const p = onlyMetadataPartition(data.topics);
  if (isRefusal(p)) return p;
  return accepted({ type: 'BeginQuorumEpochResponse', errorCode: p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch });
}
