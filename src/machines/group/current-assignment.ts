/**
 * The reconciliation engine of KIP-848 (CurrentAssignmentBuilder.build, protocol-rules C.3): given
 * a member, the target assignment of the group's assignment epoch, who owns what now
 * (`currentPartitionEpoch`) and what the member says it owns, move the member one step towards
 * its target.
 *
 * The rule that keeps a partition from having two owners lives here: a member first gives up the
 * partitions it must revoke (UNREVOKED_PARTITIONS, at its old epoch), and only partitions no
 * other member still holds are added to it; the rest wait (UNRELEASED_PARTITIONS).
 */
import type { TopicIdPartitions } from '../../protocol/groups/messages.js';
import {
  assignmentIntersect, assignmentMinus, assignmentUnion, isEmptyAssignment, partitionsOf, assignmentOf,
  type Assignment,
} from './consumer-group-assignment.js';
import { refuse } from './consumer-group-error.js';
import { withMemberEpoch, type ConsumerGroupMember } from './consumer-group-member.js';

/** The epoch of a partition's current owner, or -1 when nobody holds it (ConsumerGroup.currentPartitionEpoch). */
export type CurrentPartitionEpoch = (topicId: string, partition: number) => number;

export interface ReconciliationInput {
  readonly targetAssignmentEpoch: number;
  readonly targetAssignment: Assignment;
  readonly currentPartitionEpoch: CurrentPartitionEpoch;
  /** From the heartbeat; null when the member did not send them. */
  readonly ownedTopicPartitions: readonly TopicIdPartitions[] | null;
}

/** CurrentAssignmentBuilder.build: the member's next state, or the member itself when it cannot move. */
export function buildCurrentAssignment(member: ConsumerGroupMember, input: ReconciliationInput): ConsumerGroupMember {
  switch (member.state) {
    case 'STABLE':
      // A newer target assignment exists: move towards it.
      return member.memberEpoch !== input.targetAssignmentEpoch
        ? computeNextAssignment(member, member.memberEpoch, member.assignedPartitions, input)
        : member;
    case 'UNREVOKED_PARTITIONS':
      // Wait until the member stops reporting the partitions it must give up; then it may go to
      // the next epoch.
      if (ownsRevokedPartitions(input.ownedTopicPartitions, member.partitionsPendingRevocation)) return member;
      return computeNextAssignment(member, member.memberEpoch + 1, member.assignedPartitions, input);
    case 'UNRELEASED_PARTITIONS':
      // Pick up the partitions their previous owners have released since.
      return computeNextAssignment(member, member.memberEpoch, member.assignedPartitions, input);
    case 'UNKNOWN':
      // Only after a coordinator downgrade; the safe way out is a rejoin from scratch, which the
      // member proves by owning nothing.
      if (input.ownedTopicPartitions === null || input.ownedTopicPartitions.length > 0) {
        refuse('FENCED_MEMBER_EPOCH', 'The consumer group member is in a unknown state. The member must abandon all its partitions and rejoin.');
      }
      return computeNextAssignment(member, input.targetAssignmentEpoch, member.assignedPartitions, input);
  }
}

/**
 * CurrentAssignmentBuilder.ownsRevokedPartitions: does the member still report any partition it
 * must revoke? Not reporting at all (null) counts as still owning them.
 */
function ownsRevokedPartitions(owned: readonly TopicIdPartitions[] | null, pendingRevocation: Assignment): boolean {
  if (owned === null) return true;
  return owned.some((t) => t.partitions.some((p) => (pendingRevocation[t.topicId] ?? []).includes(p)));
}

/** CurrentAssignmentBuilder.computeNextAssignment */
function computeNextAssignment(
  member: ConsumerGroupMember,
  memberEpoch: number,
  memberAssignedPartitions: Assignment,
  input: ReconciliationInput,
): ConsumerGroupMember {
  const target = input.targetAssignment;
  const assigned = assignmentIntersect(memberAssignedPartitions, target);
  const pendingRevocation = assignmentMinus(memberAssignedPartitions, assigned);
  const wanted = assignmentMinus(target, assigned);
  // A wanted partition some member (this one included, while it still revokes it) holds is unreleased.
  const unreleased = partitionsOf(wanted).filter((p) => input.currentPartitionEpoch(p.topicId, p.partition) !== -1);
  const pendingAssignment = assignmentMinus(wanted, assignmentOf(unreleased.map((p) => [p.topicId, [p.partition]] as const)));
  const hasUnreleasedPartitions = unreleased.length > 0;

  if (!isEmptyAssignment(pendingRevocation) && ownsRevokedPartitions(input.ownedTopicPartitions, pendingRevocation)) {
    // Give up first: stay at this epoch until the member acknowledges the revocation.
    return {
      ...withMemberEpoch(member, memberEpoch),
      state: 'UNREVOKED_PARTITIONS',
      assignedPartitions: assigned,
      partitionsPendingRevocation: pendingRevocation,
    };
  }
  if (!isEmptyAssignment(pendingAssignment)) {
    // Free partitions go straight into the assignment; the member reaches the target epoch.
    return {
      ...withMemberEpoch(member, input.targetAssignmentEpoch),
      state: hasUnreleasedPartitions ? 'UNRELEASED_PARTITIONS' : 'STABLE',
      assignedPartitions: assignmentUnion(assigned, pendingAssignment),
      partitionsPendingRevocation: {},
    };
  }
  return {
    ...withMemberEpoch(member, input.targetAssignmentEpoch),
    state: hasUnreleasedPartitions ? 'UNRELEASED_PARTITIONS' : 'STABLE',
    assignedPartitions: assigned,
    partitionsPendingRevocation: {},
  };
}
