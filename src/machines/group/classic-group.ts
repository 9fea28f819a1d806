/**
 * A classic group (ClassicGroup): its state, generation, selected protocol, leader and members,
 * with the queries and updates Kafka's class offers. Every update returns a new group.
 *
 * Member order (a Java quirk made explicit): Kafka keeps members in a HashMap, whose iteration
 * order picks the replacement leader and the order of answers. kspec keeps them in insertion
 * order, as a LinkedHashMap would: a joining member goes last, and a static member whose id is
 * replaced goes last too (Kafka removes the old id and puts the new one).
 *
 * Protocol selection (another Java quirk): each member votes for its most preferred protocol among
 * those every member supports, and the most votes win; Kafka breaks a tie by HashMap order,
 * kspec picks the lowest name (by UTF-16 code units) among the tied protocols.
 */
import type { ErrorName } from '../../protocol/errors.js';
import type { JoinGroupProtocol, JoinGroupResponseMember } from '../../protocol/groups/messages.js';
import { isValidTransition, validPreviousStates, type ClassicGroupState } from './classic-group-state.js';
import { isAwaitingJoin, metadata, plainProtocolSet, vote, type ClassicGroupMember, type ParkedRequest } from './classic-member.js';

export interface ClassicGroup {
  readonly groupId: string;
  readonly state: ClassicGroupState;
  /** The state before the last transition; a group created or loaded starts from Dead (Kafka's constructor). */
  readonly previousState: ClassicGroupState;
  /** When the group entered its state; null for a group loaded from a record without one. */
  readonly currentStateTimestampMs: number | null;
  readonly generationId: number;
  /** Set by the first member; null for a group no member has joined ("simple" groups). */
  readonly protocolType: string | null;
  /** Selected at each completed join phase; null while Empty. */
  readonly protocolName: string | null;
  readonly leaderId: string | null;
  /** Insertion order (see above). */
  readonly members: readonly ClassicGroupMember[];
  /** group.instance.id → member id. */
  readonly staticMembers: Readonly<Record<string, string>>;
  /** Ids handed out with MEMBER_ID_REQUIRED that have not joined yet (KIP-394). */
  readonly pendingJoinMembers: readonly string[];
  /** Members of this generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers: readonly string[];
  /** A member joined during the initial rebalance delay: the delay is extended once more. */
  readonly newMemberAdded: boolean;
  /**
   * While the initial rebalance waits: the arguments of the pending
   * tryCompleteInitialRebalanceElseSchedule (Kafka keeps them in the timer's closure; the join
   * timer here carries only the group id). Null when the join timer is the rebalance timeout.
   */
  readonly initialRebalanceDelay: { readonly delayMs: number; readonly remainingMs: number } | null;
}

/** new ClassicGroup(groupId, EMPTY, time): generation 0, no protocol, no leader. */
export function newClassicGroup(groupId: string, nowMs: number): ClassicGroup {
  return {
    groupId,
    state: 'Empty',
    previousState: 'Dead',
    currentStateTimestampMs: nowMs,
    generationId: 0,
    protocolType: null,
    protocolName: null,
    leaderId: null,
    members: [],
    staticMembers: {},
    pendingJoinMembers: [],
    pendingSyncMembers: [],
    newMemberAdded: false,
    initialRebalanceDelay: null,
  };
}

/** ClassicGroup.transitionTo with assertValidTransition: an illegal move is a bug in the rules, so it throws. */
export function transitionTo(group: ClassicGroup, state: ClassicGroupState, nowMs: number): ClassicGroup {
  if (!isValidTransition(group.state, state)) {
    throw new Error(`Group ${group.groupId} should be in one of [${validPreviousStates[state].join(', ')}] before moving to ${state}; it is in ${group.state}`);
  }
  return { ...group, previousState: group.state, state, currentStateTimestampMs: nowMs };
}

export function memberOf(group: ClassicGroup, memberId: string): ClassicGroupMember | undefined {
  return group.members.find((member) => member.memberId === memberId);
}

export const hasMember = (group: ClassicGroup, memberId: string): boolean => memberOf(group, memberId) !== undefined;
export const isLeader = (group: ClassicGroup, memberId: string): boolean => group.leaderId === memberId;
export const isPendingMember = (group: ClassicGroup, memberId: string): boolean => group.pendingJoinMembers.includes(memberId);
export const staticMemberId = (group: ClassicGroup, groupInstanceId: string): string | undefined => group.staticMembers[groupInstanceId];
export const numAwaitingJoinResponse = (group: ClassicGroup): number => group.members.filter(isAwaitingJoin).length;

/** ClassicGroup.hasAllMembersJoined: every member parked a JoinGroup and no handed-out id is outstanding. */
export function hasAllMembersJoined(group: ClassicGroup): boolean {
  return group.members.length === numAwaitingJoinResponse(group) && group.pendingJoinMembers.length === 0;
}

/** ClassicGroup.rebalanceTimeoutMs: the longest rebalance timeout of the members. */
export function rebalanceTimeoutMs(group: ClassicGroup): number {
  return group.members.reduce((longest, member) => Math.max(longest, member.rebalanceTimeoutMs), 0);
}

/** ClassicGroup.canRebalance: the group is in a state PreparingRebalance may be entered from. */
export function canRebalance(group: ClassicGroup): boolean {
  return isValidTransition(group.state, 'PreparingRebalance');
}

export const hasReceivedSyncFromAllMembers = (group: ClassicGroup): boolean => group.pendingSyncMembers.length === 0;

/** How many members support a protocol (Kafka keeps this count as `supportedProtocols`). */
function supportCount(group: ClassicGroup, protocolName: string): number {
  return group.members.filter((member) => plainProtocolSet(member.supportedProtocols).has(protocolName)).length;
}

/** ClassicGroup.candidateProtocols: the protocols every member supports. */
function candidateProtocols(group: ClassicGroup): ReadonlySet<string> {
  const names = new Set(group.members.flatMap((member) => member.supportedProtocols.map((protocol) => protocol.name)));
  return new Set([...names].filter((name) => supportCount(group, name) === group.members.length));
}

/**
 * ClassicGroup.supportsProtocols: an Empty group takes any non-empty protocol type with at least
 * one protocol; otherwise the type must be the group's and one of the protocols must be supported
 * by every current member.
 */
export function supportsProtocols(group: ClassicGroup, protocolType: string, protocols: readonly JoinGroupProtocol[]): boolean {
  const names = plainProtocolSet(protocols);
  if (group.state === 'Empty') return protocolType !== '' && names.size > 0;
  return group.protocolType === protocolType && [...names].some((name) => supportCount(group, name) === group.members.length);
}

/** ClassicGroup.selectProtocol: most votes wins; a tie goes to the lowest name (kspec's rule, see above). */
export function selectProtocol(group: ClassicGroup): string {
  if (group.members.length === 0) throw new Error(`Cannot select protocol for empty group ${group.groupId}`);
  const candidates = candidateProtocols(group);
  const votes = new Map<string, number>();
  for (const member of group.members) {
    const choice = vote(member, candidates);
    votes.set(choice, (votes.get(choice) ?? 0) + 1);
  }
  const ranked = [...votes.entries()].sort(([nameA, votesA], [nameB, votesB]) => votesB - votesA || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0));
  return ranked[0]![0];
}

/**
 * ClassicGroup.validateMember: a given instance id must be mapped, and to this member id
 * (else FENCED_INSTANCE_ID: another process took the instance over); the member id must be known.
 */
export function validateMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null): 'NONE' | Extract<ErrorName, 'UNKNOWN_MEMBER_ID' | 'FENCED_INSTANCE_ID'> {
  if (groupInstanceId !== null) {
    const existingMemberId = staticMemberId(group, groupInstanceId);
    if (existingMemberId === undefined) return 'UNKNOWN_MEMBER_ID';
    if (existingMemberId !== memberId) return 'FENCED_INSTANCE_ID';
  }
  return hasMember(group, memberId) ? 'NONE' : 'UNKNOWN_MEMBER_ID';
}

/** ClassicGroup.currentClassicGroupMembers: what the leader is sent, with each member's metadata for the selected protocol. */
export function currentClassicGroupMembers(group: ClassicGroup): JoinGroupResponseMember[] {
  if (group.state === 'Dead' || group.state === 'PreparingRebalance') throw new Error(`Cannot list the members of group ${group.groupId} in ${group.state}`);
  return group.members.map((member) => ({ memberId: member.memberId, groupInstanceId: member.groupInstanceId, metadata: metadata(member, group.protocolName) }));
}

/** Replace one member by an updated copy, keeping its place. */
export function withMember(group: ClassicGroup, member: ClassicGroupMember): ClassicGroup {
  return { ...group, members: group.members.map((existing) => (existing.memberId === member.memberId ? member : existing)) };
}

/**
 * ClassicGroup.add: the first member sets the protocol type and, with no leader, leads. Adding a
 * member that breaks the group's protocol rules is a bug in the caller, so it throws as Kafka does.
 */
export function addMember(group: ClassicGroup, member: ClassicGroupMember): ClassicGroup {
  const staticMembers = { ...group.staticMembers };
  if (member.groupInstanceId !== null) {
    if (staticMembers[member.groupInstanceId] !== undefined) throw new Error(`Static member ${member.groupInstanceId} is already a member of group ${group.groupId}`);
    staticMembers[member.groupInstanceId] = member.memberId;
  }
  const protocolType = group.members.length === 0 ? member.protocolType : group.protocolType;
  if (protocolType !== member.protocolType) throw new Error('The group and member\'s protocol type must be the same');
  const checked = { ...group, protocolType };
  if (!supportsProtocols(checked, member.protocolType, member.supportedProtocols)) throw new Error('None of the member\'s protocols can be supported');
  return {
    ...checked,
    staticMembers,
    leaderId: group.leaderId ?? member.memberId,
    members: [...group.members, member],
    pendingJoinMembers: group.pendingJoinMembers.filter((id) => id !== member.memberId),
  };
}

/** ClassicGroup.remove: also forgets a pending id; a removed leader is replaced by the first remaining member. */
export function removeMember(group: ClassicGroup, memberId: string): ClassicGroup {
  const removed = memberOf(group, memberId);
  const members = group.members.filter((member) => member.memberId !== memberId);
  const staticMembers = { ...group.staticMembers };
  if (removed?.groupInstanceId != null) delete staticMembers[removed.groupInstanceId];
  const leaderId = isLeader(group, memberId) ? (members[0]?.memberId ?? null) : group.leaderId;
  return {
    ...group,
    members,
    staticMembers,
    leaderId,
    pendingJoinMembers: group.pendingJoinMembers.filter((id) => id !== memberId),
    pendingSyncMembers: group.pendingSyncMembers.filter((id) => id !== memberId),
  };
}

/** ClassicGroup.addPendingMember */
export function addPendingMember(group: ClassicGroup, memberId: string): ClassicGroup {
  if (hasMember(group, memberId)) throw new Error(`Attempt to add pending member ${memberId}, which is already a member of group ${group.groupId}`);
  return isPendingMember(group, memberId) ? group : { ...group, pendingJoinMembers: [...group.pendingJoinMembers, memberId] };
}

/** ClassicGroup.updateMember: new protocols and timeouts; the request is parked for the join phase's answer. */
export function updateMember(group: ClassicGroup, memberId: string, update: { protocols: readonly JoinGroupProtocol[]; rebalanceTimeoutMs: number; sessionTimeoutMs: number; awaitingJoin: ParkedRequest }): ClassicGroup {
  const member = memberOf(group, memberId);
  if (member === undefined) throw new Error(`Cannot update unknown member ${memberId} of group ${group.groupId}`);
  return withMember(group, { ...member, supportedProtocols: update.protocols, rebalanceTimeoutMs: update.rebalanceTimeoutMs, sessionTimeoutMs: update.sessionTimeoutMs, awaitingJoin: update.awaitingJoin });
}

/**
 * ClassicGroup.replaceStaticMember, without the fencing answers (the caller sends them): the
 * member keeps everything — timeouts, protocols, assignment, leadership — under a new id.
 */
export function replaceStaticMemberId(group: ClassicGroup, groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicGroup {
  const old = memberOf(group, oldMemberId);
  if (old === undefined) throw new Error(`Cannot replace non-existing member id ${oldMemberId}`);
  const replacement: ClassicGroupMember = { ...old, memberId: newMemberId, awaitingJoin: null, awaitingSync: null, isNew: false };
  return {
    ...group,
    members: [...group.members.filter((member) => member.memberId !== oldMemberId), replacement],
    leaderId: isLeader(group, oldMemberId) ? newMemberId : group.leaderId,
    staticMembers: { ...group.staticMembers, [groupInstanceId]: newMemberId },
    // Kafka leaves the old id in pendingSyncMembers: if it had not synced, the pending-sync
    // expiry of this generation still finds it missing and rebalances.
  };
}

/**
 * ClassicGroup.maybeElectNewJoinedLeader: a leader that did not re-join hands over to the first
 * re-joined member; `elected` is false when there is no leader or nobody re-joined.
 */
export function maybeElectNewJoinedLeader(group: ClassicGroup): { readonly group: ClassicGroup; readonly elected: boolean } {
  if (group.leaderId === null) return { group, elected: false };
  const leader = memberOf(group, group.leaderId);
  if (leader !== undefined && isAwaitingJoin(leader)) return { group, elected: true };
  const joined = group.members.find(isAwaitingJoin);
  if (joined === undefined) return { group, elected: false };
  return { group: { ...group, leaderId: joined.memberId }, elected: true };
}

/** ClassicGroup.initNextGeneration: generation + 1, a protocol chosen (or cleared when empty), no one pending sync. */
export function initNextGeneration(group: ClassicGroup, nowMs: number, generationStep = 1): ClassicGroup {
  const generationId = group.generationId + generationStep;
  const next = group.members.length > 0
    ? transitionTo({ ...group, generationId, protocolName: selectProtocol(group) }, 'CompletingRebalance', nowMs)
    : transitionTo({ ...group, generationId, protocolName: null }, 'Empty', nowMs);
  return { ...next, pendingSyncMembers: [] };
}
