/**
 * Rebuilding the classic groups from __consumer_offsets (GroupMetadataManager.replay for
 * GroupMetadata records, then onLoaded). Only what the records hold comes back: a group with
 * members is Stable at its written generation with the written assignments; the join phase or sync
 * phase a failed coordinator was in is gone, and the members' deadlines start over.
 */
import type { GroupMetadataRecord } from '../../protocol/groups/records.js';
import { ClassicEffects } from './classic-effects.js';
import { addMember, newClassicGroup, type ClassicGroup } from './classic-group.js';
import { withGroup, type ClassicGroupsState } from './classic-groups.js';
import type { ClassicGroupMember } from './classic-member.js';
import { prepareRebalance } from './classic-rebalance.js';
import type { ShardEnv, ShardOutcome } from './shard.js';

type GroupMetadataValue = NonNullable<GroupMetadataRecord['value']>;

/** replay(GroupMetadataKey, GroupMetadataValue): a tombstone removes the group; a value replaces it whole. */
export function replayGroupMetadata(s: ClassicGroupsState, record: GroupMetadataRecord): ClassicGroupsState {
  if (record.value === null) {
    const groups = { ...s.groups };
    delete groups[record.group];
    return { ...s, groups };
  }
  return withGroup(s, loadedGroup(record.group, record.value));
}

function loadedGroup(groupId: string, value: GroupMetadataValue): ClassicGroup {
  const members = value.members.map((member) => loadedMember(value, member));
  const shell: ClassicGroup = {
    ...newClassicGroup(groupId, 0),
    state: members.length === 0 ? 'Empty' : 'Stable',
    currentStateTimestampMs: value.currentStateTimestamp === -1 ? null : value.currentStateTimestamp,
    generationId: value.generation,
    protocolType: value.protocolType === '' ? null : value.protocolType,
    protocolName: value.protocol,
    leaderId: value.leader,
  };
  return members.reduce(addMember, shell);
}

/** A member as written: it supports just the selected protocol, with the metadata it had sent for it. */
function loadedMember(value: GroupMetadataValue, member: GroupMetadataValue['members'][number]): ClassicGroupMember {
  return {
    memberId: member.memberId,
    groupInstanceId: member.groupInstanceId,
    clientId: member.clientId,
    // Records from before rebalance timeouts existed carry -1: the session timeout stands in.
    rebalanceTimeoutMs: member.rebalanceTimeoutMs === -1 ? member.sessionTimeoutMs : member.rebalanceTimeoutMs,
    sessionTimeoutMs: member.sessionTimeoutMs,
    protocolType: value.protocolType,
    supportedProtocols: [{ name: value.protocol ?? '', metadata: member.subscription }],
    assignment: member.assignment,
    awaitingJoin: null,
    awaitingSync: null,
    isNew: false,
  };
}

/**
 * onLoaded: every loaded member gets a session deadline; a group over group.max.size (the limit may
 * have been lowered) rebalances so that the surplus members are left out of the next generation.
 */
export function classicOnLoaded(s: ClassicGroupsState, env: ShardEnv): ShardOutcome<ClassicGroupsState> {
  const effects = new ClassicEffects();
  let next = s;
  for (const group of Object.values(s.groups)) {
    for (const member of group.members) effects.rescheduleHeartbeat(group.groupId, member);
    if (group.members.length > env.config.groupMaxSize) next = withGroup(next, prepareRebalance(group, effects, env));
  }
  return effects.outcome(next);
}
