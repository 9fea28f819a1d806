/**
 * The group messages, with the fields of Kafka's schemas: FindCoordinator (v4+), JoinGroup (v5+,
 * group.instance.id), SyncGroup, Heartbeat, LeaveGroup (v3+, a batch of identities), OffsetCommit,
 * OffsetFetch, and ConsumerGroupHeartbeat (KIP-848). One group per request; a commit or fetch of
 * offsets carries a flat list of partitions instead of Kafka's topic → partitions nesting, which
 * changes the framing, not the rules. Each API is its own module (codec, type, renderer, error
 * response, role); this one gathers their types.
 */
import { allMessageSpecs } from '../registry.js';
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from './consumer-group-heartbeat.js';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from './find-coordinator.js';
import type { HeartbeatRequest, HeartbeatResponse } from './heartbeat.js';
import type { JoinGroupRequest, JoinGroupResponse } from './join-group.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from './leave-group.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from './offset-commit.js';
import type { OffsetFetchRequest, OffsetFetchResponse } from './offset-fetch.js';
import type { SyncGroupRequest, SyncGroupResponse } from './sync-group.js';

export type { ConsumerProtocolAssignment, ConsumerProtocolSubscription, TopicIdPartitions, TopicPartitions } from './consumer-protocol.js';
export type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from './consumer-group-heartbeat.js';
export type { FindCoordinatorRequest, FindCoordinatorResponse } from './find-coordinator.js';
export type { HeartbeatRequest, HeartbeatResponse } from './heartbeat.js';
export type { JoinGroupProtocol, JoinGroupRequest, JoinGroupResponse, JoinGroupResponseMember } from './join-group.js';
export type { LeaveGroupRequest, LeaveGroupResponse, MemberIdentity } from './leave-group.js';
export type { OffsetCommitPartition, OffsetCommitRequest, OffsetCommitResponse } from './offset-commit.js';
export type { OffsetFetchRequest, OffsetFetchResponse } from './offset-fetch.js';
export type { SyncGroupRequest, SyncGroupResponse } from './sync-group.js';

export type GroupRequest =
  | FindCoordinatorRequest | JoinGroupRequest | SyncGroupRequest | HeartbeatRequest | LeaveGroupRequest
  | OffsetCommitRequest | OffsetFetchRequest | ConsumerGroupHeartbeatRequest;

export type GroupResponse =
  | FindCoordinatorResponse | JoinGroupResponse | SyncGroupResponse | HeartbeatResponse | LeaveGroupResponse
  | OffsetCommitResponse | OffsetFetchResponse | ConsumerGroupHeartbeatResponse;

export type GroupMessage = GroupRequest | GroupResponse;

/** Requests a group coordinator answers (all but FindCoordinator, which any broker answers): the registry's coordinator requests. */
export const coordinatorRequestTypes: ReadonlySet<string> = new Set(
  allMessageSpecs().filter((s) => s.role === 'coordinator' && s.kind === 'request').map((s) => s.type),
);
