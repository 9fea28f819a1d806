/**
 * A KIP-848 consumer group as a state machine (ConsumerGroup with ConsumerGroup.ConsumerGroupState):
 * Empty, Assigning, Reconciling, Stable and Dead, as Kafka names them. The coordinator shard hosts
 * one per group and steps it with XState's pure `transition()` (stepConsumerGroup below); the
 * context is the group, plain JSON.
 *
 * A heartbeat or deadline runs Kafka's rule for it (consumer-group.ts: consumerGroupHeartbeat,
 * the session and rebalance timeouts, onLoaded), which writes records; the group's state is then
 * what ConsumerGroup.maybeUpdateGroupState derives from its epochs and members, and the eventless
 * transitions below take the machine there, each naming why. Unlike a classic group's, any state
 * may follow any other: the derivation, not a table, is Kafka's rule. The members' own
 * reconciliation states are the member machine's (consumer-group-member-machine.ts).
 *
 * Timers are delayed raises keyed per group and member (groupSessionTimeoutKey,
 * consumerGroupRebalanceTimeoutKey), handed to the coordinator by the host.
 */
import { enqueueActions, setup } from 'xstate';
import { transition } from '../transition.js';
import type { ConsumerGroupHeartbeatRequest } from '../../protocol/groups/messages.js';
import {
  consumerGroupHeartbeat, consumerGroupOnLoaded, consumerGroupState, consumerGroupTimer,
  type ConsumerGroup, type ConsumerGroupState, type ConsumerGroupsState,
} from './consumer-group.js';
import { groupMachineOutputs, type GroupMachineEffect, type MachineAction } from './group-machine-host.js';
import type { From, ShardEnv, ShardOutcome, ShardTimerEvent } from './shard.js';

export interface ConsumerGroupMachineContext {
  readonly groupId: string;
  /** null until a heartbeat creates the group. */
  readonly group: ConsumerGroup | null;
  readonly memberIdCounter: number;
  readonly memberIdSeed: number;
  readonly deleted: boolean;
}

export type ConsumerGroupTimerEvent =
  | { readonly type: 'SessionTimeout'; readonly memberId: string }
  | { readonly type: 'RebalanceTimeout'; readonly memberId: string; readonly memberEpoch: number };

export type ConsumerGroupMachineEvent = { readonly env: ShardEnv } & (
  | { readonly type: 'ConsumerGroupHeartbeat'; readonly request: From<ConsumerGroupHeartbeatRequest> }
  /** The shard was loaded and this group came back from its records (onLoaded). */
  | { readonly type: 'Loaded' }
  /** The group is removed (DeleteGroups; not served yet). */
  | { readonly type: 'Delete' }
  | ConsumerGroupTimerEvent
);

export function consumerTimerEventOf(timer: ShardTimerEvent): ConsumerGroupTimerEvent | null {
  switch (timer.kind) {
    case 'consumer.session': return { type: 'SessionTimeout', memberId: timer.memberId };
    case 'consumer.rebalance': return { type: 'RebalanceTimeout', memberId: timer.memberId, memberEpoch: timer.memberEpoch };
    default: return null;
  }
}

function shardTimerEventOf(groupId: string, event: ConsumerGroupTimerEvent): ShardTimerEvent {
  return event.type === 'SessionTimeout'
    ? { kind: 'consumer.session', groupId, memberId: event.memberId }
    : { kind: 'consumer.rebalance', groupId, memberId: event.memberId, memberEpoch: event.memberEpoch };
}

function asShard(c: ConsumerGroupMachineContext): ConsumerGroupsState {
  return { groups: c.group === null ? {} : { [c.groupId]: c.group }, memberIdCounter: c.memberIdCounter, memberIdSeed: c.memberIdSeed };
}

function ruleFor(s: ConsumerGroupsState, groupId: string, event: ConsumerGroupMachineEvent): ShardOutcome<ConsumerGroupsState> {
  switch (event.type) {
    case 'ConsumerGroupHeartbeat': return consumerGroupHeartbeat(s, event.request, event.env);
    case 'Loaded': return consumerGroupOnLoaded(s, event.env);
    case 'Delete': return { state: s, records: [], responses: [], timers: [], cancels: [] };
    default: return consumerGroupTimer(s, shardTimerEventOf(groupId, event), event.env);
  }
}

interface Enqueue {
  assign: (c: Partial<ConsumerGroupMachineContext>) => void;
  emit: (e: GroupMachineEffect) => void;
  cancel: (id: string) => void;
  raise: (e: ConsumerGroupTimerEvent, o: { delay: number; id: string }) => void;
}

const applyRule = enqueueActions(({ context, event, enqueue }: { context: ConsumerGroupMachineContext; event: ConsumerGroupMachineEvent; enqueue: unknown }) => {
  const q = enqueue as Enqueue;
  const outcome = ruleFor(asShard(context), context.groupId, event);
  q.assign({ group: outcome.state.groups[context.groupId] ?? null, memberIdCounter: outcome.state.memberIdCounter, deleted: event.type === 'Delete' });
  for (const response of outcome.responses) q.emit({ type: 'respond', response });
  for (const record of outcome.records) q.emit({ type: 'record', record });
  for (const key of outcome.cancels) q.cancel(key);
  for (const timer of outcome.timers) {
    const raised = consumerTimerEventOf(timer.event);
    if (raised === null) throw new Error(`consumer group ${context.groupId} scheduled a timer of another kind: ${timer.event.kind}`);
    q.raise(raised, { delay: timer.delayMs, id: timer.key });
  }
});

/** ConsumerGroup.maybeUpdateGroupState, or Dead once deleted. */
function derivedState(c: ConsumerGroupMachineContext): ConsumerGroupState | 'Dead' {
  if (c.deleted) return 'Dead';
  return c.group === null ? 'Empty' : consumerGroupState(c.group);
}

const reasons: Record<ConsumerGroupState | 'Dead', string> = {
  Empty: 'maybeUpdateGroupState: the last member left or was fenced (session or rebalance timeout).',
  Assigning: 'maybeUpdateGroupState: the group epoch moved past the target assignment\'s epoch (a member joined, left or changed its subscription, or a subscribed topic changed) and no new target was computed yet.',
  Reconciling: 'maybeUpdateGroupState: a target assignment at the group epoch exists and some member has not reached it (it is revoking, or waiting for partitions to be released).',
  Stable: 'maybeUpdateGroupState: every member is STABLE at the target assignment epoch.',
  Dead: 'The group is deleted.',
};

/** The guards of the eventless moves, named for what maybeUpdateGroupState sees: each holds when the derived state is its state. */
const moveGuards = {
  noMembers: 'Empty',
  groupEpochAheadOfTarget: 'Assigning',
  membersReconciling: 'Reconciling',
  allMembersReconciled: 'Stable',
  groupDeleted: 'Dead',
} as const satisfies Record<string, ConsumerGroupState | 'Dead'>;

function moves(from: ConsumerGroupState) {
  return (Object.keys(moveGuards) as (keyof typeof moveGuards)[])
    .filter((guard) => moveGuards[guard] !== from)
    .map((guard) => ({ guard, target: moveGuards[guard], description: reasons[moveGuards[guard]] }) as const);
}

const heartbeat = { actions: 'applyRule', description: 'consumerGroupHeartbeat: validate, then join, leave (epoch -1, static -2) or heartbeat: a changed subscription bumps the group epoch and computes a new target assignment; the member is reconciled one step (its member machine); the answer carries its epoch and, if changed, its assignment.' } as const;
const sessionTimeout = { actions: 'applyRule', description: 'consumerGroupFenceMemberOperation: a member that did not heartbeat within group.consumer.session.timeout.ms is fenced: tombstoned, and the group epoch bumped.' } as const;
const rebalanceTimeout = { actions: 'applyRule', description: 'The rebalance timeout: a member still UNREVOKED_PARTITIONS at the epoch the timer was set for is fenced; one that moved on is left alone.' } as const;
const loaded = { actions: 'applyRule', description: 'onLoaded: every member gets a session timer, every member still revoking a rebalance timer.' } as const;
const removed = { actions: 'applyRule', description: 'The group is deleted (DeleteGroups is not served yet).' } as const;

function live(from: ConsumerGroupState, description: string) {
  return {
    description,
    on: { ConsumerGroupHeartbeat: heartbeat, SessionTimeout: sessionTimeout, RebalanceTimeout: rebalanceTimeout, Loaded: loaded, Delete: removed },
    always: moves(from),
  };
}

export function createConsumerGroupMachine() {
  return setup({
    types: { context: {} as ConsumerGroupMachineContext, events: {} as ConsumerGroupMachineEvent, input: {} as ConsumerGroupMachineContext, emitted: {} as GroupMachineEffect },
    actions: { applyRule: applyRule as never },
    guards: Object.fromEntries(Object.entries(moveGuards).map(([name, state]) => [name, ({ context }: { context: ConsumerGroupMachineContext }) => derivedState(context) === state])) as Record<keyof typeof moveGuards, never>,
  }).createMachine({
    id: 'consumerGroup',
    context: ({ input }) => input,
    initial: 'Empty',
    states: {
      Empty: live('Empty', 'No members. Committed offsets stay; the first heartbeat with epoch 0 creates the group (or converts an empty classic group).'),
      Assigning: live('Assigning', 'The group epoch is ahead of the target assignment: the assignor has to compute a new target.'),
      Reconciling: live('Reconciling', 'The target assignment is at the group epoch; members move towards it one heartbeat at a time, revoking before anyone else is given a partition.'),
      Stable: live('Stable', 'Every member owns exactly its target at the assignment epoch.'),
      Dead: { description: 'The group is gone from the coordinator; the host drops it.' },
    },
  });
}

const machine = createConsumerGroupMachine();

/** Step one KIP-848 group's machine with one event; the shard's other groups are untouched. */
export function stepConsumerGroup(s: ConsumerGroupsState, groupId: string, event: ConsumerGroupMachineEvent): ShardOutcome<ConsumerGroupsState> {
  const group = s.groups[groupId] ?? null;
  const context: ConsumerGroupMachineContext = { groupId, group, memberIdCounter: s.memberIdCounter, memberIdSeed: s.memberIdSeed, deleted: false };
  const snapshot = machine.resolveState({ value: group === null ? 'Empty' : consumerGroupState(group), context });
  const [next, actions] = transition(machine, snapshot, event);
  const after = next.context;
  if (next.value !== derivedState(after)) throw new Error(`consumer group ${groupId} is ${derivedState(after)} but its machine is in ${String(next.value)}`);
  const groups = { ...s.groups };
  if (after.group === null || next.value === 'Dead') delete groups[groupId];
  else groups[groupId] = after.group;
  const outputs = groupMachineOutputs(groupId, actions as readonly MachineAction[], (e: ConsumerGroupTimerEvent) => shardTimerEventOf(groupId, e));
  return { ...outputs, state: { ...s, groups, memberIdCounter: after.memberIdCounter } };
}
