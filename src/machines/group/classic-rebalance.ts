/**
 * The rebalance of a classic group, shared by every rule that can start or finish one
 * (GroupMetadataManager: prepareRebalance, maybeCompleteJoinPhase, completeClassicGroupJoin,
 * tryCompleteInitialRebalanceElseSchedule, propagateAssignment, removeMemberAndUpdateClassicGroup,
 * expirePendingSync and their helpers). Each takes the group, collects effects, and returns the
 * group as it is afterwards.
 *
 * A write the rules make (the leader's assignment, a replaced static member) is treated as
 * successful at once: the coordinator appends the records and holds every answer until they are
 * committed (shard.ts), so the success path of Kafka's append callback runs here directly.
 */
import { errorCode, type ErrorName } from '../../protocol/errors.js';
import type { ConsumerProtocolAssignment } from '../../protocol/groups/messages.js';
import { heartbeatKey, joinKey, syncKey, type ClassicEffects } from './classic-effects.js';
import {
  canRebalance, currentClassicGroupMembers, hasAllMembersJoined, hasReceivedSyncFromAllMembers, initNextGeneration, isLeader,
  maybeElectNewJoinedLeader, memberOf, rebalanceTimeoutMs, removeMember, transitionTo, withMember, type ClassicGroup,
} from './classic-group.js';
import { emptyAssignment, isStaticMember } from './classic-member.js';
import { groupMetadataRecord } from './classic-records.js';
import type { ShardEnv } from './shard.js';

/** ClassicGroup.completeJoinFuture: answer the member's parked JoinGroup, if it has one. */
export function completeJoinFuture(group: ClassicGroup, effects: ClassicEffects, memberId: string, answer: Parameters<ClassicEffects['answerJoin']>[1]): ClassicGroup {
  const member = memberOf(group, memberId);
  if (member?.awaitingJoin == null) return group;
  effects.answerJoin(member.awaitingJoin, answer);
  return withMember(group, { ...member, awaitingJoin: null });
}

/** ClassicGroup.completeSyncFuture: answer the member's parked SyncGroup, if it has one. */
function completeSyncFuture(group: ClassicGroup, effects: ClassicEffects, memberId: string, answer: Parameters<ClassicEffects['answerSync']>[1]): { readonly group: ClassicGroup; readonly completed: boolean } {
  const member = memberOf(group, memberId);
  if (member?.awaitingSync == null) return { group, completed: false };
  effects.answerSync(member.awaitingSync, answer);
  return { group: withMember(group, { ...member, awaitingSync: null }), completed: true };
}

/**
 * prepareRebalance: members parked in SyncGroup are sent back to re-join, the pending-sync timer
 * goes, and the join phase starts. From Empty it is the initial rebalance: wait
 * group.initial.rebalance.delay.ms so that more members can join before the first generation.
 */
export function prepareRebalance(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv): ClassicGroup {
  let next = group;
  if (next.state === 'CompletingRebalance') next = resetAndPropagateAssignmentWithError(next, effects, 'REBALANCE_IN_PROGRESS');
  next = removeSyncExpiration(next, effects);
  const isInitialRebalance = next.state === 'Empty';
  if (isInitialRebalance) {
    const delayMs = env.config.groupInitialRebalanceDelayMs;
    const remainingMs = Math.max(rebalanceTimeoutMs(next) - delayMs, 0);
    effects.schedule(joinKey(next.groupId), delayMs, { kind: 'classic.join', groupId: next.groupId });
    next = { ...next, initialRebalanceDelay: { delayMs, remainingMs } };
  }
  next = transitionTo(next, 'PreparingRebalance', env.nowMs);
  return isInitialRebalance ? next : maybeCompleteJoinElseSchedule(next, effects, env);
}

/** maybeCompleteJoinElseSchedule: complete now if everyone has joined, else wait the group's rebalance timeout. */
function maybeCompleteJoinElseSchedule(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv): ClassicGroup {
  if (hasAllMembersJoined(group)) return completeClassicGroupJoin(group, effects, env);
  effects.schedule(joinKey(group.groupId), rebalanceTimeoutMs(group), { kind: 'classic.join', groupId: group.groupId });
  return { ...group, initialRebalanceDelay: null };
}

/** maybePrepareRebalanceOrCompleteJoin: start a rebalance if the state allows one, else try to finish the one under way. */
export function maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv): ClassicGroup {
  return canRebalance(group) ? prepareRebalance(group, effects, env) : maybeCompleteJoinPhase(group, effects, env);
}

/**
 * maybeCompleteJoinPhase: finish the join phase once everyone has joined — but never during the
 * initial rebalance, whose delay exists precisely to wait for members that have not joined yet.
 */
export function maybeCompleteJoinPhase(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv): ClassicGroup {
  if (group.state !== 'PreparingRebalance') return group;
  if (group.previousState === 'Empty') return group;
  if (!hasAllMembersJoined(group)) return group;
  return completeClassicGroupJoin(group, effects, env);
}

/**
 * tryCompleteInitialRebalanceElseSchedule: when the initial delay ends, wait one more delay if a
 * member joined meanwhile and time is left within the rebalance timeout; otherwise complete.
 * (Kafka subtracts the previous delay from the remaining time, not the new one; so does this.)
 */
export function tryCompleteInitialRebalanceElseSchedule(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv): ClassicGroup {
  const pending = group.initialRebalanceDelay;
  if (pending === null || !group.newMemberAdded || pending.remainingMs === 0) return completeClassicGroupJoin(group, effects, env);
  const delayMs = Math.min(env.config.groupInitialRebalanceDelayMs, pending.remainingMs);
  const remainingMs = Math.max(pending.remainingMs - pending.delayMs, 0);
  effects.schedule(joinKey(group.groupId), delayMs, { kind: 'classic.join', groupId: group.groupId });
  return { ...group, newMemberAdded: false, initialRebalanceDelay: { delayMs, remainingMs } };
}

/**
 * completeClassicGroupJoin: dynamic members that did not re-join are dropped (static ones stay:
 * KIP-345). If nobody re-joined, wait another rebalance timeout for the session timeouts to clear
 * the group. Otherwise the next generation starts: Empty (written to the log) or
 * CompletingRebalance, with every parked JoinGroup answered — the leader with the members — and
 * every member expected to send SyncGroup within the rebalance timeout.
 */
export function completeClassicGroupJoin(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv): ClassicGroup {
  effects.cancel(joinKey(group.groupId));
  let next: ClassicGroup = { ...group, initialRebalanceDelay: null };
  for (const failed of next.members.filter((member) => member.awaitingJoin === null && !isStaticMember(member))) {
    next = removeMember(next, failed.memberId);
    effects.cancel(heartbeatKey(next.groupId, failed.memberId));
  }
  if (next.state === 'Dead') return next;
  const election = maybeElectNewJoinedLeader(next);
  next = election.group;
  if (!election.elected && next.members.length > 0) {
    effects.schedule(joinKey(next.groupId), rebalanceTimeoutMs(next), { kind: 'classic.join', groupId: next.groupId });
    return next;
  }
  // Variant no-generation-bump: the completed join phase keeps the old generation.
  next = initNextGeneration(next, env.nowMs, env.config.deviations?.noGenerationBumpOnJoin === true ? 0 : 1);
  if (next.state === 'Empty') {
    effects.record(groupMetadataRecord(next, new Map()));
    return next;
  }
  return answerJoinPhase(next, effects);
}

/** The CompletingRebalance half of completeClassicGroupJoin: answer, re-arm deadlines, expect SyncGroup from all. */
function answerJoinPhase(group: ClassicGroup, effects: ClassicEffects): ClassicGroup {
  let next = group;
  const leaderMembers = currentClassicGroupMembers(group);
  for (const member of group.members) {
    next = completeJoinFuture(next, effects, member.memberId, {
      memberId: member.memberId,
      generationId: group.generationId,
      protocolName: group.protocolName,
      protocolType: group.protocolType,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      members: isLeader(group, member.memberId) ? leaderMembers : [],
      errorCode: 0,
    });
    effects.rescheduleHeartbeat(group.groupId, member);
    next = withMember(next, { ...memberOf(next, member.memberId)!, isNew: false });
  }
  next = { ...next, pendingSyncMembers: group.members.map((member) => member.memberId) };
  return schedulePendingSync(next, effects);
}

/** schedulePendingSync: members of this generation that do not send SyncGroup within the rebalance timeout are removed. */
function schedulePendingSync(group: ClassicGroup, effects: ClassicEffects): ClassicGroup {
  effects.schedule(syncKey(group.groupId), rebalanceTimeoutMs(group), { kind: 'classic.sync', groupId: group.groupId, generationId: group.generationId });
  return group;
}

/** removeSyncExpiration: a new rebalance makes the pending-sync deadline moot. */
function removeSyncExpiration(group: ClassicGroup, effects: ClassicEffects): ClassicGroup {
  effects.cancel(syncKey(group.groupId));
  return { ...group, pendingSyncMembers: [] };
}

/** removePendingSyncMember: the member synced; the deadline goes once nobody is missing (or no sync phase is on). */
export function removePendingSyncMember(group: ClassicGroup, effects: ClassicEffects, memberId: string): ClassicGroup {
  const next = { ...group, pendingSyncMembers: group.pendingSyncMembers.filter((id) => id !== memberId) };
  const syncPhase = next.state === 'CompletingRebalance' || next.state === 'Stable';
  if (!syncPhase || hasReceivedSyncFromAllMembers(next)) effects.cancel(syncKey(next.groupId));
  return next;
}

/** resetAndPropagateAssignmentWithError: the assignment is dropped and every parked SyncGroup gets the error. */
export function resetAndPropagateAssignmentWithError(group: ClassicGroup, effects: ClassicEffects, error: ErrorName): ClassicGroup {
  if (group.state !== 'CompletingRebalance') throw new Error(`Group ${group.groupId} must be in CompletingRebalance to reset its assignment; it is in ${group.state}`);
  const cleared = { ...group, members: group.members.map((member) => ({ ...member, assignment: emptyAssignment })) };
  return propagateAssignment(cleared, effects, error);
}

/** setAndPropagateAssignment: every member gets its part of the leader's assignment (empty if the leader left it out). */
export function setAndPropagateAssignment(group: ClassicGroup, effects: ClassicEffects, assignment: ReadonlyMap<string, ConsumerProtocolAssignment>): ClassicGroup {
  if (group.state !== 'CompletingRebalance') throw new Error(`Group ${group.groupId} must be in CompletingRebalance to set its assignment; it is in ${group.state}`);
  const assigned = { ...group, members: group.members.map((member) => ({ ...member, assignment: assignment.get(member.memberId) ?? emptyAssignment })) };
  return propagateAssignment(assigned, effects, 'NONE');
}

/**
 * propagateAssignment: answer every parked SyncGroup; an answered member's deadline restarts, as
 * any expiry while it was parked was ignored (hasSatisfiedHeartbeat) and left no timer behind.
 */
function propagateAssignment(group: ClassicGroup, effects: ClassicEffects, error: ErrorName): ClassicGroup {
  let next = group;
  for (const member of group.members) {
    const completion = completeSyncFuture(next, effects, member.memberId, {
      errorCode: errorCode(error),
      protocolName: error === 'NONE' ? group.protocolName : null,
      protocolType: error === 'NONE' ? group.protocolType : null,
      assignment: member.assignment,
    });
    next = completion.group;
    if (completion.completed) effects.rescheduleHeartbeat(group.groupId, member);
  }
  return next;
}

/**
 * removeMemberAndUpdateClassicGroup: a parked JoinGroup is answered UNKNOWN_MEMBER_ID first (the
 * client re-joins if it is still alive), then the member goes and the group rebalances, or
 * finishes a join phase that was waiting only for it.
 */
export function removeMemberAndUpdateClassicGroup(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv, memberId: string): ClassicGroup {
  let next = completeJoinFuture(group, effects, memberId, { memberId: '', errorCode: errorCode('UNKNOWN_MEMBER_ID') });
  next = removeMember(next, memberId);
  if (next.state === 'Stable' || next.state === 'CompletingRebalance') return maybePrepareRebalanceOrCompleteJoin(next, effects, env);
  if (next.state === 'PreparingRebalance' && hasAllMembersJoined(next)) return completeClassicGroupJoin(next, effects, env);
  return next;
}

/** removePendingMemberAndUpdateClassicGroup: a handed-out id that never came back no longer holds up the join phase. */
export function removePendingMemberAndUpdateClassicGroup(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv, memberId: string): ClassicGroup {
  const next = removeMember(group, memberId);
  if (next.state === 'PreparingRebalance' && hasAllMembersJoined(next)) return completeClassicGroupJoin(next, effects, env);
  return next;
}

/**
 * expirePendingSync: members of this generation that never sent SyncGroup are removed and the
 * group rebalances. A deadline of another generation, or one that fires outside the sync phase,
 * is stale and does nothing.
 */
export function expirePendingSync(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv, generationId: number): ClassicGroup {
  if (generationId !== group.generationId) return group;
  if (group.state !== 'CompletingRebalance' && group.state !== 'Stable') return group;
  if (hasReceivedSyncFromAllMembers(group)) return group;
  let next = group;
  for (const memberId of group.pendingSyncMembers) {
    next = removeMember(next, memberId);
    effects.cancel(heartbeatKey(group.groupId, memberId));
  }
  return prepareRebalance(next, effects, env);
}
