/**
 * A group request answered with one error and nothing else, the shape Kafka's request handlers
 * give when the coordinator itself refuses (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
 * COORDINATOR_NOT_AVAILABLE) or a write fails: JoinGroupRequest.getErrorResponse and friends.
 */
import type { GroupRequest, GroupResponse } from '../../protocol/groups/messages.js';

const emptyAssignment = { assignedPartitions: [] } as const;

export function errorResponseFor(request: GroupRequest, errorCode: number): GroupResponse {
  const correlationId = request.correlationId;
  switch (request.type) {
    case 'FindCoordinator':
      return { type: 'FindCoordinatorResponse', correlationId, key: request.key, errorCode, nodeId: -1 };
    case 'JoinGroup':
      return { type: 'JoinGroupResponse', correlationId, errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: request.memberId, members: [] };
    case 'SyncGroup':
      return { type: 'SyncGroupResponse', correlationId, errorCode, protocolType: null, protocolName: null, assignment: emptyAssignment };
    case 'Heartbeat':
      return { type: 'HeartbeatResponse', correlationId, errorCode };
    case 'LeaveGroup':
      return { type: 'LeaveGroupResponse', correlationId, errorCode, members: [] };
    case 'OffsetCommit':
      return { type: 'OffsetCommitResponse', correlationId, partitions: request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, errorCode })) };
    case 'OffsetFetch':
      return { type: 'OffsetFetchResponse', correlationId, errorCode, partitions: [] };
    case 'ConsumerGroupHeartbeat':
      return { type: 'ConsumerGroupHeartbeatResponse', correlationId, errorCode, errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
  }
}

/** The same answer with its errors replaced: a write that failed after the rules had answered. */
export function failResponse(response: GroupResponse, errorCode: number): GroupResponse {
  switch (response.type) {
    case 'OffsetCommitResponse':
      return { ...response, partitions: response.partitions.map((p) => ({ ...p, errorCode })) };
    case 'JoinGroupResponse':
      return { ...response, errorCode, generationId: -1, protocolName: null, leader: '', members: [] };
    case 'SyncGroupResponse':
      return { ...response, errorCode, assignment: emptyAssignment };
    case 'LeaveGroupResponse':
      return { ...response, errorCode, members: [] };
    case 'OffsetFetchResponse':
      return { ...response, errorCode, partitions: [] };
    case 'ConsumerGroupHeartbeatResponse':
      return { ...response, errorCode, assignment: null };
    default:
      return { ...response, errorCode };
  }
}
