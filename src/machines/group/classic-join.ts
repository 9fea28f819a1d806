/**
 * JoinGroup for a classic group (protocol-rules B.4; GroupCoordinatorService.joinGroup,
 * GroupMetadataManager.classicGroupJoinToClassicGroup and the classicGroupJoin* methods it calls).
 * Modelled as JoinGroup v9: a dynamic member with no id is sent one with MEMBER_ID_REQUIRED
 * (v4+, KIP-394), and a static leader that re-joins without a change is told to skip the
 * assignment (v9+, KIP-814).
 *
 * The request carries no client id (messages.ts); the member's client id is taken to be the
 * consumer's default `consumer-<groupId>-<address>` (ConsumerConfig: consumer-<group>-<sequence>).
 */
import { errorCode, type ErrorName } from '../../protocol/errors.js';
import type { JoinGroupRequest } from '../../protocol/groups/messages.js';
import { ClassicEffects, heartbeatKey } from './classic-effects.js';
import {
  addMember, addPendingMember, currentClassicGroupMembers, hasMember, isLeader, isPendingMember, memberOf, newClassicGroup, numAwaitingJoinResponse,
  removeMember, replaceStaticMemberId, selectProtocol, staticMemberId, supportsProtocols, updateMember, validateMember, type ClassicGroup,
} from './classic-group.js';
import { generateMemberId, withGroup, type ClassicGroupsState } from './classic-groups.js';
import { emptyAssignment, isAwaitingJoin, matches, type ClassicGroupMember, type ParkedRequest } from './classic-member.js';
import {
  completeJoinFuture, maybeCompleteJoinPhase, maybePrepareRebalanceOrCompleteJoin, prepareRebalance,
} from './classic-rebalance.js';
import { emptyGroupMetadataRecord, groupAssignment, groupMetadataRecord } from './classic-records.js';
import type { From, ShardEnv, ShardOutcome } from './shard.js';

type Join = From<JoinGroupRequest>;

export function clientIdOf(request: Join): string {
  return `consumer-${request.groupId}-${request.from}`;
}

const parkedOf = (request: Join): ParkedRequest => ({ from: request.from, correlationId: request.correlationId });

function refuse(effects: ClassicEffects, request: Join, error: ErrorName, memberId: string): void {
  effects.answerJoin(parkedOf(request), { memberId, errorCode: errorCode(error) });
}

export function classicJoinGroup(s: ClassicGroupsState, request: Join, env: ShardEnv): ShardOutcome<ClassicGroupsState> {
  const effects = new ClassicEffects();
  // GroupCoordinatorService.joinGroup checks these before the shard sees the request.
  if (request.groupId === '') {
    refuse(effects, request, 'INVALID_GROUP_ID', request.memberId);
    return effects.outcome(s);
  }
  if (request.sessionTimeoutMs < env.config.groupMinSessionTimeoutMs || request.sessionTimeoutMs > env.config.groupMaxSessionTimeoutMs) {
    refuse(effects, request, 'INVALID_SESSION_TIMEOUT', request.memberId);
    return effects.outcome(s);
  }
  return joinToClassicGroup(s, request, env, effects);
}

/**
 * classicGroupJoinToClassicGroup: an unknown group is created only for a member without an id; a
 * full group turns the member away; then new and known members part ways. A group this request
 * created is written to the log (empty) so that it exists there too.
 */
function joinToClassicGroup(s: ClassicGroupsState, request: Join, env: ShardEnv, effects: ClassicEffects): ShardOutcome<ClassicGroupsState> {
  const isUnknownMember = request.memberId === '';
  const existing = s.groups[request.groupId];
  if (existing === undefined && !isUnknownMember) {
    refuse(effects, request, 'UNKNOWN_MEMBER_ID', request.memberId);
    return effects.outcome(s);
  }
  const group = existing ?? newClassicGroup(request.groupId, env.nowMs);
  let state = s;
  let next: ClassicGroup;
  if (!acceptJoiningMember(group, request.memberId, env)) {
    next = removeMember(group, request.memberId);
    if (hasMember(group, request.memberId)) effects.cancel(heartbeatKey(group.groupId, request.memberId));
    refuse(effects, request, 'GROUP_MAX_SIZE_REACHED', '');
  } else if (isUnknownMember) {
    const joined = joinNewMember(s, group, request, env, effects);
    state = joined.state;
    next = joined.group;
  } else {
    next = joinExistingMember(group, request, env, effects);
  }
  if (existing === undefined) effects.record(emptyGroupMetadataRecord(next));
  return effects.outcome(withGroup(state, next));
}

/**
 * acceptJoiningMember (group.max.size): Empty takes anyone; during the join phase count the members
 * already parked (the group may be over a lowered limit); otherwise count the members.
 */
function acceptJoiningMember(group: ClassicGroup, memberId: string, env: ShardEnv): boolean {
  const maxSize = env.config.groupMaxSize;
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return true;
    case 'PreparingRebalance': {
      const member = memberOf(group, memberId);
      return (member !== undefined && isAwaitingJoin(member)) || numAwaitingJoinResponse(group) < maxSize;
    }
    case 'CompletingRebalance':
    case 'Stable':
      return hasMember(group, memberId) || group.members.length < maxSize;
  }
}

/** classicGroupJoinNewMember: a fresh id for the member; static members may take over their instance's place. */
function joinNewMember(s: ClassicGroupsState, group: ClassicGroup, request: Join, env: ShardEnv, effects: ClassicEffects): { state: ClassicGroupsState; group: ClassicGroup } {
  if (group.state === 'Dead') {
    refuse(effects, request, 'COORDINATOR_NOT_AVAILABLE', '');
    return { state: s, group };
  }
  if (!supportsProtocols(group, request.protocolType, request.protocols)) {
    refuse(effects, request, 'INCONSISTENT_GROUP_PROTOCOL', '');
    return { state: s, group };
  }
  const generated = generateMemberId(s, group, clientIdOf(request), request.groupInstanceId);
  const newMemberId = generated.memberId;
  if (request.groupInstanceId !== null) {
    const existingMemberId = staticMemberId(group, request.groupInstanceId);
    const next = existingMemberId !== undefined
      ? updateStaticMemberThenRebalanceOrCompleteJoin(group, request, existingMemberId, newMemberId, env, effects)
      : addMemberThenRebalanceOrCompleteJoin(group, request, newMemberId, env, effects);
    return { state: generated.state, group: next };
  }
  return { state: generated.state, group: requireKnownMemberId(group, request, newMemberId, effects) };
}

/**
 * classicGroupJoinNewDynamicMember (v4+): the id is handed out and the member must join again
 * with it; until then it is pending, and holds up the join phase until its session timeout.
 */
function requireKnownMemberId(group: ClassicGroup, request: Join, newMemberId: string, effects: ClassicEffects): ClassicGroup {
  effects.schedule(heartbeatKey(group.groupId, newMemberId), request.sessionTimeoutMs, { kind: 'classic.pendingMember', groupId: group.groupId, memberId: newMemberId });
  refuse(effects, request, 'MEMBER_ID_REQUIRED', newMemberId);
  return addPendingMember(group, newMemberId);
}

/**
 * classicGroupJoinExistingMember: a pending id joins for real; a known member is checked, then what
 * its join means depends on the state — in the join phase it is parked; otherwise an unchanged
 * follower is answered with the current generation, and a change (or the leader, in Stable)
 * starts a rebalance.
 */
function joinExistingMember(group: ClassicGroup, request: Join, env: ShardEnv, effects: ClassicEffects): ClassicGroup {
  if (group.state === 'Dead') {
    refuse(effects, request, 'COORDINATOR_NOT_AVAILABLE', request.memberId);
    return group;
  }
  if (!supportsProtocols(group, request.protocolType, request.protocols)) {
    refuse(effects, request, 'INCONSISTENT_GROUP_PROTOCOL', request.memberId);
    return group;
  }
  if (isPendingMember(group, request.memberId)) {
    // Pending ids are handed only to dynamic members; Kafka throws IllegalStateException here.
    if (request.groupInstanceId !== null) {
      refuse(effects, request, 'UNKNOWN_SERVER_ERROR', request.memberId);
      return group;
    }
    return addMemberThenRebalanceOrCompleteJoin(group, request, request.memberId, env, effects);
  }
  const validation = validateMember(group, request.memberId, request.groupInstanceId);
  if (validation !== 'NONE') {
    refuse(effects, request, validation, request.memberId);
    return group;
  }
  return rejoinByState(group, request, env, effects);
}

function rejoinByState(group: ClassicGroup, request: Join, env: ShardEnv, effects: ClassicEffects): ClassicGroup {
  const member = memberOf(group, request.memberId)!;
  switch (group.state) {
    case 'PreparingRebalance':
      return updateMemberThenRebalanceOrCompleteJoin(group, request, env, effects);
    case 'CompletingRebalance':
      // The same metadata: the member most likely missed its JoinGroup answer; send it again.
      if (matches(member, request.protocols)) {
        answerCurrentGeneration(group, request, effects, isLeader(group, request.memberId));
        return group;
      }
      return updateMemberThenRebalanceOrCompleteJoin(group, request, env, effects);
    case 'Stable':
      // The leader may re-join to have topic metadata changes reassigned, so it always rebalances.
      if (isLeader(group, request.memberId) || !matches(member, request.protocols)) return updateMemberThenRebalanceOrCompleteJoin(group, request, env, effects);
      answerCurrentGeneration(group, request, effects, false);
      return group;
    case 'Empty':
    case 'Dead':
      refuse(effects, request, 'UNKNOWN_MEMBER_ID', request.memberId);
      return group;
  }
}

/** The current generation, again; only a leader in CompletingRebalance needs the members (to assign). */
function answerCurrentGeneration(group: ClassicGroup, request: Join, effects: ClassicEffects, withMembers: boolean): void {
  effects.answerJoin(parkedOf(request), currentGenerationAnswer(group, request.memberId, false, withMembers));
}

/** A JoinGroup answer naming the group's current generation (no new join phase). */
function currentGenerationAnswer(group: ClassicGroup, memberId: string, skipAssignment: boolean, withMembers: boolean) {
  return {
    memberId,
    generationId: group.generationId,
    protocolName: group.protocolName,
    protocolType: group.protocolType,
    leader: group.leaderId ?? '',
    skipAssignment,
    members: withMembers ? currentClassicGroupMembers(group) : [],
    errorCode: 0,
  };
}

/** updateMemberThenRebalanceOrCompleteJoin */
function updateMemberThenRebalanceOrCompleteJoin(group: ClassicGroup, request: Join, env: ShardEnv, effects: ClassicEffects): ClassicGroup {
  const updated = updateMember(group, request.memberId, {
    protocols: request.protocols,
    rebalanceTimeoutMs: request.rebalanceTimeoutMs,
    sessionTimeoutMs: request.sessionTimeoutMs,
    awaitingJoin: parkedOf(request),
  });
  return maybePrepareRebalanceOrCompleteJoin(updated, effects, env);
}

/**
 * addMemberThenRebalanceOrCompleteJoin: the member is parked until the join phase completes. A
 * parked new member cannot heartbeat and a client that gave up cannot be told apart, so its
 * deadline is the new-member join timeout rather than its session timeout.
 */
function addMemberThenRebalanceOrCompleteJoin(group: ClassicGroup, request: Join, memberId: string, env: ShardEnv, effects: ClassicEffects): ClassicGroup {
  const member: ClassicGroupMember = {
    memberId,
    groupInstanceId: request.groupInstanceId,
    clientId: clientIdOf(request),
    rebalanceTimeoutMs: request.rebalanceTimeoutMs,
    sessionTimeoutMs: request.sessionTimeoutMs,
    protocolType: request.protocolType,
    supportedProtocols: request.protocols,
    assignment: emptyAssignment,
    awaitingJoin: parkedOf(request),
    awaitingSync: null,
    isNew: true,
  };
  // A member joining during the initial rebalance delay extends it (tryCompleteInitialRebalanceElseSchedule).
  const flagged = group.state === 'PreparingRebalance' && group.previousState === 'Empty' ? { ...group, newMemberAdded: true } : group;
  const next = addMember(flagged, member);
  effects.rescheduleHeartbeat(group.groupId, member, env.config.newMemberJoinTimeoutMs);
  return maybePrepareRebalanceOrCompleteJoin(next, effects, env);
}

/**
 * updateStaticMemberThenRebalanceOrCompleteJoin (KIP-345): a static member that restarted takes
 * over its instance's place under a new id; whoever still waits under the old id is fenced. In
 * Stable, if the selected protocol would stay, there is no rebalance: the group is written again
 * with the new id and the member gets the current generation (a leader gets the members but is
 * told to skip the assignment). In CompletingRebalance the leader may already be assigning to the
 * old id, so a rebalance is forced.
 */
function updateStaticMemberThenRebalanceOrCompleteJoin(group: ClassicGroup, request: Join, oldMemberId: string, newMemberId: string, env: ShardEnv, effects: ClassicEffects): ClassicGroup {
  const groupInstanceId = request.groupInstanceId!;
  let next = fenceStaticMember(group, effects, oldMemberId);
  next = replaceStaticMemberId(next, groupInstanceId, oldMemberId, newMemberId);
  effects.cancel(heartbeatKey(group.groupId, oldMemberId));
  effects.rescheduleHeartbeat(group.groupId, memberOf(next, newMemberId)!);
  next = updateMember(next, newMemberId, { protocols: request.protocols, rebalanceTimeoutMs: request.rebalanceTimeoutMs, sessionTimeoutMs: request.sessionTimeoutMs, awaitingJoin: parkedOf(request) });
  switch (next.state) {
    case 'Stable':
      if (next.protocolName === selectProtocol(next)) return persistReplacedStaticMember(next, newMemberId, effects);
      return maybePrepareRebalanceOrCompleteJoin(next, effects, env);
    case 'CompletingRebalance':
      return prepareRebalance(next, effects, env);
    case 'Empty':
    case 'Dead':
      throw new Error(`Group ${group.groupId} was not supposed to be ${group.state} when static member ${groupInstanceId} rejoins`);
    case 'PreparingRebalance':
      return maybeCompleteJoinPhase(next, effects, env);
  }
}

/** ClassicGroup.replaceStaticMember's fencing: the old id's parked JoinGroup and SyncGroup get FENCED_INSTANCE_ID. */
function fenceStaticMember(group: ClassicGroup, effects: ClassicEffects, oldMemberId: string): ClassicGroup {
  const fenced = errorCode('FENCED_INSTANCE_ID');
  const next = completeJoinFuture(group, effects, oldMemberId, { memberId: oldMemberId, errorCode: fenced });
  const old = memberOf(next, oldMemberId)!;
  if (old.awaitingSync === null) return next;
  effects.answerSync(old.awaitingSync, { errorCode: fenced });
  return next;
}

/** The Stable, no-rebalance case: write the group with the new id, answer the current generation (JoinGroup v9+). */
function persistReplacedStaticMember(group: ClassicGroup, newMemberId: string, effects: ClassicEffects): ClassicGroup {
  effects.record(groupMetadataRecord(group, groupAssignment(group)));
  const leader = isLeader(group, newMemberId);
  // JoinGroup v9: the static leader that came back gets the members but must not assign again.
  return completeJoinFuture(group, effects, newMemberId, currentGenerationAnswer(group, newMemberId, leader, leader));
}
