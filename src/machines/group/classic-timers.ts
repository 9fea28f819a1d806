/**
 * The classic group's deadlines firing (GroupMetadataManager.expireClassicGroupMemberHeartbeat,
 * completeClassicGroupJoin / tryCompleteInitialRebalanceElseSchedule as timer operations,
 * expirePendingSync). Timers are keyed, so a rescheduled deadline replaces the old one; a timer
 * that still fires for something that has moved on — a member already gone, a group no longer in
 * its join phase, an older generation — changes nothing.
 */
import { ClassicEffects } from './classic-effects.js';
import { hasMember, isPendingMember, memberOf, type ClassicGroup } from './classic-group.js';
import { withGroup, type ClassicGroupsState } from './classic-groups.js';
import { hasSatisfiedHeartbeat } from './classic-member.js';
import {
  completeClassicGroupJoin, expirePendingSync, removeMemberAndUpdateClassicGroup, removePendingMemberAndUpdateClassicGroup,
  tryCompleteInitialRebalanceElseSchedule,
} from './classic-rebalance.js';
import type { ShardEnv, ShardOutcome, ShardTimerEvent } from './shard.js';

type ClassicTimerEvent = Extract<ShardTimerEvent, { kind: `classic.${string}` }>;

export function classicTimer(s: ClassicGroupsState, event: ShardTimerEvent, env: ShardEnv): ShardOutcome<ClassicGroupsState> {
  const effects = new ClassicEffects();
  if (!event.kind.startsWith('classic.')) return effects.outcome(s);
  const classic = event as ClassicTimerEvent;
  const group = s.groups[classic.groupId];
  if (group === undefined) return effects.outcome(s);
  const next = fire(group, classic, effects, env);
  return effects.outcome(next === group ? s : withGroup(s, next));
}

function fire(group: ClassicGroup, event: ClassicTimerEvent, effects: ClassicEffects, env: ShardEnv): ClassicGroup {
  switch (event.kind) {
    case 'classic.heartbeat':
      return expireClassicGroupMemberHeartbeat(group, effects, env, event.memberId);
    case 'classic.pendingMember':
      return isPendingMember(group, event.memberId) ? expireClassicGroupMemberHeartbeat(group, effects, env, event.memberId) : group;
    case 'classic.join':
      return expireJoinPhase(group, effects, env);
    case 'classic.sync':
      return expirePendingSync(group, effects, env, event.generationId);
  }
}

/**
 * expireClassicGroupMemberHeartbeat: a pending id is dropped; a member is removed unless a parked
 * JoinGroup or SyncGroup vouches for it (never for a new member).
 */
function expireClassicGroupMemberHeartbeat(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv, memberId: string): ClassicGroup {
  if (group.state === 'Dead') return group;
  if (isPendingMember(group, memberId)) return removePendingMemberAndUpdateClassicGroup(group, effects, env, memberId);
  if (!hasMember(group, memberId)) return group;
  if (hasSatisfiedHeartbeat(memberOf(group, memberId)!)) return group;
  return removeMemberAndUpdateClassicGroup(group, effects, env, memberId);
}

/** The join phase's deadline: the initial delay (maybe extended) or the rebalance timeout; stale outside the join phase. */
function expireJoinPhase(group: ClassicGroup, effects: ClassicEffects, env: ShardEnv): ClassicGroup {
  if (group.state !== 'PreparingRebalance') return group;
  if (group.initialRebalanceDelay !== null) return tryCompleteInitialRebalanceElseSchedule(group, effects, env);
  return completeClassicGroupJoin(group, effects, env);
}
