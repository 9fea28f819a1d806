/**
 * EndQuorumEpoch (api key 54) between the quorum machine's messages and Kafka's
 * EndQuorumEpochRequestData/ResponseData, field by field (KafkaRaftClient.buildEndQuorumEpochRequest,
 * handleEndQuorumEpochRequest). The successors go in preferredSuccessors (v0) and in
 * preferredCandidates (v1, KIP-853, with zero directory ids); a v1 request is read from
 * preferredCandidates, as Kafka reads it.
 */
import type { EndQuorumEpochRequestData } from '../../wire/generated/EndQuorumEpochRequest.js';
import type { EndQuorumEpochResponseData } from '../../wire/generated/EndQuorumEpochResponse.js';
import { ZERO_UUID } from '../../wire/uuid.js';
import type { EndQuorumEpochRequest, EndQuorumEpochResponse } from '../end-quorum-epoch.js';
import { accepted, clusterIdProblem, isRefusal, METADATA_PARTITION, METADATA_TOPIC, onlyMetadataPartition, type FromWire } from './partition.js';

export function endQuorumEpochRequestToWire(m: EndQuorumEpochRequest, to: { clusterId: string }): EndQuorumEpochRequestData {
  return {
    clusterId: to.clusterId,
    topics: [{
      topicName: METADATA_TOPIC,
      partitions: [{
        partitionIndex: METADATA_PARTITION, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch,
        preferredSuccessors: [...m.preferredSuccessors],
        preferredCandidates: m.preferredSuccessors.map((candidateId) => ({ candidateId, candidateDirectoryId: ZERO_UUID })),
      }],
    }],
    leaderEndpoints: [],
  };
}

/** `version` picks the field the successors are read from (v0 preferredSuccessors, v1 preferredCandidates). */
export function endQuorumEpochRequestFromWire(data: EndQuorumEpochRequestData, version: number, own: { clusterId: string }): FromWire<EndQuorumEpochRequest> {
  const problem = clusterIdProblem(data.clusterId, own.clusterId);
  if (problem !== undefined) return problem;
  const p = onlyMetadataPartition(data.topics);
  if (isRefusal(p)) return p;
  const preferredSuccessors = version >= 1 ? p.preferredCandidates.map((c) => c.candidateId) : [...p.preferredSuccessors];
  return accepted({ type: 'EndQuorumEpochRequest', leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, preferredSuccessors });
}

export function endQuorumEpochResponseToWire(m: EndQuorumEpochResponse): EndQuorumEpochResponseData {
  return {
    errorCode: 0,
    topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: METADATA_PARTITION, errorCode: m.errorCode, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch }] }],
    nodeEndpoints: [],
  };
}

export function endQuorumEpochRefusalToWire(errorCode: number): EndQuorumEpochResponseData {
  return { errorCode, topics: [], nodeEndpoints: [] };
}

export function endQuorumEpochResponseFromWire(data: EndQuorumEpochResponseData): FromWire<EndQuorumEpochResponse> {
  if (data.errorCode !== 0) return { ok: false, errorCode: data.errorCode, reason: 'the voter refused the request' };
  const p = onlyMetadataPartition(data.topics);
  if (isRefusal(p)) return p;
  return accepted({ type: 'EndQuorumEpochResponse', errorCode: p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch });
}
