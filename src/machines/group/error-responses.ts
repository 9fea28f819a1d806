/**
 * A group request answered with one error and nothing else, the shape Kafka's request handlers
 * give when the coordinator itself refuses (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
 * COORDINATOR_NOT_AVAILABLE) or a write fails: JoinGroupRequest.getErrorResponse and friends.
 */
import type { GroupRequest, GroupResponse } from '../../protocol/groups/messages.js';
import { errorResponseTo } from '../../protocol/registry.js';

const emptyAssignment = { assignedPartitions: [] } as const;

/** The registry's error response of a group request. */
export function errorResponseFor(request: GroupRequest, errorCode: number): GroupResponse {
  return errorResponseTo(request, errorCode) as GroupResponse;
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
