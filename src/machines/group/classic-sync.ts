/**
 * SyncGroup for a classic group (protocol-rules B.5; GroupMetadataManager.classicGroupSync,
 * classicGroupSyncToClassicGroup, validateSyncGroup). The leader's SyncGroup carries the
 * assignment: it is written to the log and every parked SyncGroup is answered with its part.
 */
import { errorCode, type ErrorName } from '../../protocol/errors.js';
import type { ConsumerProtocolAssignment, SyncGroupRequest } from '../../protocol/groups/messages.js';
import { ClassicEffects } from './classic-effects.js';
import { isLeader, memberOf, transitionTo, validateMember, withMember, type ClassicGroup } from './classic-group.js';
import { withGroup, type ClassicGroupsState } from './classic-groups.js';
import { emptyAssignment, type ParkedRequest } from './classic-member.js';
import { removePendingSyncMember, setAndPropagateAssignment } from './classic-rebalance.js';
import { groupMetadataRecord } from './classic-records.js';
import type { From, ShardEnv, ShardOutcome } from './shard.js';

type Sync = From<SyncGroupRequest>;

const parkedOf = (request: Sync): ParkedRequest => ({ from: request.from, correlationId: request.correlationId });

/** isProtocolInconsistent: only a value the request does give must match. */
function isProtocolInconsistent(requested: string | null, current: string | null): boolean {
  return requested !== null && current !== null && requested !== current;
}

/** validateSyncGroup: Dead, then the member, then its generation, then the protocol it thinks was chosen. */
function validateSyncGroup(group: ClassicGroup, request: Sync): ErrorName {
  if (group.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE';
  const validation = validateMember(group, request.memberId, request.groupInstanceId);
  if (validation !== 'NONE') return validation;
  if (request.generationId !== group.generationId) return 'ILLEGAL_GENERATION';
  if (isProtocolInconsistent(request.protocolType, group.protocolType) || isProtocolInconsistent(request.protocolName, group.protocolName)) return 'INCONSISTENT_GROUP_PROTOCOL';
  return 'NONE';
}

export function classicSyncGroup(s: ClassicGroupsState, request: Sync, env: ShardEnv): ShardOutcome<ClassicGroupsState> {
  const effects = new ClassicEffects();
  const refuse = (error: ErrorName): ShardOutcome<ClassicGroupsState> => {
    effects.answerSync(parkedOf(request), { errorCode: errorCode(error) });
    return effects.outcome(s);
  };
  if (request.groupId === '') return refuse('INVALID_GROUP_ID');
  const group = s.groups[request.groupId];
  if (group === undefined || group.state === 'Empty') return refuse('UNKNOWN_MEMBER_ID');
  const validation = validateSyncGroup(group, request);
  if (validation !== 'NONE') return refuse(validation);
  switch (group.state) {
    case 'PreparingRebalance':
      return refuse('REBALANCE_IN_PROGRESS');
    case 'CompletingRebalance':
      return effects.outcome(withGroup(s, syncInCompletingRebalance(group, request, env, effects)));
    case 'Stable':
      return effects.outcome(withGroup(s, syncInStable(group, request, effects)));
    case 'Dead':
      throw new Error(`Reached unexpected condition for Dead group ${group.groupId}`);
  }
}

/**
 * A follower is parked until the leader's assignment arrives. The leader's is completed with empty
 * assignments for members it left out, written, and (the write being answered only once it is
 * committed) handed to everyone parked; the group is Stable.
 */
function syncInCompletingRebalance(group: ClassicGroup, request: Sync, env: ShardEnv, effects: ClassicEffects): ClassicGroup {
  const member = memberOf(group, request.memberId)!;
  let next = withMember(group, { ...member, awaitingSync: parkedOf(request) });
  next = removePendingSyncMember(next, effects, request.memberId);
  if (!isLeader(next, request.memberId)) return next;
  const assignment = new Map<string, ConsumerProtocolAssignment>(request.assignments.map((entry) => [entry.memberId, entry.assignment]));
  for (const each of next.members) if (!assignment.has(each.memberId)) assignment.set(each.memberId, emptyAssignment);
  effects.record(groupMetadataRecord(next, assignment));
  next = setAndPropagateAssignment(next, effects, assignment);
  return transitionTo(next, 'Stable', env.nowMs);
}

/** Stable: the member gets the assignment already stored. */
function syncInStable(group: ClassicGroup, request: Sync, effects: ClassicEffects): ClassicGroup {
  const next = removePendingSyncMember(group, effects, request.memberId);
  const member = memberOf(next, request.memberId)!;
  effects.answerSync(parkedOf(request), { errorCode: 0, protocolType: next.protocolType, protocolName: next.protocolName, assignment: member.assignment });
  return next;
}
