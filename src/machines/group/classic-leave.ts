/**
 * LeaveGroup for a classic group (protocol-rules B.7; GroupMetadataManager.classicGroupLeave,
 * classicGroupLeaveToClassicGroup, removeCurrentMemberFromClassicGroup), v3+: a batch of member
 * identities, each answered on its own. An identity with no member id but a known instance id is
 * an administrative removal of that static member (KIP-345).
 */
import { errorCode, type ErrorName } from '../../protocol/errors.js';
import type { LeaveGroupRequest, LeaveGroupResponse, MemberIdentity } from '../../protocol/groups/messages.js';
import { ClassicEffects, heartbeatKey } from './classic-effects.js';
import { isPendingMember, removeMember, staticMemberId, validateMember, type ClassicGroup } from './classic-group.js';
import { withGroup, type ClassicGroupsState } from './classic-groups.js';
import { completeJoinFuture, maybeCompleteJoinPhase, maybePrepareRebalanceOrCompleteJoin } from './classic-rebalance.js';
import type { From, ShardEnv, ShardOutcome } from './shard.js';

type Leave = From<LeaveGroupRequest>;
type MemberResponse = LeaveGroupResponse['members'][number];

export function classicLeaveGroup(s: ClassicGroupsState, request: Leave, env: ShardEnv): ShardOutcome<ClassicGroupsState> {
  const effects = new ClassicEffects();
  const answer = (error: ErrorName, members: readonly MemberResponse[]): void => {
    effects.respond(request.from, { type: 'LeaveGroupResponse', correlationId: request.correlationId, errorCode: errorCode(error), members });
  };
  if (request.groupId === '') {
    answer('INVALID_GROUP_ID', []);
    return effects.outcome(s);
  }
  const group = s.groups[request.groupId];
  if (group === undefined || group.state === 'Dead') {
    answer(group === undefined ? 'UNKNOWN_MEMBER_ID' : 'COORDINATOR_NOT_AVAILABLE', []);
    return effects.outcome(s);
  }
  let next = group;
  const responses: MemberResponse[] = [];
  for (const identity of request.members) {
    const left = leaveOne(next, identity, effects);
    next = left.group;
    responses.push({ memberId: identity.memberId, groupInstanceId: identity.groupInstanceId, errorCode: errorCode(left.error) });
  }
  if (responses.some((response) => response.errorCode === 0)) next = rebalanceAfterLeave(next, effects, env);
  answer('NONE', responses);
  return effects.outcome(withGroup(s, next));
}

/** One identity: an admin removal by instance id, a pending id dropped, or a validated member removed. */
function leaveOne(group: ClassicGroup, identity: MemberIdentity, effects: ClassicEffects): { group: ClassicGroup; error: ErrorName } {
  if (identity.memberId === '') {
    const memberId = identity.groupInstanceId === null ? undefined : staticMemberId(group, identity.groupInstanceId);
    if (memberId === undefined) return { group, error: 'UNKNOWN_MEMBER_ID' };
    return { group: removeCurrentMemberFromClassicGroup(group, effects, memberId), error: 'NONE' };
  }
  if (isPendingMember(group, identity.memberId)) {
    effects.cancel(heartbeatKey(group.groupId, identity.memberId));
    return { group: removeMember(group, identity.memberId), error: 'NONE' };
  }
  const validation = validateMember(group, identity.memberId, identity.groupInstanceId);
  if (validation !== 'NONE') return { group, error: validation };
  return { group: removeCurrentMemberFromClassicGroup(group, effects, identity.memberId), error: 'NONE' };
}

/** removeCurrentMemberFromClassicGroup: its deadline goes; a parked JoinGroup is answered UNKNOWN_MEMBER_ID first. */
function removeCurrentMemberFromClassicGroup(group: ClassicGroup, effects: ClassicEffects, memberId: string): ClassicGroup {
  effects.cancel(heartbeatKey(group.groupId, memberId));
  const answered = completeJoinFuture(group, effects, memberId, { memberId: '', errorCode: errorCode('UNKNOWN_MEMBER_ID') });
  return removeMember(answered, memberId);
}

/** After anyone left: a settled group rebalances; a join phase may now have everyone it waits for. */
function rebalanceAfterLeave(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv): ClassicGroup {
  switch (group.state) {
    case 'Stable':
    case 'CompletingRebalance':
      return maybePrepareRebalanceOrCompleteJoin(group, effects, env);
    case 'PreparingRebalance':
      return maybeCompleteJoinPhase(group, effects, env);
    default:
      return group;
  }
}
