/**
 * The classic group safety invariants (protocol-rules E.2) as checks over the coordinator's own
 * state. Each returns the violations it finds, in words; an empty list means the clause holds.
 * Checks that compare two states take the group before and after one rule (a request or a timer).
 *
 * One rule may move a group through two transitions: a single-member group whose leader re-joins
 * goes Stable → PreparingRebalance → CompletingRebalance at once, and the last member leaving goes
 * Stable → PreparingRebalance → Empty. Kafka's `previousState` tells the intermediate state, so the
 * checks accept a path before → previousState → state of legal transitions.
 */
import { isValidTransition } from './classic-group-state.js';
import type { ClassicGroup } from './classic-group.js';

/**
 * CG-STATE-1: only the transitions of ClassicGroupState; Empty and Dead have no members;
 * CompletingRebalance and Stable have at least one; Dead is left for nothing else.
 */
export function checkClassicGroupState(group: ClassicGroup, before?: ClassicGroup): string[] {
  const out: string[] = [];
  const name = `group ${group.groupId}`;
  if ((group.state === 'Empty' || group.state === 'Dead') && group.members.length > 0) out.push(`${name}: ${group.state} with ${group.members.length} member(s)`);
  if ((group.state === 'CompletingRebalance' || group.state === 'Stable') && group.members.length === 0) out.push(`${name}: ${group.state} with no members`);
  if (before === undefined || before.state === group.state && before.previousState === group.previousState) return out;
  if (before.state === 'Dead' && group.state !== 'Dead') out.push(`${name}: left Dead for ${group.state}`);
  if (!isValidTransition(group.previousState, group.state)) out.push(`${name}: ${group.previousState} -> ${group.state}`);
  const reached = before.state === group.previousState || isValidTransition(before.state, group.previousState);
  if (!reached) out.push(`${name}: ${before.state} -> ${group.previousState} -> ${group.state}`);
  return out;
}

/**
 * CG-GEN-1: the generation changes only when a join phase completes (PreparingRebalance →
 * CompletingRebalance or Empty), by exactly one; and a completed join phase always changes it.
 */
export function checkClassicGeneration(group: ClassicGroup, before: ClassicGroup): string[] {
  const name = `group ${group.groupId}`;
  const completedJoinPhase = group.previousState === 'PreparingRebalance' && (group.state === 'CompletingRebalance' || group.state === 'Empty')
    && (before.state !== group.state || before.generationId !== group.generationId);
  if (completedJoinPhase && group.generationId !== before.generationId + 1) return [`${name}: generation ${before.generationId} -> ${group.generationId} on a completed join phase`];
  if (!completedJoinPhase && group.generationId !== before.generationId) return [`${name}: generation ${before.generationId} -> ${group.generationId} without a completed join phase (${before.state} -> ${group.state})`];
  return [];
}

/** CG-LEADER-1: in CompletingRebalance and Stable the leader is a member; with no members there is no leader. */
export function checkClassicLeader(group: ClassicGroup): string[] {
  const name = `group ${group.groupId}`;
  const leaderIsMember = group.leaderId !== null && group.members.some((member) => member.memberId === group.leaderId);
  if ((group.state === 'CompletingRebalance' || group.state === 'Stable') && !leaderIsMember) return [`${name} (${group.state}, generation ${group.generationId}): leader ${group.leaderId ?? 'none'} is not a member`];
  if (group.members.length === 0 && group.leaderId !== null) return [`${name}: leader ${group.leaderId} with no members`];
  if (group.members.length > 0 && !leaderIsMember) return [`${name}: leader ${group.leaderId ?? 'none'} is not one of its ${group.members.length} member(s)`];
  return [];
}

/** CG-STATIC-1 (state part): `staticMembers` maps each instance id to the one member that carries it, and covers every static member. */
export function checkClassicStaticMembers(group: ClassicGroup): string[] {
  const out: string[] = [];
  const name = `group ${group.groupId}`;
  for (const [instanceId, memberId] of Object.entries(group.staticMembers)) {
    const member = group.members.find((each) => each.memberId === memberId);
    if (member?.groupInstanceId !== instanceId) out.push(`${name}: instance ${instanceId} maps to ${memberId}, which is not a member with that instance id`);
  }
  for (const member of group.members) {
    if (member.groupInstanceId !== null && group.staticMembers[member.groupInstanceId] !== member.memberId) out.push(`${name}: static member ${member.memberId} (${member.groupInstanceId}) is not in the static member map`);
  }
  const ids = group.members.map((member) => member.memberId);
  if (new Set(ids).size !== ids.length) out.push(`${name}: a member id appears twice`);
  return out;
}

/** Every classic invariant of one group, with the group before the rule when there was one. */
export function checkClassicGroup(group: ClassicGroup, before?: ClassicGroup): string[] {
  return [
    ...checkClassicGroupState(group, before),
    ...(before === undefined ? [] : checkClassicGeneration(group, before)),
    ...checkClassicLeader(group),
    ...checkClassicStaticMembers(group),
  ];
}
