/**
 * A member of a KIP-848 consumer group as the coordinator keeps it (ConsumerGroupMember): its
 * subscription (ConsumerGroupMemberMetadata record) and its current assignment with the
 * reconciliation state (ConsumerGroupCurrentMemberAssignment record).
 */
import type { Assignment } from './consumer-group-assignment.js';
import { emptyAssignment } from './consumer-group-assignment.js';

/** org.apache.kafka.coordinator.group.modern.MemberState */
export type MemberState = 'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS' | 'UNKNOWN';

/** ConsumerGroupHeartbeatRequest.LEAVE_GROUP_MEMBER_EPOCH */
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
/** ConsumerGroupHeartbeatRequest.LEAVE_GROUP_STATIC_MEMBER_EPOCH: a static member that will come back. */
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

export interface ConsumerGroupMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly clientId: string;
  readonly rebalanceTimeoutMs: number;
  /** Sorted (Kafka keeps a Set; order never matters). */
  readonly subscribedTopicNames: readonly string[];
  readonly serverAssignor: string | null;
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: MemberState;
  readonly assignedPartitions: Assignment;
  readonly partitionsPendingRevocation: Assignment;
}

/** ConsumerGroupMember.Builder(memberId).build(): a member the group has not seen yet. */
export function newConsumerGroupMember(memberId: string): ConsumerGroupMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: '',
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: [],
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: -1,
    state: 'STABLE',
    assignedPartitions: emptyAssignment,
    partitionsPendingRevocation: emptyAssignment,
  };
}

/** ModernGroupMember.isReconciledTo */
export function isReconciledTo(member: ConsumerGroupMember, targetAssignmentEpoch: number): boolean {
  return member.state === 'STABLE' && member.memberEpoch === targetAssignmentEpoch;
}

/** Builder.updateMemberEpoch: the epoch moves on and the one it leaves becomes the previous epoch. */
export function withMemberEpoch(member: ConsumerGroupMember, memberEpoch: number): ConsumerGroupMember {
  return { ...member, previousMemberEpoch: member.memberEpoch, memberEpoch };
}

const sameList = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The fields of the ConsumerGroupMemberMetadata record (a change writes the record). */
export function sameSubscription(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return a.memberId === b.memberId && a.instanceId === b.instanceId && a.rackId === b.rackId && a.clientId === b.clientId
    && a.rebalanceTimeoutMs === b.rebalanceTimeoutMs && a.serverAssignor === b.serverAssignor
    && sameList(a.subscribedTopicNames, b.subscribedTopicNames);
}
