/**
 * A classic group as a state machine (ClassicGroup with ClassicGroupState; the classic half of
 * GroupMetadataManager): Kafka's five states, the requests and deadlines each state handles, and
 * the legal moves between states as transitions. The coordinator shard hosts one per group and
 * steps it with XState's pure `transition()` (classic-group-host.ts); the context is plain JSON.
 *
 * A request or deadline runs Kafka's rule for it (classic-join.ts, classic-sync.ts, ...), which
 * decides where the group goes, exactly as GroupMetadataManager's methods call
 * ClassicGroup.transitionTo. One rule may move the group twice (a lone leader re-joining goes
 * Stable → PreparingRebalance → CompletingRebalance; the last member leaving goes Stable →
 * PreparingRebalance → Empty). The rule's moves are queued as `hops` and taken one at a time by the
 * eventless transitions below, each a legal edge of ClassicGroupState naming the rule that takes
 * it; a move with no such edge leaves a hop behind, which the host refuses as a bug.
 *
 * The group's timers are delayed raises keyed per group (classicGroupHeartbeatKey,
 * classicGroupJoinKey, classicGroupSyncKey): the host hands them to the coordinator, which
 * schedules them on its clock and sends them back to this group when they fire.
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { HeartbeatRequest, JoinGroupRequest, LeaveGroupRequest, OffsetCommitRequest, SyncGroupRequest } from '../../protocol/groups/messages.js';
import type { GroupMachineEffect } from './group-machine-host.js';
import { classicHeartbeat } from './classic-heartbeat.js';
import { classicJoinGroup } from './classic-join.js';
import { classicLeaveGroup } from './classic-leave.js';
import { classicOnLoaded } from './classic-load.js';
import { classicTouchOnOffsetCommit } from './classic-offset-commit.js';
import { classicSyncGroup } from './classic-sync.js';
import { classicTimer } from './classic-timers.js';
import type { ClassicGroup } from './classic-group.js';
import type { ClassicGroupState } from './classic-group-state.js';
import type { ClassicGroupsState } from './classic-groups.js';
import type { From, ShardEnv, ShardOutcome, ShardTimerEvent } from './shard.js';

export interface ClassicGroupMachineContext {
  readonly groupId: string;
  /** null until a JoinGroup creates the group (getOrMaybeCreateClassicGroup). */
  readonly group: ClassicGroup | null;
  /** The shard's seeded member id stream (shared by its groups; the host carries it across). */
  readonly memberIdCounter: number;
  readonly memberIdSeed: number;
  /** States the last rule moved the group through, not yet taken by the machine. */
  readonly hops: readonly ClassicGroupState[];
}

export type ClassicGroupEffect = GroupMachineEffect;

/** The group's deadlines, as events the coordinator sends back when they fire. */
export type ClassicGroupTimerEvent =
  | { readonly type: 'SessionTimeout'; readonly memberId: string }
  | { readonly type: 'PendingMemberTimeout'; readonly memberId: string }
  | { readonly type: 'JoinTimeout' }
  | { readonly type: 'SyncTimeout'; readonly generationId: number };

type WithEnv<T> = T & { readonly env: ShardEnv };

export type ClassicGroupEvent = WithEnv<
  | { readonly type: 'JoinGroup'; readonly request: From<JoinGroupRequest> }
  | { readonly type: 'SyncGroup'; readonly request: From<SyncGroupRequest> }
  | { readonly type: 'Heartbeat'; readonly request: From<HeartbeatRequest> }
  | { readonly type: 'LeaveGroup'; readonly request: From<LeaveGroupRequest> }
  /** An OffsetCommit the group accepted (validated by the shard before the offsets are written). */
  | { readonly type: 'OffsetCommitted'; readonly request: From<OffsetCommitRequest> }
  /** The shard was loaded and this group came back from its records (onLoaded). */
  | { readonly type: 'Loaded' }
  /** The group is removed: converted to a KIP-848 consumer group. */
  | { readonly type: 'Delete' }
  | ClassicGroupTimerEvent
>;

/** A shard timer of a classic group as the event it delivers to the group's machine, and back. */
export function classicTimerEventOf(timer: ShardTimerEvent): ClassicGroupTimerEvent | null {
  switch (timer.kind) {
    case 'classic.heartbeat': return { type: 'SessionTimeout', memberId: timer.memberId };
    case 'classic.pendingMember': return { type: 'PendingMemberTimeout', memberId: timer.memberId };
    case 'classic.join': return { type: 'JoinTimeout' };
    case 'classic.sync': return { type: 'SyncTimeout', generationId: timer.generationId };
    default: return null;
  }
}

export function shardTimerEventOf(groupId: string, event: ClassicGroupTimerEvent): ShardTimerEvent {
  switch (event.type) {
    case 'SessionTimeout': return { kind: 'classic.heartbeat', groupId, memberId: event.memberId };
    case 'PendingMemberTimeout': return { kind: 'classic.pendingMember', groupId, memberId: event.memberId };
    case 'JoinTimeout': return { kind: 'classic.join', groupId };
    case 'SyncTimeout': return { kind: 'classic.sync', groupId, generationId: event.generationId };
  }
}

/** The group as the shard-wide rules expect it: a shard holding just this group. */
function asShard(c: ClassicGroupMachineContext): ClassicGroupsState {
  return { groups: c.group === null ? {} : { [c.groupId]: c.group }, memberIdCounter: c.memberIdCounter, memberIdSeed: c.memberIdSeed };
}

/** Kafka's rule for each event, over a shard of one group. */
function ruleFor(s: ClassicGroupsState, groupId: string, event: ClassicGroupEvent): ShardOutcome<ClassicGroupsState> {
  const nothing = { state: s, records: [], responses: [], timers: [], cancels: [] };
  switch (event.type) {
    case 'JoinGroup': return classicJoinGroup(s, event.request, event.env);
    case 'SyncGroup': return classicSyncGroup(s, event.request, event.env);
    case 'Heartbeat': return classicHeartbeat(s, event.request, event.env);
    case 'LeaveGroup': return classicLeaveGroup(s, event.request, event.env);
    case 'OffsetCommitted': return { ...nothing, timers: classicTouchOnOffsetCommit(s, event.request, event.env) };
    case 'Loaded': return classicOnLoaded(s, event.env);
    case 'Delete': return nothing;
    default: return classicTimer(s, shardTimerEventOf(groupId, event), event.env);
  }
}

/**
 * The states a rule moved the group through: ClassicGroup.previousState names the intermediate
 * state of a double move (before → previousState → state).
 */
function hopsOf(before: ClassicGroup | null, after: ClassicGroup | null, deleted: boolean): ClassicGroupState[] {
  if (deleted) return ['Dead'];
  if (after === null) return [];
  const from = before?.state ?? 'Empty';
  const moved = before === null ? after.state !== 'Empty' : after.state !== before.state || after.previousState !== before.previousState || after.currentStateTimestampMs !== before.currentStateTimestampMs;
  if (!moved) return [];
  return after.previousState !== from && after.previousState !== 'Dead' ? [after.previousState, after.state] : [after.state];
}

interface Enqueue {
  assign: (c: Partial<ClassicGroupMachineContext>) => void;
  emit: (e: ClassicGroupEffect) => void;
  cancel: (id: string) => void;
  raise: (e: ClassicGroupTimerEvent, o: { delay: number; id: string }) => void;
}

/** Run the event's rule: new group, answers, records, then cancels before timers (as the coordinator applies them). */
const applyRule = enqueueActions(({ context, event, enqueue }: { context: ClassicGroupMachineContext; event: ClassicGroupEvent; enqueue: unknown }) => {
  const q = enqueue as Enqueue;
  const outcome = ruleFor(asShard(context), context.groupId, event);
  const deleted = event.type === 'Delete';
  const group = deleted ? context.group : (outcome.state.groups[context.groupId] ?? null);
  q.assign({ group, memberIdCounter: outcome.state.memberIdCounter, hops: hopsOf(context.group, group, deleted) });
  for (const response of outcome.responses) q.emit({ type: 'respond', response });
  for (const record of outcome.records) q.emit({ type: 'record', record });
  for (const key of outcome.cancels) q.cancel(key);
  for (const timer of outcome.timers) {
    const raised = classicTimerEventOf(timer.event);
    if (raised === null) throw new Error(`classic group ${context.groupId} scheduled a timer of another kind: ${timer.event.kind}`);
    q.raise(raised, { delay: timer.delayMs, id: timer.key });
  }
});

const takeHop = assign(({ context }: { context: ClassicGroupMachineContext }) => ({ hops: context.hops.slice(1) }));

/** The guards of the eventless moves, named after the rule that makes each move: each holds when the rule's next hop is its state. */
const hopGuards = {
  prepareRebalance: 'PreparingRebalance',
  completeClassicGroupJoin: 'CompletingRebalance',
  completeClassicGroupJoinWithNobody: 'Empty',
  storeLeaderAssignment: 'Stable',
  groupDeleted: 'Dead',
} as const satisfies Record<string, ClassicGroupState>;

/** An eventless move to the state of `guard`, taken when the rule's next hop is there. */
function hop(guard: keyof typeof hopGuards, description: string) {
  return { guard, target: hopGuards[guard], actions: 'takeHop', description } as const;
}

/** The rule each event runs, named per state where the state changes its meaning. */
function handlers(descriptions: Partial<Record<ClassicGroupEvent['type'], string>>) {
  const events: ClassicGroupEvent['type'][] = ['JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetCommitted', 'Loaded', 'Delete', 'SessionTimeout', 'PendingMemberTimeout', 'JoinTimeout', 'SyncTimeout'];
  return Object.fromEntries(events.filter((type) => descriptions[type] !== undefined).map((type) => [type, { actions: 'applyRule', description: descriptions[type] }]));
}

const sessionTimeout = 'expireClassicGroupMemberHeartbeat: a member that sent nothing for session.timeout.ms is removed (unless a parked JoinGroup or SyncGroup vouches for it), and the group rebalances.';
const pendingMemberTimeout = 'A member id handed out with MEMBER_ID_REQUIRED that never came back is dropped (KIP-394).';
const heartbeat = 'classicGroupHeartbeat: the member\'s session deadline moves to now + session.timeout.ms; the answer says REBALANCE_IN_PROGRESS while a rebalance is under way.';
const leave = 'classicGroupLeave: each leaving member is removed; the group rebalances without it.';
const committed = 'An accepted OffsetCommit counts as the member\'s heartbeat (Stable, PreparingRebalance).';
const loaded = 'onLoaded: every member read back from __consumer_offsets gets a fresh session deadline; a group over group.max.size rebalances.';
const deleted = 'The group is removed: converted to a KIP-848 consumer group (its GroupMetadata tombstoned; offsets stay).';

export function createClassicGroupMachine() {
  return setup({
    types: { context: {} as ClassicGroupMachineContext, events: {} as ClassicGroupEvent, input: {} as ClassicGroupMachineContext, emitted: {} as ClassicGroupEffect },
    actions: { applyRule: applyRule as never, takeHop: takeHop as never },
    guards: Object.fromEntries(Object.entries(hopGuards).map(([name, state]) => [name, ({ context }: { context: ClassicGroupMachineContext }) => context.hops[0] === state])) as Record<keyof typeof hopGuards, never>,
  }).createMachine({
    id: 'classicGroup',
    context: ({ input }) => input,
    initial: 'Empty',
    states: {
      Empty: {
        description: 'No members (a new group, or every member gone); offsets may be committed with generation -1. The group has a generation only once a join phase completed.',
        on: handlers({
          JoinGroup: 'classicGroupJoin: a dynamic member without an id gets one with MEMBER_ID_REQUIRED; with an id (or a static member) it joins and the initial rebalance starts, waiting group.initial.rebalance.delay.ms for others.',
          SyncGroup: 'Nobody to sync: UNKNOWN_MEMBER_ID.',
          Heartbeat: 'Nobody to heartbeat: UNKNOWN_MEMBER_ID.',
          LeaveGroup: 'Nobody to leave: UNKNOWN_MEMBER_ID per member.',
          PendingMemberTimeout: pendingMemberTimeout,
          SessionTimeout: 'A deadline of a member already gone: nothing.',
          Loaded: loaded,
          Delete: deleted,
          OffsetCommitted: 'A commit with generation -1 (an admin client, or a consumer assigning itself partitions): nothing to touch.',
        }),
        always: [
          hop('prepareRebalance', 'prepareRebalance (initial rebalance): the first member joined; the join timer is group.initial.rebalance.delay.ms.'),
          hop('groupDeleted', deleted),
        ],
      },
      PreparingRebalance: {
        description: 'The join phase: members are parked in JoinGroup until all known members have re-joined or the join deadline passes (the rebalance timeout, or group.initial.rebalance.delay.ms after Empty, extended while members keep arriving).',
        on: handlers({
          JoinGroup: 'classicGroupJoin: the member is parked (added or updated); the join phase completes once every member has joined (never during the initial delay).',
          SyncGroup: 'REBALANCE_IN_PROGRESS: the member must re-join first.',
          Heartbeat: heartbeat,
          LeaveGroup: leave,
          JoinTimeout: 'completeClassicGroupJoin (or, during the initial delay, tryCompleteInitialRebalanceElseSchedule: one more delay if a member joined meanwhile): dynamic members that did not re-join are dropped; the next generation starts.',
          SessionTimeout: sessionTimeout,
          PendingMemberTimeout: pendingMemberTimeout,
          OffsetCommitted: committed,
          Loaded: loaded,
          Delete: deleted,
        }),
        always: [
          hop('completeClassicGroupJoin', 'completeClassicGroupJoin: every member re-joined, or the join deadline passed with members left: the next generation (generation + 1), a leader chosen, every parked JoinGroup answered, SyncGroup expected within the rebalance timeout.'),
          hop('completeClassicGroupJoinWithNobody', 'completeClassicGroupJoin with nobody left: the next generation, empty, written to __consumer_offsets.'),
          hop('groupDeleted', deleted),
        ],
      },
      CompletingRebalance: {
        description: 'The join phase is over: the members have the new generation and wait in SyncGroup for the leader\'s assignment.',
        on: handlers({
          JoinGroup: 'classicGroupJoin: the same metadata gets the current generation again (a lost answer); a change, a new member or a static member under a new id starts a rebalance.',
          SyncGroup: 'classicGroupSync: a follower is parked; the leader\'s assignment is written, and every parked SyncGroup gets its part once the write commits.',
          Heartbeat: 'classicGroupHeartbeat: the deadline moves; no rebalance is reported (the member is expected to sync).',
          LeaveGroup: leave,
          SyncTimeout: 'expirePendingSync: members of this generation that sent no SyncGroup within the rebalance timeout are removed, and the group rebalances.',
          SessionTimeout: sessionTimeout,
          PendingMemberTimeout: pendingMemberTimeout,
          JoinTimeout: 'A join deadline of a finished join phase: nothing.',
          Loaded: loaded,
          Delete: deleted,
        }),
        always: [
          hop('storeLeaderAssignment', 'classicGroupSync from the leader: the assignment is stored and propagated to every parked SyncGroup.'),
          hop('prepareRebalance', 'prepareRebalance: a member joined, changed, left or expired, or pending syncs expired; parked SyncGroups get REBALANCE_IN_PROGRESS.'),
          hop('groupDeleted', deleted),
        ],
      },
      Stable: {
        description: 'Every member has the generation\'s assignment; members heartbeat within session.timeout.ms and commit offsets with the generation.',
        on: handlers({
          JoinGroup: 'classicGroupJoin: an unchanged follower gets the current generation; a new member, a changed protocol or the leader starts a rebalance; a static member under a new id takes its place without one (KIP-345).',
          SyncGroup: 'classicGroupSync: the stored assignment again (a lost answer).',
          Heartbeat: heartbeat,
          LeaveGroup: leave,
          SyncTimeout: 'expirePendingSync: a member that never sent SyncGroup for this generation is removed, and the group rebalances.',
          SessionTimeout: sessionTimeout,
          PendingMemberTimeout: pendingMemberTimeout,
          JoinTimeout: 'A join deadline of a finished join phase: nothing.',
          OffsetCommitted: committed,
          Loaded: loaded,
          Delete: deleted,
        }),
        always: [
          hop('prepareRebalance', 'prepareRebalance: a member joined, changed, left or expired (or the leader re-joined): the join phase starts; the join timer is the longest rebalance timeout.'),
          hop('groupDeleted', deleted),
        ],
      },
      Dead: {
        description: 'The group is gone from the coordinator: requests for it get COORDINATOR_NOT_AVAILABLE until it is recreated; the host drops it.',
      },
    },
  });
}

export type ClassicGroupMachine = ReturnType<typeof createClassicGroupMachine>;
