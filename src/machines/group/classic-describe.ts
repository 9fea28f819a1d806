/**
 * Classic groups described for spec clauses, narrators and tests: the state a reader cares about,
 * without parked requests or timers.
 */
import type { ConsumerProtocolAssignment } from '../../protocol/groups/messages.js';
import type { ClassicGroupState } from './classic-group-state.js';
import { metadata } from './classic-member.js';
import type { ClassicGroup } from './classic-group.js';

export interface ClassicGroupSummary {
  readonly groupId: string;
  readonly state: ClassicGroupState;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leaderId: string | null;
  readonly members: readonly { readonly memberId: string; readonly instanceId: string | null; readonly assignment: ConsumerProtocolAssignment }[];
  readonly staticMembers: Readonly<Record<string, string>>;
}

export function classicGroupSummary(group: ClassicGroup): ClassicGroupSummary {
  return {
    groupId: group.groupId,
    state: group.state,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leaderId: group.leaderId,
    members: group.members.map((member) => ({ memberId: member.memberId, instanceId: member.groupInstanceId, assignment: member.assignment })),
    staticMembers: group.staticMembers,
  };
}

/** Partitions written `topic-partition`, as the spec views write them. */
export function assignedPartitionNames(assignment: ConsumerProtocolAssignment): string[] {
  return assignment.assignedPartitions.flatMap(({ topic, partitions }) => partitions.map((partition) => `${topic}-${partition}`));
}

/**
 * The group as spec/groups/view.ts's ClassicGroupView sees it: each member's subscribed topics are
 * those of its metadata for the selected protocol (none while no protocol is selected).
 */
export function classicGroupView(group: ClassicGroup): {
  groupId: string; state: ClassicGroupState; protocolType: string | null; generationId: number; leaderId: string | null;
  members: { memberId: string; instanceId: string | null; subscribedTopics: readonly string[]; assignment: string[] }[];
  staticMembers: Readonly<Record<string, string>>;
} {
  return {
    groupId: group.groupId,
    state: group.state,
    protocolType: group.protocolType,
    generationId: group.generationId,
    leaderId: group.leaderId,
    members: group.members.map((member) => ({
      memberId: member.memberId,
      instanceId: member.groupInstanceId,
      subscribedTopics: group.protocolName !== null && member.supportedProtocols.some((protocol) => protocol.name === group.protocolName) ? metadata(member, group.protocolName).topics : [],
      assignment: assignedPartitionNames(member.assignment),
    })),
    staticMembers: group.staticMembers,
  };
}
