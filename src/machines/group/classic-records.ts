/**
 * The GroupMetadata records a classic group writes (GroupCoordinatorRecordHelpers): the group with
 * its members and their assignments, the empty record of a newly created group, and the tombstone.
 */
import type { ConsumerProtocolAssignment } from '../../protocol/groups/messages.js';
import type { ClassicGroup } from './classic-group.js';
import { metadata } from './classic-member.js';
import type { GroupMetadataRecord } from '../../protocol/groups/records.js';

/**
 * newGroupMetadataRecord: the generation, the selected protocol, the leader, and each member with
 * its metadata for that protocol and the given assignment (every member must have one). A group without a state
 * timestamp writes -1 (currentStateTimestampOrDefault).
 */
export function groupMetadataRecord(group: ClassicGroup, assignment: ReadonlyMap<string, ConsumerProtocolAssignment>): GroupMetadataRecord {
  const members = group.members.map((member) => {
    const memberAssignment = assignment.get(member.memberId);
    if (memberAssignment === undefined) throw new Error(`Attempted to write member ${member.memberId} of group ${group.groupId} with no assignment`);
    return {
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      clientId: member.clientId,
      rebalanceTimeoutMs: member.rebalanceTimeoutMs,
      sessionTimeoutMs: member.sessionTimeoutMs,
      subscription: metadata(member, group.protocolName),
      assignment: memberAssignment,
    };
  });
  return {
    type: 'GroupMetadata',
    group: group.groupId,
    value: {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestamp: group.currentStateTimestampMs ?? -1,
      members,
    },
  };
}

/** newEmptyGroupMetadataRecord: what a JoinGroup that created the group writes, so the group exists in the log. */
export function emptyGroupMetadataRecord(group: ClassicGroup): GroupMetadataRecord {
  return {
    type: 'GroupMetadata',
    group: group.groupId,
    value: { protocolType: '', generation: 0, protocol: null, leader: null, currentStateTimestamp: group.currentStateTimestampMs ?? -1, members: [] },
  };
}

/** ClassicGroup.groupAssignment: every member's current assignment. */
export function groupAssignment(group: ClassicGroup): ReadonlyMap<string, ConsumerProtocolAssignment> {
  return new Map(group.members.map((member) => [member.memberId, member.assignment]));
}
