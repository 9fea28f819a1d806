/**
 * Vote (api key 52) between the quorum machine's VoteRequest/VoteResponse and Kafka's
 * VoteRequestData/VoteResponseData, field by field (KafkaRaftClient.buildVoteRequest,
 * handleVoteRequest, handleVoteResponse; RaftUtil.singletonVoteRequest). Directory ids are
 * Uuid.ZERO_UUID: the model's voters are static (controller.quorum.voters, kraft.version 0).
 */
import type { VoteRequestData } from '../../wire/generated/VoteRequest.js';
import type { VoteResponseData } from '../../wire/generated/VoteResponse.js';
import { ZERO_UUID } from '../../wire/uuid.js';
import type { VoteRequest, VoteResponse } from '../vote.js';
import { accepted, clusterIdProblem, isRefusal, METADATA_PARTITION, METADATA_TOPIC, onlyMetadataPartition, safeOffset, type FromWire } from './partition.js';

export function voteRequestToWire(m: VoteRequest, to: { clusterId: string; voterId: number }): VoteRequestData {
  return {
    clusterId: to.clusterId,
    voterId: to.voterId,
    topics: [{
      topicName: METADATA_TOPIC,
      partitions: [{
        partitionIndex: METADATA_PARTITION, candidateEpoch: m.candidateEpoch, candidateId: m.candidateId,
        candidateDirectoryId: ZERO_UUID, voterDirectoryId: ZERO_UUID, lastOffsetEpoch: m.lastOffsetEpoch, lastOffset: BigInt(m.lastOffset),
      }],
    }],
  };
}

export function voteRequestFromWire(data: VoteRequestData, own: { clusterId: string }): FromWire<VoteRequest> {
  const problem = clusterIdProblem(data.clusterId, own.clusterId);
  if (problem !== undefined) return problem;
  const p = onlyMetadataPartition(data.topics);
  if (isRefusal(p)) return p;
  const lastOffset = safeOffset(p.lastOffset, 'lastOffset');
  if (isRefusal(lastOffset)) return lastOffset;
  return accepted({ type: 'VoteRequest', candidateEpoch: p.candidateEpoch, candidateId: p.candidateId, lastOffsetEpoch: p.lastOffsetEpoch, lastOffset });
}

/** A partition-level answer; a refusal of the whole request (`voteRefusalToWire`) sets the top-level error instead. */
export function voteResponseToWire(m: VoteResponse): VoteResponseData {
  return {
    errorCode: 0,
    topics: [{
      topicName: METADATA_TOPIC,
      partitions: [{ partitionIndex: METADATA_PARTITION, errorCode: m.errorCode, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch, voteGranted: m.voteGranted }],
    }],
    nodeEndpoints: [],
  };
}

export function voteRefusalToWire(errorCode: number): VoteResponseData {
  return { errorCode, topics: [], nodeEndpoints: [] };
}

/** KafkaRaftClient.handleVoteResponse: a top-level error first, then the one partition's answer. */
export function voteResponseFromWire(data: VoteResponseData): FromWire<VoteResponse> {
  if (data.errorCode !== 0) return { ok: false, errorCode: data.errorCode, reason: 'the voter refused the request' };
  const p = onlyMetadataPartition(data.topics);
  if (isRefusal(p)) return p;
  return accepted({ type: 'VoteResponse', errorCode: p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, voteGranted: p.voteGranted });
}
