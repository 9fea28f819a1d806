/**
 * Replaying the ConsumerGroup* records (GroupMetadataManager.replay for each record type): the one
 * way a KIP-848 group's hard state changes. The heartbeat and timer rules only write records; the
 * new state is these records applied in order, exactly as a coordinator that loads the partition
 * after a failover rebuilds it.
 *
 * ConsumerGroup.updateMember keeps two indexes in step with the members: `currentPartitionEpoch`
 * (who holds each partition, at which epoch) and `staticMembers`. Adding a partition someone
 * already holds is an IllegalStateException in Kafka and an Error here: the single-owner rule
 * (CGH-OWN-1) is enforced by the replay itself.
 */
import { assignmentFromTopicPartitions, partitionsOf, type Assignment } from './consumer-group-assignment.js';
import { LEAVE_GROUP_MEMBER_EPOCH, newConsumerGroupMember, type ConsumerGroupMember } from './consumer-group-member.js';
import type { ConsumerGroup, ConsumerGroupsState } from './consumer-group.js';
import type {
  ConsumerGroupCurrentMemberAssignmentRecord, ConsumerGroupMemberMetadataRecord, ConsumerGroupMetadataRecord,
  ConsumerGroupTargetAssignmentMemberRecord, ConsumerGroupTargetAssignmentMetadataRecord, GroupRecord,
} from '../../protocol/groups/records.js';

/** new ConsumerGroup(groupId): epochs 0, no members. */
export function emptyConsumerGroup(groupId: string): ConsumerGroup {
  return { groupId, groupEpoch: 0, assignmentEpoch: 0, members: {}, targetAssignment: {}, currentPartitionEpoch: {}, subscriptionMetadata: {}, staticMembers: {} };
}

type PartitionEpochs = Record<string, Record<number, number>>;

function copyPartitionEpochs(group: ConsumerGroup): PartitionEpochs {
  const out: PartitionEpochs = {};
  for (const [topicId, partitions] of Object.entries(group.currentPartitionEpoch)) out[topicId] = { ...partitions };
  return out;
}

/** ConsumerGroup.removePartitionEpochs: each partition must be held at exactly this epoch. */
function removePartitionEpochs(epochs: PartitionEpochs, assignment: Assignment, expectedEpoch: number, groupId: string): void {
  for (const { topicId, partition } of partitionsOf(assignment)) {
    const held = epochs[topicId]?.[partition];
    if (held !== expectedEpoch) throw new Error(`group ${groupId}: cannot remove the epoch ${expectedEpoch} from ${topicId}-${partition}: it is held at epoch ${held ?? 'none'}`);
    const partitions = epochs[topicId] ?? {};
    delete partitions[partition];
    if (Object.keys(partitions).length === 0) delete epochs[topicId];
  }
}

/** ConsumerGroup.addPartitionEpochs: a partition that still has an owner cannot get another. */
function addPartitionEpochs(epochs: PartitionEpochs, assignment: Assignment, epoch: number, groupId: string): void {
  for (const { topicId, partition } of partitionsOf(assignment)) {
    const partitions = (epochs[topicId] ??= {});
    const held = partitions[partition];
    if (held !== undefined) throw new Error(`group ${groupId}: cannot set the epoch of ${topicId}-${partition} to ${epoch}: it is still owned at epoch ${held}`);
    partitions[partition] = epoch;
  }
}

function releasePartitions(epochs: PartitionEpochs, member: ConsumerGroupMember, groupId: string): void {
  removePartitionEpochs(epochs, member.assignedPartitions, member.memberEpoch, groupId);
  removePartitionEpochs(epochs, member.partitionsPendingRevocation, member.memberEpoch, groupId);
}

/** ConsumerGroup.updateMember */
export function updateMember(group: ConsumerGroup, member: ConsumerGroupMember): ConsumerGroup {
  const epochs = copyPartitionEpochs(group);
  const old = group.members[member.memberId];
  if (old !== undefined) releasePartitions(epochs, old, group.groupId);
  addPartitionEpochs(epochs, member.assignedPartitions, member.memberEpoch, group.groupId);
  addPartitionEpochs(epochs, member.partitionsPendingRevocation, member.memberEpoch, group.groupId);
  const staticMembers = member.instanceId === null ? group.staticMembers : { ...group.staticMembers, [member.instanceId]: member.memberId };
  return { ...group, members: { ...group.members, [member.memberId]: member }, currentPartitionEpoch: epochs, staticMembers };
}

/** ConsumerGroup.removeMember */
export function removeMember(group: ConsumerGroup, memberId: string): ConsumerGroup {
  const old = group.members[memberId];
  if (old === undefined) return group;
  const epochs = copyPartitionEpochs(group);
  releasePartitions(epochs, old, group.groupId);
  const members = { ...group.members };
  delete members[memberId];
  const staticMembers = { ...group.staticMembers };
  if (old.instanceId !== null) delete staticMembers[old.instanceId];
  return { ...group, members, currentPartitionEpoch: epochs, staticMembers };
}

function withGroup(state: ConsumerGroupsState, group: ConsumerGroup): ConsumerGroupsState {
  return { ...state, groups: { ...state.groups, [group.groupId]: group } };
}

function replayGroupEpoch(state: ConsumerGroupsState, record: ConsumerGroupMetadataRecord): ConsumerGroupsState {
  const group = state.groups[record.group];
  if (record.value !== null) return withGroup(state, { ...(group ?? emptyConsumerGroup(record.group)), groupEpoch: record.value.epoch });
  if (group === undefined) return state;
  if (Object.keys(group.members).length > 0 || Object.keys(group.targetAssignment).length > 0 || group.assignmentEpoch !== -1) {
    throw new Error(`group ${record.group}: a tombstone for a group that still has members, a target assignment or an assignment epoch`);
  }
  const groups = { ...state.groups };
  delete groups[record.group];
  return { ...state, groups };
}

function replayMemberMetadata(state: ConsumerGroupsState, record: ConsumerGroupMemberMetadataRecord): ConsumerGroupsState {
  const group = state.groups[record.group];
  if (record.value === null) {
    const member = group?.members[record.memberId];
    if (group === undefined || member === undefined) return state;
    if (member.memberEpoch !== LEAVE_GROUP_MEMBER_EPOCH) throw new Error(`group ${record.group}: member ${record.memberId} deleted before its current assignment tombstone`);
    if (group.targetAssignment[record.memberId] !== undefined) throw new Error(`group ${record.group}: member ${record.memberId} deleted before its target assignment tombstone`);
    return withGroup(state, removeMember(group, record.memberId));
  }
  const existing = group ?? emptyConsumerGroup(record.group);
  const old = existing.members[record.memberId] ?? newConsumerGroupMember(record.memberId);
  const value = record.value;
  const member: ConsumerGroupMember = {
    ...old,
    instanceId: value.instanceId,
    rackId: value.rackId,
    clientId: value.clientId,
    rebalanceTimeoutMs: value.rebalanceTimeoutMs,
    subscribedTopicNames: [...value.subscribedTopicNames].sort(),
    serverAssignor: value.serverAssignor,
  };
  return withGroup(state, updateMember(existing, member));
}

function replayTargetMember(state: ConsumerGroupsState, record: ConsumerGroupTargetAssignmentMemberRecord): ConsumerGroupsState {
  const group = state.groups[record.group];
  if (record.value === null) {
    if (group === undefined) return state;
    const targetAssignment = { ...group.targetAssignment };
    delete targetAssignment[record.memberId];
    return withGroup(state, { ...group, targetAssignment });
  }
  const existing = group ?? emptyConsumerGroup(record.group);
  const target = assignmentFromTopicPartitions(record.value.topicPartitions);
  return withGroup(state, { ...existing, targetAssignment: { ...existing.targetAssignment, [record.memberId]: target } });
}

function replayTargetEpoch(state: ConsumerGroupsState, record: ConsumerGroupTargetAssignmentMetadataRecord): ConsumerGroupsState {
  const group = state.groups[record.group];
  if (record.value !== null) return withGroup(state, { ...(group ?? emptyConsumerGroup(record.group)), assignmentEpoch: record.value.assignmentEpoch });
  if (group === undefined) return state;
  if (Object.keys(group.targetAssignment).length > 0) throw new Error(`group ${record.group}: target assignment epoch deleted while members still have targets`);
  return withGroup(state, { ...group, assignmentEpoch: -1 });
}

function replayCurrentAssignment(state: ConsumerGroupsState, record: ConsumerGroupCurrentMemberAssignmentRecord): ConsumerGroupsState {
  const group = state.groups[record.group];
  if (record.value === null) {
    const member = group?.members[record.memberId];
    if (group === undefined || member === undefined) return state;
    // The member stays until its metadata tombstone, holding nothing, at the leave epoch.
    return withGroup(state, updateMember(group, {
      ...member, memberEpoch: LEAVE_GROUP_MEMBER_EPOCH, previousMemberEpoch: LEAVE_GROUP_MEMBER_EPOCH, assignedPartitions: {}, partitionsPendingRevocation: {},
    }));
  }
  const existing = group ?? emptyConsumerGroup(record.group);
  const old = existing.members[record.memberId] ?? newConsumerGroupMember(record.memberId);
  const value = record.value;
  return withGroup(state, updateMember(existing, {
    ...old,
    memberEpoch: value.memberEpoch,
    previousMemberEpoch: value.previousMemberEpoch,
    state: value.state,
    assignedPartitions: assignmentFromTopicPartitions(value.assignedPartitions),
    partitionsPendingRevocation: assignmentFromTopicPartitions(value.partitionsPendingRevocation),
  }));
}

/** Apply one record (records of classic groups and offsets are not this module's and pass through). */
export function replayConsumerGroupRecord(state: ConsumerGroupsState, record: GroupRecord): ConsumerGroupsState {
  switch (record.type) {
    case 'ConsumerGroupMetadata': return replayGroupEpoch(state, record);
    case 'ConsumerGroupMemberMetadata': return replayMemberMetadata(state, record);
    case 'ConsumerGroupTargetAssignmentMember': return replayTargetMember(state, record);
    case 'ConsumerGroupTargetAssignmentMetadata': return replayTargetEpoch(state, record);
    case 'ConsumerGroupCurrentMemberAssignment': return replayCurrentAssignment(state, record);
    default: return state;
  }
}
