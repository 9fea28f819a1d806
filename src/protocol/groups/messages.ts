/**
 * The group messages, with the fields of Kafka's schemas: FindCoordinator (v4+), JoinGroup (v5+,
 * group.instance.id), SyncGroup, Heartbeat, LeaveGroup (v3+, a batch of identities), OffsetCommit,
 * OffsetFetch, and ConsumerGroupHeartbeat (KIP-848). One group per request; a commit or fetch of
 * offsets carries a flat list of partitions instead of Kafka's topic → partitions nesting, which
 * changes the framing, not the rules.
 *
 * JoinGroup's protocol metadata and SyncGroup's assignment are bytes on the wire, opaque to the
 * coordinator; the consumer's embedded protocol (ConsumerProtocolSubscription /
 * ConsumerProtocolAssignment) is written out here as structured values. The coordinator never looks
 * inside them except to compare them for equality.
 */

export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** ConsumerProtocolSubscription (v1+): what a member offers in JoinGroup for each assignor. */
export interface ConsumerProtocolSubscription {
  readonly topics: readonly string[];
  /** v1+: the partitions the member owns now (cooperative rebalancing; empty for eager). */
  readonly ownedPartitions: readonly TopicPartitions[];
  /** v2+: the generation the owned partitions are from; -1 if none. */
  readonly generationId: number;
  readonly rackId: string | null;
}

/** ConsumerProtocolAssignment: the leader's answer for one member, carried by SyncGroup. */
export interface ConsumerProtocolAssignment {
  readonly assignedPartitions: readonly TopicPartitions[];
}

export interface FindCoordinatorRequest {
  readonly type: 'FindCoordinator';
  readonly correlationId: number;
  readonly key: string;
  /** 0: group; 1: transaction (not modelled). */
  readonly keyType: 0 | 1;
}

export interface FindCoordinatorResponse {
  readonly type: 'FindCoordinatorResponse';
  readonly correlationId: number;
  readonly key: string;
  readonly errorCode: number;
  /** The coordinator's broker id; -1 with an error. */
  readonly nodeId: number;
}

export interface JoinGroupProtocol {
  readonly name: string;
  readonly metadata: ConsumerProtocolSubscription;
}

export interface JoinGroupRequest {
  readonly type: 'JoinGroup';
  readonly correlationId: number;
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  /** '' on a member's first join. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** 'consumer' for consumers. */
  readonly protocolType: string;
  /** In the member's order of preference. */
  readonly protocols: readonly JoinGroupProtocol[];
  readonly reason: string | null;
}

export interface JoinGroupResponseMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: ConsumerProtocolSubscription;
}

export interface JoinGroupResponse {
  readonly type: 'JoinGroupResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  /** v9+: the static leader rejoined without a change; it must not assign again. */
  readonly skipAssignment: boolean;
  readonly memberId: string;
  /** Only the leader gets the members (with their metadata for the chosen protocol). */
  readonly members: readonly JoinGroupResponseMember[];
}

export interface SyncGroupRequest {
  readonly type: 'SyncGroup';
  readonly correlationId: number;
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  /** Only the leader sends assignments. */
  readonly assignments: readonly { readonly memberId: string; readonly assignment: ConsumerProtocolAssignment }[];
}

export interface SyncGroupResponse {
  readonly type: 'SyncGroupResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: ConsumerProtocolAssignment;
}

export interface HeartbeatRequest {
  readonly type: 'Heartbeat';
  readonly correlationId: number;
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  readonly type: 'HeartbeatResponse';
  readonly correlationId: number;
  readonly errorCode: number;
}

export interface MemberIdentity {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly reason: string | null;
}

export interface LeaveGroupRequest {
  readonly type: 'LeaveGroup';
  readonly correlationId: number;
  readonly groupId: string;
  readonly members: readonly MemberIdentity[];
}

export interface LeaveGroupResponse {
  readonly type: 'LeaveGroupResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly members: readonly { readonly memberId: string; readonly groupInstanceId: string | null; readonly errorCode: number }[];
}

export interface OffsetCommitPartition {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to consume. */
  readonly committedOffset: number;
  readonly committedLeaderEpoch: number;
  readonly committedMetadata: string | null;
}

export interface OffsetCommitRequest {
  readonly type: 'OffsetCommit';
  readonly correlationId: number;
  readonly groupId: string;
  /** The classic generation, or the KIP-848 member epoch; -1 for a commit outside a generation. */
  readonly generationIdOrMemberEpoch: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly partitions: readonly OffsetCommitPartition[];
}

export interface OffsetCommitResponse {
  readonly type: 'OffsetCommitResponse';
  readonly correlationId: number;
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly errorCode: number }[];
}

export interface OffsetFetchRequest {
  readonly type: 'OffsetFetch';
  readonly correlationId: number;
  readonly groupId: string;
  /** v9+ (KIP-848 members): the member's id and epoch; null / -1 otherwise. */
  readonly memberId: string | null;
  readonly memberEpoch: number;
  /** null: every committed partition of the group. */
  readonly partitions: readonly { readonly topic: string; readonly partition: number }[] | null;
  readonly requireStable: boolean;
}

export interface OffsetFetchResponse {
  readonly type: 'OffsetFetchResponse';
  readonly correlationId: number;
  /** Group-level error (coordinator errors, and member validation for KIP-848 members). */
  readonly errorCode: number;
  /** committedOffset -1 (leader epoch -1, metadata '') for a partition with nothing committed. */
  readonly partitions: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly committedOffset: number;
    readonly committedLeaderEpoch: number;
    readonly metadata: string;
    readonly errorCode: number;
  }[];
}

export interface TopicIdPartitions {
  readonly topicId: string;
  readonly partitions: readonly number[];
}

/** KIP-848: the consumer's one request to the group coordinator. */
export interface ConsumerGroupHeartbeatRequest {
  readonly type: 'ConsumerGroupHeartbeat';
  readonly correlationId: number;
  readonly groupId: string;
  /** '' when joining (the coordinator generates one in this protocol version). */
  readonly memberId: string;
  /** 0 to join, -1 to leave, -2 for a static member's temporary leave. */
  readonly memberEpoch: number;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  /** -1 if unchanged. */
  readonly rebalanceTimeoutMs: number;
  /** null if unchanged. */
  readonly subscribedTopicNames: readonly string[] | null;
  /** null if unchanged (or to use the group's default). */
  readonly serverAssignor: string | null;
  /** The partitions the member owns; null if unchanged. */
  readonly topicPartitions: readonly TopicIdPartitions[] | null;
}

export interface ConsumerGroupHeartbeatResponse {
  readonly type: 'ConsumerGroupHeartbeatResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly memberId: string | null;
  readonly memberEpoch: number;
  readonly heartbeatIntervalMs: number;
  /** null if unchanged. */
  readonly assignment: { readonly topicPartitions: readonly TopicIdPartitions[] } | null;
}

export type GroupRequest =
  | FindCoordinatorRequest | JoinGroupRequest | SyncGroupRequest | HeartbeatRequest | LeaveGroupRequest
  | OffsetCommitRequest | OffsetFetchRequest | ConsumerGroupHeartbeatRequest;

export type GroupResponse =
  | FindCoordinatorResponse | JoinGroupResponse | SyncGroupResponse | HeartbeatResponse | LeaveGroupResponse
  | OffsetCommitResponse | OffsetFetchResponse | ConsumerGroupHeartbeatResponse;

export type GroupMessage = GroupRequest | GroupResponse;

/** Requests a group coordinator answers (all but FindCoordinator, which any broker answers). */
export const coordinatorRequestTypes: ReadonlySet<string> = new Set(['JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetCommit', 'OffsetFetch', 'ConsumerGroupHeartbeat']);
