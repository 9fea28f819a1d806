/**
 * The classic group protocol on the coordinator (protocol-rules B.3–B.8), scenario by scenario.
 * A small harness plays the coordinator around the pure rules: it keeps the timers by key (cancels
 * first, then sets, as the coordinator does), moves the clock, and fires due timers in order.
 */
import { describe, expect, it } from 'vitest';
import { errorCode, errorName } from '../../src/protocol/errors.js';
import type {
  ConsumerProtocolAssignment, GroupResponse, HeartbeatResponse, JoinGroupProtocol, JoinGroupResponse, LeaveGroupResponse, OffsetCommitRequest, SyncGroupResponse,
} from '../../src/protocol/groups/messages.js';
import {
  classicGroupSummary, classicHeartbeat, classicJoinGroup, classicLeaveGroup, classicOnLoaded, classicSyncGroup, classicTimer, classicTouchOnOffsetCommit,
  classicValidateOffsetCommit, createSimpleGroup, emptyClassicGroups, heartbeatKey, joinKey, replayGroupMetadata, syncKey, transitionTo,
  type ClassicGroup, type ClassicGroupsState,
} from '../../src/machines/group/classic.js';
import { GroupJudge } from '../support/group-judge.js';
import { ClassicEffects } from '../../src/machines/group/classic-effects.js';
import type { GroupMetadataRecord, GroupRecord } from '../../src/protocol/groups/records.js';
import { defaultGroupCoordinatorConfig, type GroupCoordinatorConfig, type ShardEnv, type ShardOutcome, type ShardTimerEvent } from '../../src/machines/group/shard.js';

const GROUP = 'g';
const SESSION_MS = 10_000;
const REBALANCE_MS = 30_000;

const subscription = (...topics: string[]) => ({ topics, ownedPartitions: [], generationId: -1, rackId: null });
const protocol = (name: string, ...topics: string[]): JoinGroupProtocol => ({ name, metadata: subscription(...(topics.length ? topics : ['t'])) });
const assignment = (topic: string, ...partitions: number[]): ConsumerProtocolAssignment => ({ assignedPartitions: [{ topic, partitions }] });
const code = (response: { errorCode: number }): string => errorName(response.errorCode);

interface JoinOptions {
  memberId?: string;
  instanceId?: string | null;
  protocols?: readonly JoinGroupProtocol[];
  protocolType?: string;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  groupId?: string;
}

class Harness {
  state: ClassicGroupsState = emptyClassicGroups(42);
  nowMs = 0;
  timers = new Map<string, { dueMs: number; event: ShardTimerEvent }>();
  records: GroupRecord[] = [];
  private correlationId = 0;
  private readonly judge = new GroupJudge();

  constructor(readonly config: GroupCoordinatorConfig = defaultGroupCoordinatorConfig) {}

  env(): ShardEnv {
    return { nowMs: this.nowMs, config: this.config, topics: {}, partition: 0 };
  }

  group(groupId = GROUP): ClassicGroup {
    const group = this.state.groups[groupId];
    if (group === undefined) throw new Error(`no group ${groupId}`);
    return group;
  }

  private apply(outcome: ShardOutcome<ClassicGroupsState>): ShardOutcome<ClassicGroupsState> {
    this.state = outcome.state;
    for (const key of outcome.cancels) this.timers.delete(key);
    for (const timer of outcome.timers) this.timers.set(timer.key, { dueMs: this.nowMs + timer.delayMs, event: timer.event });
    this.records.push(...outcome.records);
    expect(this.judge.observe({ classic: this.state })).toEqual([]);
    return outcome;
  }

  private messagesTo(outcome: ShardOutcome<ClassicGroupsState>, from: number): GroupResponse[] {
    return outcome.responses.filter((response) => response.to === from).map((response) => response.message);
  }

  join(from: number, options: JoinOptions = {}): ShardOutcome<ClassicGroupsState> {
    return this.apply(classicJoinGroup(this.state, {
      type: 'JoinGroup', correlationId: ++this.correlationId, from,
      groupId: options.groupId ?? GROUP,
      sessionTimeoutMs: options.sessionTimeoutMs ?? SESSION_MS,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? REBALANCE_MS,
      memberId: options.memberId ?? '',
      groupInstanceId: options.instanceId ?? null,
      protocolType: options.protocolType ?? 'consumer',
      protocols: options.protocols ?? [protocol('range')],
      reason: null,
    }, this.env()));
  }

  /** The JoinGroup answer `from` got in this outcome (the request may have been parked: then none). */
  joinAnswer(outcome: ShardOutcome<ClassicGroupsState>, from: number): JoinGroupResponse | undefined {
    return this.messagesTo(outcome, from).find((m): m is JoinGroupResponse => m.type === 'JoinGroupResponse');
  }

  /** A dynamic member's two-step join (MEMBER_ID_REQUIRED, then the join with the id); the id. */
  joinDynamic(from: number, options: JoinOptions = {}): string {
    const first = this.joinAnswer(this.join(from, options), from)!;
    expect(code(first)).toBe('MEMBER_ID_REQUIRED');
    this.join(from, { ...options, memberId: first.memberId });
    return first.memberId;
  }

  sync(from: number, memberId: string, generationId: number, assignments: { memberId: string; assignment: ConsumerProtocolAssignment }[] = [], extra: { protocolName?: string | null; instanceId?: string | null } = {}): ShardOutcome<ClassicGroupsState> {
    return this.apply(classicSyncGroup(this.state, {
      type: 'SyncGroup', correlationId: ++this.correlationId, from, groupId: GROUP, generationId, memberId,
      groupInstanceId: extra.instanceId ?? null, protocolType: 'consumer', protocolName: extra.protocolName ?? null, assignments,
    }, this.env()));
  }

  syncAnswer(outcome: ShardOutcome<ClassicGroupsState>, from: number): SyncGroupResponse | undefined {
    return this.messagesTo(outcome, from).find((m): m is SyncGroupResponse => m.type === 'SyncGroupResponse');
  }

  heartbeat(from: number, memberId: string, generationId: number, instanceId: string | null = null, groupId = GROUP): HeartbeatResponse {
    const outcome = this.apply(classicHeartbeat(this.state, { type: 'Heartbeat', correlationId: ++this.correlationId, from, groupId, generationId, memberId, groupInstanceId: instanceId }, this.env()));
    return this.messagesTo(outcome, from)[0] as HeartbeatResponse;
  }

  leave(from: number, members: { memberId: string; instanceId?: string | null }[]): ShardOutcome<ClassicGroupsState> {
    return this.apply(classicLeaveGroup(this.state, {
      type: 'LeaveGroup', correlationId: ++this.correlationId, from, groupId: GROUP,
      members: members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.instanceId ?? null, reason: null })),
    }, this.env()));
  }

  leaveAnswer(outcome: ShardOutcome<ClassicGroupsState>, from: number): LeaveGroupResponse {
    return this.messagesTo(outcome, from).find((m): m is LeaveGroupResponse => m.type === 'LeaveGroupResponse')!;
  }

  fire(event: ShardTimerEvent): ShardOutcome<ClassicGroupsState> {
    return this.apply(classicTimer(this.state, event, this.env()));
  }

  /** Move the clock by `ms`, firing every timer that falls due, in order; the outcomes of the firings. */
  advance(ms: number): ShardOutcome<ClassicGroupsState>[] {
    const until = this.nowMs + ms;
    const outcomes: ShardOutcome<ClassicGroupsState>[] = [];
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.dueMs <= until).sort((a, b) => a[1].dueMs - b[1].dueMs)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.nowMs = due[1].dueMs;
      outcomes.push(this.fire(due[1].event));
    }
    this.nowMs = until;
    return outcomes;
  }

  responsesOf(outcomes: ShardOutcome<ClassicGroupsState>[], from: number): GroupResponse[] {
    return outcomes.flatMap((o) => this.messagesTo(o, from));
  }

  dueIn(key: string): number | undefined {
    const timer = this.timers.get(key);
    return timer === undefined ? undefined : timer.dueMs - this.nowMs;
  }
}

/** Let `ms` pass in steps of 3 s, each member heartbeating at every step (whatever the answer). */
function keepAlive(h: Harness, ms: number, members: readonly { from: number; memberId: string; generationId: number; instanceId?: string }[]): ShardOutcome<ClassicGroupsState>[] {
  const outcomes: ShardOutcome<ClassicGroupsState>[] = [];
  for (let passed = 0; passed < ms; passed += 3_000) {
    outcomes.push(...h.advance(Math.min(3_000, ms - passed)));
    for (const m of members) h.heartbeat(m.from, m.memberId, m.generationId, m.instanceId ?? null);
  }
  return outcomes;
}

/** Two dynamic members in a Stable group at generation 1: member 1 (address 1) leads. */
function stableGroupOfTwo(h = new Harness()): { h: Harness; leader: string; follower: string } {
  const leader = h.joinDynamic(1);
  const follower = h.joinDynamic(2);
  h.advance(defaultGroupCoordinatorConfig.groupInitialRebalanceDelayMs * 2);
  expect(h.group().state).toBe('CompletingRebalance');
  h.sync(2, follower, 1);
  h.sync(1, leader, 1, [{ memberId: leader, assignment: assignment('t', 0) }, { memberId: follower, assignment: assignment('t', 1) }]);
  expect(h.group().state).toBe('Stable');
  return { h, leader, follower };
}

describe('B.3 the transition table (ClassicGroupState, ClassicGroup.assertValidTransition)', () => {
  it('transitionTo follows the legal predecessors and throws on anything else', () => {
    const h = new Harness();
    h.joinDynamic(1);
    const group = h.group();
    expect(group.state).toBe('PreparingRebalance');
    expect(transitionTo(group, 'CompletingRebalance', 0).state).toBe('CompletingRebalance');
    expect(transitionTo(group, 'Empty', 0).previousState).toBe('PreparingRebalance');
    expect(() => transitionTo(group, 'Stable', 0)).toThrow(/should be in one of \[CompletingRebalance\]/);
    expect(() => transitionTo(transitionTo(group, 'Dead', 0), 'Empty', 0)).toThrow();
    expect(transitionTo(transitionTo(group, 'Dead', 0), 'Dead', 0).state).toBe('Dead');
  });
});

describe('effects (CoordinatorTimer semantics)', () => {
  it('the last operation on a timer key wins: scheduled then cancelled leaves a cancel, and the reverse a timer', () => {
    const effects = new ClassicEffects();
    effects.schedule('a', 5, { kind: 'classic.join', groupId: GROUP });
    effects.cancel('a');
    effects.cancel('b');
    effects.schedule('b', 7, { kind: 'classic.join', groupId: GROUP });
    const outcome = effects.outcome(null);
    expect(outcome.cancels).toEqual(['a']);
    expect(outcome.timers).toEqual([{ key: 'b', delayMs: 7, event: { kind: 'classic.join', groupId: GROUP } }]);
  });
});

describe('B.4 JoinGroup', () => {
  it('checks the group id and the session timeout bounds first (GroupCoordinatorService.joinGroup)', () => {
    const h = new Harness();
    expect(code(h.joinAnswer(h.join(1, { groupId: '' }), 1)!)).toBe('INVALID_GROUP_ID');
    expect(code(h.joinAnswer(h.join(1, { sessionTimeoutMs: 5_999 }), 1)!)).toBe('INVALID_SESSION_TIMEOUT');
    expect(code(h.joinAnswer(h.join(1, { sessionTimeoutMs: 1_800_001 }), 1)!)).toBe('INVALID_SESSION_TIMEOUT');
    expect(h.state.groups).toEqual({});
  });

  it('an unknown group with a member id answers UNKNOWN_MEMBER_ID and creates nothing', () => {
    const h = new Harness();
    expect(code(h.joinAnswer(h.join(1, { memberId: 'ghost' }), 1)!)).toBe('UNKNOWN_MEMBER_ID');
    expect(h.state.groups).toEqual({});
    expect(h.records).toEqual([]);
  });

  it('MEMBER_ID_REQUIRED (v4+, KIP-394): the group is created Empty and written; the id is pending for a session timeout', () => {
    const h = new Harness();
    const outcome = h.join(1);
    const answer = h.joinAnswer(outcome, 1)!;
    expect(code(answer)).toBe('MEMBER_ID_REQUIRED');
    expect(answer.memberId).toMatch(/^consumer-g-1-[A-Za-z0-9_-]{22}$/);
    expect(h.group().state).toBe('Empty');
    expect(h.group().pendingJoinMembers).toEqual([answer.memberId]);
    expect(h.group().members).toEqual([]);
    expect(outcome.records).toEqual([{ type: 'GroupMetadata', group: GROUP, value: { protocolType: '', generation: 0, protocol: null, leader: null, currentStateTimestamp: 0, members: [] } }]);
    expect(outcome.timers).toEqual([{ key: heartbeatKey(GROUP, answer.memberId), delayMs: SESSION_MS, event: { kind: 'classic.pendingMember', groupId: GROUP, memberId: answer.memberId } }]);
  });

  it('the join with the handed-out id adds the member, starts the initial rebalance delay, and completes it as generation 1', () => {
    const h = new Harness();
    const memberId = h.joinAnswer(h.join(1), 1)!.memberId;
    const parked = h.join(1, { memberId });
    expect(parked.responses).toEqual([]);
    expect(h.group().state).toBe('PreparingRebalance');
    expect(h.group().leaderId).toBe(memberId);
    expect(h.dueIn(joinKey(GROUP))).toBe(3_000);
    // A new member's deadline is the new-member join timeout, not its session timeout.
    expect(h.dueIn(heartbeatKey(GROUP, memberId))).toBe(300_000);
    const answer = h.responsesOf(h.advance(3_000), 1)[0] as JoinGroupResponse;
    expect(answer).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', protocolType: 'consumer', leader: memberId, memberId, skipAssignment: false });
    expect(answer.members).toEqual([{ memberId, groupInstanceId: null, metadata: subscription('t') }]);
    expect(h.group().state).toBe('CompletingRebalance');
    expect(h.group().members[0]!.isNew).toBe(false);
    expect(h.dueIn(heartbeatKey(GROUP, memberId))).toBe(SESSION_MS);
    expect(h.dueIn(syncKey(GROUP))).toBe(REBALANCE_MS);
  });

  it('two members: the first to join leads and gets the members; the follower gets none', () => {
    const h = new Harness();
    const first = h.joinDynamic(1);
    const second = h.joinDynamic(2);
    const outcomes = h.advance(6_000);
    const toLeader = h.responsesOf(outcomes, 1)[0] as JoinGroupResponse;
    const toFollower = h.responsesOf(outcomes, 2)[0] as JoinGroupResponse;
    expect(toLeader.leader).toBe(first);
    expect(toLeader.members.map((m) => m.memberId)).toEqual([first, second]);
    expect(toFollower).toMatchObject({ leader: first, memberId: second, generationId: 1, members: [] });
  });

  it('the initial rebalance delay is extended once per delay in which a member joined, never past the rebalance timeout', () => {
    const h = new Harness();
    h.joinDynamic(1, { rebalanceTimeoutMs: 10_000 });
    h.advance(1_000);
    h.joinDynamic(2, { rebalanceTimeoutMs: 10_000 });
    h.advance(2_000); // t=3000: a member joined during the first delay: wait another 3000
    expect(h.group().state).toBe('PreparingRebalance');
    expect(h.dueIn(joinKey(GROUP))).toBe(3_000);
    h.advance(1_000);
    h.joinDynamic(3, { rebalanceTimeoutMs: 10_000 });
    h.advance(2_000); // t=6000: extended again
    expect(h.group().state).toBe('PreparingRebalance');
    h.advance(1_000);
    h.joinDynamic(4, { rebalanceTimeoutMs: 10_000 });
    h.advance(2_000); // t=9000: only 1000 left of the 10000 rebalance timeout
    expect(h.dueIn(joinKey(GROUP))).toBe(1_000);
    h.joinDynamic(5, { rebalanceTimeoutMs: 10_000 });
    h.advance(1_000); // t=10000: no time left: complete although a member joined
    expect(h.group()).toMatchObject({ state: 'CompletingRebalance', generationId: 1 });
    expect(h.group().members).toHaveLength(5);
  });

  it('without a new member the initial delay ends after one delay', () => {
    const h = new Harness();
    h.joinDynamic(1);
    h.advance(2_999);
    expect(h.group().state).toBe('PreparingRebalance');
    h.advance(1);
    expect(h.group().state).toBe('CompletingRebalance');
  });

  it('selects the protocol every member supports with the most first-choice votes', () => {
    const h = new Harness();
    h.joinDynamic(1, { protocols: [protocol('roundrobin'), protocol('range')] });
    h.joinDynamic(2, { protocols: [protocol('range'), protocol('roundrobin'), protocol('sticky')] });
    h.joinDynamic(3, { protocols: [protocol('sticky'), protocol('range')] });
    h.advance(6_000);
    // Candidates are only range (sticky and roundrobin are not supported by all): all vote range.
    expect(h.group().protocolName).toBe('range');
  });

  it('breaks a tie in votes by the lowest protocol name (kspec\'s rule for Java\'s HashMap order)', () => {
    const h = new Harness();
    h.joinDynamic(1, { protocols: [protocol('roundrobin'), protocol('cooperative-sticky')] });
    h.joinDynamic(2, { protocols: [protocol('cooperative-sticky'), protocol('roundrobin')] });
    h.advance(6_000);
    expect(h.group().protocolName).toBe('cooperative-sticky');
  });

  it('INCONSISTENT_GROUP_PROTOCOL: an empty group needs a protocol type and a protocol; a live one the same type and a protocol all support', () => {
    const h = new Harness();
    expect(code(h.joinAnswer(h.join(1, { protocolType: '' }), 1)!)).toBe('INCONSISTENT_GROUP_PROTOCOL');
    expect(code(h.joinAnswer(h.join(1, { protocols: [] }), 1)!)).toBe('INCONSISTENT_GROUP_PROTOCOL');
    h.joinDynamic(1);
    const wrongType = h.joinAnswer(h.join(2, { protocolType: 'connect' }), 2)!;
    expect(code(wrongType)).toBe('INCONSISTENT_GROUP_PROTOCOL');
    expect(wrongType.memberId).toBe('');
    expect(code(h.joinAnswer(h.join(2, { protocols: [protocol('roundrobin')] }), 2)!)).toBe('INCONSISTENT_GROUP_PROTOCOL');
  });

  it('a new member in a Stable group starts a rebalance; the others learn it from their heartbeats and re-join; generation 2', () => {
    const { h, leader, follower } = stableGroupOfTwo();
    const third = h.joinDynamic(3);
    expect(h.group().state).toBe('PreparingRebalance');
    expect(h.dueIn(joinKey(GROUP))).toBe(REBALANCE_MS);
    expect(code(h.heartbeat(1, leader, 1))).toBe('REBALANCE_IN_PROGRESS');
    h.join(1, { memberId: leader });
    const last = h.join(2, { memberId: follower });
    // Everyone joined: the join phase completes at once, not at the rebalance timeout.
    expect(h.group()).toMatchObject({ state: 'CompletingRebalance', generationId: 2, leaderId: leader });
    expect(last.responses.map((r) => r.to).sort()).toEqual([1, 2, 3]);
    expect(h.timers.has(joinKey(GROUP))).toBe(false);
    expect(h.group().members.map((m) => m.memberId)).toEqual([leader, follower, third]);
  });

  it('in Stable: the leader\'s re-join rebalances; a follower\'s unchanged re-join gets the current generation at once', () => {
    const { h, leader, follower } = stableGroupOfTwo();
    const again = h.joinAnswer(h.join(2, { memberId: follower }), 2)!;
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, leader, members: [] });
    expect(h.group().state).toBe('Stable');
    h.join(1, { memberId: leader });
    expect(h.group().state).toBe('PreparingRebalance');
  });

  it('in Stable: a follower re-joining with changed protocols rebalances', () => {
    const { h, follower } = stableGroupOfTwo();
    h.join(2, { memberId: follower, protocols: [protocol('range', 't', 'u')] });
    expect(h.group().state).toBe('PreparingRebalance');
  });

  it('in CompletingRebalance: a re-join with the same metadata is answered again (the leader with the members); a change rebalances', () => {
    const h = new Harness();
    const leader = h.joinDynamic(1);
    const follower = h.joinDynamic(2);
    h.advance(6_000);
    const toLeader = h.joinAnswer(h.join(1, { memberId: leader }), 1)!;
    expect(toLeader).toMatchObject({ generationId: 1, leader });
    expect(toLeader.members).toHaveLength(2);
    expect(h.group().state).toBe('CompletingRebalance');
    expect(h.sync(2, follower, 1).responses).toEqual([]);
    const change = h.join(1, { memberId: leader, protocols: [protocol('range', 'other')] });
    // The follower's parked SyncGroup is sent back to re-join.
    expect(code(h.syncAnswer(change, 2)!)).toBe('REBALANCE_IN_PROGRESS');
    expect(h.group().state).toBe('PreparingRebalance');
    expect(h.group().members.every((m) => m.assignment.assignedPartitions.length === 0)).toBe(true);
  });

  it('a known member joining an Empty group (after a failover, say) is UNKNOWN_MEMBER_ID', () => {
    const h = new Harness();
    h.state = replayGroupMetadata(h.state, { type: 'GroupMetadata', group: GROUP, value: { protocolType: 'consumer', generation: 3, protocol: null, leader: null, currentStateTimestamp: 5, members: [] } });
    expect(code(h.joinAnswer(h.join(1, { memberId: 'old' }), 1)!)).toBe('UNKNOWN_MEMBER_ID');
  });

  it('GROUP_MAX_SIZE_REACHED: a new member beyond group.max.size is turned away', () => {
    const h = new Harness({ ...defaultGroupCoordinatorConfig, groupMaxSize: 1 });
    h.joinDynamic(1);
    h.advance(3_000);
    const refused = h.joinAnswer(h.join(2), 2)!;
    expect(code(refused)).toBe('GROUP_MAX_SIZE_REACHED');
    expect(refused.memberId).toBe('');
    expect(h.group().members).toHaveLength(1);
  });

  it('Dead: COORDINATOR_NOT_AVAILABLE for join, sync, heartbeat, leave and commit', () => {
    const { h, leader } = stableGroupOfTwo();
    h.state = { ...h.state, groups: { [GROUP]: transitionTo({ ...h.group() }, 'Dead', 0) } };
    // (A Dead group keeps no members in Kafka; drop them so the state checks hold.)
    h.state = { ...h.state, groups: { [GROUP]: { ...h.group(), members: [], staticMembers: {}, leaderId: null } } };
    expect(code(h.joinAnswer(h.join(1), 1)!)).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(code(h.heartbeat(1, leader, 1))).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(code(h.syncAnswer(h.sync(1, leader, 1), 1)!)).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(code(h.leaveAnswer(h.leave(1, [{ memberId: leader }]), 1))).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(classicValidateOffsetCommit(h.group(), commit({ generation: 1, memberId: leader }))).toBe('COORDINATOR_NOT_AVAILABLE');
  });
});

function syncToOtherGroup(h: Harness, groupId: string, memberId: string): SyncGroupResponse {
  const outcome = classicSyncGroup(h.state, { type: 'SyncGroup', correlationId: 1, from: 1, groupId, generationId: 1, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }, h.env());
  return outcome.responses[0]!.message as SyncGroupResponse;
}

describe('B.5 SyncGroup', () => {
  it('followers are parked; the leader\'s assignment is written, everyone parked gets its part, the group is Stable', () => {
    const h = new Harness();
    const leader = h.joinDynamic(1);
    const follower = h.joinDynamic(2);
    h.advance(6_000);
    expect(h.sync(2, follower, 1).responses).toEqual([]);
    const outcome = h.sync(1, leader, 1, [{ memberId: leader, assignment: assignment('t', 0, 1) }]);
    expect(h.group().state).toBe('Stable');
    expect(h.syncAnswer(outcome, 1)).toMatchObject({ errorCode: 0, protocolName: 'range', protocolType: 'consumer', assignment: assignment('t', 0, 1) });
    // The leader left the follower out: it gets an empty assignment.
    expect(h.syncAnswer(outcome, 2)).toMatchObject({ errorCode: 0, assignment: { assignedPartitions: [] } });
    const record = outcome.records[0] as GroupMetadataRecord;
    expect(record.value).toMatchObject({ protocolType: 'consumer', generation: 1, protocol: 'range', leader });
    expect(record.value!.members.map((m) => [m.memberId, m.assignment])).toEqual([[leader, assignment('t', 0, 1)], [follower, { assignedPartitions: [] }]]);
    expect(h.timers.has(syncKey(GROUP))).toBe(false);
  });

  it('in Stable a member gets the stored assignment', () => {
    const { h, follower } = stableGroupOfTwo();
    expect(h.syncAnswer(h.sync(2, follower, 1), 2)).toMatchObject({ errorCode: 0, assignment: assignment('t', 1) });
  });

  it('errors: unknown group or Empty → UNKNOWN_MEMBER_ID; unknown member; wrong generation; another protocol; during the join phase', () => {
    const { h, leader, follower } = stableGroupOfTwo();
    expect(code(syncToOtherGroup(h, 'other', leader))).toBe('UNKNOWN_MEMBER_ID');
    expect(code(h.syncAnswer(h.sync(1, 'ghost', 1), 1)!)).toBe('UNKNOWN_MEMBER_ID');
    expect(code(h.syncAnswer(h.sync(1, leader, 0), 1)!)).toBe('ILLEGAL_GENERATION');
    expect(code(h.syncAnswer(h.sync(1, leader, 1, [], { protocolName: 'roundrobin' }), 1)!)).toBe('INCONSISTENT_GROUP_PROTOCOL');
    expect(code(h.syncAnswer(h.sync(1, leader, 1, [], { protocolName: 'range' }), 1)!)).toBe('NONE');
    h.join(1, { memberId: leader });
    expect(code(h.syncAnswer(h.sync(2, follower, 1), 2)!)).toBe('REBALANCE_IN_PROGRESS');
  });

  it('pending-sync expiry: members that never sent SyncGroup in the rebalance timeout are removed and the group rebalances', () => {
    const h = new Harness();
    const leader = h.joinDynamic(1);
    const follower = h.joinDynamic(2);
    h.advance(6_000);
    h.sync(1, leader, 1, [{ memberId: leader, assignment: assignment('t', 0) }, { memberId: follower, assignment: assignment('t', 1) }]);
    expect(h.group().pendingSyncMembers).toEqual([follower]);
    // Heartbeats keep both alive, but a heartbeat is not a SyncGroup.
    const outcomes = keepAlive(h, REBALANCE_MS, [{ from: 1, memberId: leader, generationId: 1 }, { from: 2, memberId: follower, generationId: 1 }]);
    expect(outcomes.some((o) => o.state.groups[GROUP]!.state === 'PreparingRebalance')).toBe(true);
    expect(h.group().members.map((m) => m.memberId)).toEqual([leader]);
    expect(h.timers.has(heartbeatKey(GROUP, follower))).toBe(false);
  });

  it('a pending-sync deadline of an older generation, or after everyone synced, does nothing', () => {
    const { h } = stableGroupOfTwo();
    const before = h.state;
    const stale = h.fire({ kind: 'classic.sync', groupId: GROUP, generationId: 0 });
    expect(stale).toEqual({ state: before, records: [], responses: [], timers: [], cancels: [] });
    expect(h.fire({ kind: 'classic.sync', groupId: GROUP, generationId: 1 }).state).toBe(before);
  });
});

describe('B.6 Heartbeat and session timeout', () => {
  it('answers by validation, then by state; each accepted heartbeat moves the deadline by the session timeout', () => {
    const { h, leader } = stableGroupOfTwo();
    expect(code(h.heartbeat(1, leader, 1, null, 'nope'))).toBe('UNKNOWN_MEMBER_ID');
    expect(code(h.heartbeat(1, 'ghost', 1))).toBe('UNKNOWN_MEMBER_ID');
    expect(code(h.heartbeat(1, leader, 2))).toBe('ILLEGAL_GENERATION');
    h.advance(4_000);
    expect(h.dueIn(heartbeatKey(GROUP, leader))).toBe(SESSION_MS - 4_000);
    expect(code(h.heartbeat(1, leader, 1))).toBe('NONE');
    expect(h.dueIn(heartbeatKey(GROUP, leader))).toBe(SESSION_MS);
    h.joinDynamic(3);
    h.advance(4_000);
    expect(code(h.heartbeat(1, leader, 1))).toBe('REBALANCE_IN_PROGRESS');
    expect(h.dueIn(heartbeatKey(GROUP, leader))).toBe(SESSION_MS);
  });

  it('heartbeats count in CompletingRebalance too (between the JoinGroup answer and SyncGroup)', () => {
    const h = new Harness();
    const leader = h.joinDynamic(1);
    h.advance(3_000);
    expect(code(h.heartbeat(1, leader, 1))).toBe('NONE');
  });

  it('a member whose session expires is removed and the group rebalances without it', () => {
    const { h, leader, follower } = stableGroupOfTwo();
    for (let i = 0; i < 3; i++) {
      h.advance(4_000);
      h.heartbeat(1, leader, 1);
    }
    expect(h.group().members.map((m) => m.memberId)).toEqual([leader]);
    expect(h.group().state).toBe('PreparingRebalance');
    expect(code(h.heartbeat(2, follower, 1))).toBe('UNKNOWN_MEMBER_ID');
    h.join(1, { memberId: leader });
    expect(h.group()).toMatchObject({ state: 'CompletingRebalance', generationId: 2 });
  });

  it('a member parked in JoinGroup is not expired by its session (it cannot heartbeat while parked)', () => {
    const { h, leader } = stableGroupOfTwo();
    h.join(1, { memberId: leader });
    h.advance(SESSION_MS + 1);
    expect(h.group().members.map((m) => m.memberId)).toEqual([leader]);
    // The follower neither re-joined nor heartbeat: gone; the join phase had only it to wait for.
    expect(h.group()).toMatchObject({ state: 'CompletingRebalance', generationId: 2 });
  });

  it('a join phase not everyone re-joined ends at the rebalance timeout without the dynamic members that stayed away', () => {
    const { h, leader, follower } = stableGroupOfTwo();
    h.join(2, { memberId: follower, protocols: [protocol('range', 'u')] });
    for (let t = 0; t < REBALANCE_MS; t += 4_000) {
      h.advance(4_000);
      if (h.group().state === 'PreparingRebalance') h.heartbeat(1, leader, 1);
    }
    expect(h.group()).toMatchObject({ state: 'CompletingRebalance', generationId: 2, leaderId: follower });
    expect(h.group().members.map((m) => m.memberId)).toEqual([follower]);
  });

  it('a handed-out member id that never comes back is dropped after the session timeout, releasing the join phase', () => {
    const { h, leader, follower } = stableGroupOfTwo();
    h.join(1, { memberId: leader });
    h.join(2, { memberId: follower });
    const completeBefore = h.group().state;
    expect(completeBefore).toBe('CompletingRebalance');
    h.join(1, { memberId: leader, protocols: [protocol('range', 'x')] });
    const pendingId = h.joinAnswer(h.join(3), 3)!.memberId;
    h.join(2, { memberId: follower });
    expect(h.group().state).toBe('PreparingRebalance');
    h.advance(SESSION_MS);
    expect(h.group().pendingJoinMembers).not.toContain(pendingId);
    expect(h.group()).toMatchObject({ state: 'CompletingRebalance', generationId: 3 });
  });

  it('a new member whose JoinGroup is parked expires at the new-member join timeout, answered UNKNOWN_MEMBER_ID', () => {
    const config = { ...defaultGroupCoordinatorConfig, newMemberJoinTimeoutMs: 20_000 };
    const { h, leader } = stableGroupOfTwo(new Harness(config));
    h.joinDynamic(3, { rebalanceTimeoutMs: 60_000 });
    let answer: JoinGroupResponse | undefined;
    for (let t = 0; t < 20_000; t += 4_000) {
      const outcomes = h.advance(4_000);
      answer ??= h.responsesOf(outcomes, 3).find((m): m is JoinGroupResponse => m.type === 'JoinGroupResponse');
      if (h.group().state === 'PreparingRebalance') h.heartbeat(1, leader, 1);
    }
    expect(answer).toMatchObject({ errorCode: errorCode('UNKNOWN_MEMBER_ID'), memberId: '' });
  });

  it('a heartbeat deadline of a member already gone does nothing', () => {
    const { h, follower } = stableGroupOfTwo();
    h.leave(2, [{ memberId: follower }]);
    const before = h.state;
    expect(h.fire({ kind: 'classic.heartbeat', groupId: GROUP, memberId: follower })).toEqual({ state: before, records: [], responses: [], timers: [], cancels: [] });
    expect(h.fire({ kind: 'classic.pendingMember', groupId: GROUP, memberId: follower }).state).toBe(before);
    expect(h.fire({ kind: 'classic.heartbeat', groupId: 'nope', memberId: follower }).state).toBe(before);
  });

  it('a join deadline outside the join phase does nothing', () => {
    const { h } = stableGroupOfTwo();
    const before = h.state;
    expect(h.fire({ kind: 'classic.join', groupId: GROUP }).state).toBe(before);
  });
});

describe('B.7 LeaveGroup and static membership', () => {
  it('a member leaving a Stable group starts a rebalance; its deadline is cancelled', () => {
    const { h, leader, follower } = stableGroupOfTwo();
    const outcome = h.leave(1, [{ memberId: leader }]);
    expect(h.leaveAnswer(outcome, 1)).toMatchObject({ errorCode: 0, members: [{ memberId: leader, groupInstanceId: null, errorCode: 0 }] });
    expect(outcome.cancels).toContain(heartbeatKey(GROUP, leader));
    expect(h.group()).toMatchObject({ state: 'PreparingRebalance', leaderId: follower });
  });

  it('the last member leaving empties the group: generation + 1, written with no members', () => {
    const h = new Harness();
    const only = h.joinDynamic(1);
    h.advance(3_000);
    h.sync(1, only, 1, [{ memberId: only, assignment: assignment('t', 0) }]);
    const outcome = h.leave(1, [{ memberId: only }]);
    expect(h.group()).toMatchObject({ state: 'Empty', generationId: 2, protocolName: null, leaderId: null });
    expect(outcome.records).toEqual([{ type: 'GroupMetadata', group: GROUP, value: { protocolType: 'consumer', generation: 2, protocol: null, leader: null, currentStateTimestamp: 3_000, members: [] } }]);
  });

  it('a batch: each identity answered alone (unknown member, pending id, admin removal by instance id); unknown group', () => {
    const h = new Harness();
    const dynamic = h.joinDynamic(1);
    h.join(2, { instanceId: 'i2' });
    const pending = h.joinAnswer(h.join(3), 3)!.memberId;
    const outcome = h.leave(9, [{ memberId: 'ghost' }, { memberId: pending }, { memberId: '', instanceId: 'i2' }, { memberId: '', instanceId: 'nobody' }]);
    expect(h.leaveAnswer(outcome, 9).members.map((m) => code(m))).toEqual(['UNKNOWN_MEMBER_ID', 'NONE', 'NONE', 'UNKNOWN_MEMBER_ID']);
    // The static member's parked JoinGroup is answered UNKNOWN_MEMBER_ID.
    expect(code(h.joinAnswer(outcome, 2)!)).toBe('UNKNOWN_MEMBER_ID');
    expect(h.group().members.map((m) => m.memberId)).toEqual([dynamic]);
    expect(h.group().staticMembers).toEqual({});
    expect(h.group().pendingJoinMembers).toEqual([]);
    const unknown = classicLeaveGroup(h.state, { type: 'LeaveGroup', correlationId: 1, from: 1, groupId: 'nope', members: [] }, h.env());
    expect(code(unknown.responses[0]!.message as LeaveGroupResponse)).toBe('UNKNOWN_MEMBER_ID');
  });

  it('a pending (dynamic) member id sent with an instance id is refused (Kafka: IllegalStateException → UNKNOWN_SERVER_ERROR)', () => {
    const h = new Harness();
    const pending = h.joinAnswer(h.join(1), 1)!.memberId;
    expect(code(h.joinAnswer(h.join(1, { memberId: pending, instanceId: 'x' }), 1)!)).toBe('UNKNOWN_SERVER_ERROR');
    expect(h.group().members).toEqual([]);
  });

  it('a static member joins without MEMBER_ID_REQUIRED, with an id made from its instance id', () => {
    const h = new Harness();
    h.join(1, { instanceId: 'instance-a' });
    const member = h.group().members[0]!;
    expect(member.memberId).toMatch(/^instance-a-/);
    expect(h.group().staticMembers).toEqual({ 'instance-a': member.memberId });
  });

  it('static members survive a join phase they did not re-join; dynamic ones do not (KIP-345)', () => {
    const h = new Harness();
    h.join(1, { instanceId: 'a' });
    const dynamic = h.joinDynamic(2);
    h.advance(6_000);
    const staticId = h.group().staticMembers.a!;
    h.sync(1, staticId, 1, []);
    h.join(3, { instanceId: 'c' }); // a new static member: rebalance; nobody else re-joins
    keepAlive(h, REBALANCE_MS, [{ from: 1, memberId: staticId, generationId: 1, instanceId: 'a' }]);
    expect(h.group().members.map((m) => m.memberId)).toEqual([staticId, h.group().staticMembers.c]);
    expect(h.group().members.some((m) => m.memberId === dynamic)).toBe(false);
    expect(h.group().leaderId).toBe(h.group().staticMembers.c);
  });

  it('a restarted static leader replaces its old id in Stable without a rebalance: written, told to skip the assignment (v9)', () => {
    const h = new Harness();
    h.join(1, { instanceId: 'a' });
    const follower = h.joinDynamic(2);
    h.advance(6_000);
    const oldId = h.group().staticMembers.a!;
    h.sync(1, oldId, 1, [{ memberId: oldId, assignment: assignment('t', 0) }, { memberId: follower, assignment: assignment('t', 1) }]);
    const outcome = h.join(11, { instanceId: 'a' });
    const newId = h.group().staticMembers.a!;
    expect(newId).not.toBe(oldId);
    expect(h.group()).toMatchObject({ state: 'Stable', generationId: 1, leaderId: newId });
    const answer = h.joinAnswer(outcome, 11)!;
    expect(answer).toMatchObject({ errorCode: 0, memberId: newId, generationId: 1, leader: newId, skipAssignment: true });
    expect(answer.members.map((m) => m.memberId).sort()).toEqual([follower, newId].sort());
    const record = outcome.records[0] as GroupMetadataRecord;
    expect(record.value!.members.find((m) => m.memberId === newId)!.assignment).toEqual(assignment('t', 0));
    expect(h.group().members.find((m) => m.memberId === newId)!.assignment).toEqual(assignment('t', 0));
    // The old incarnation is fenced from now on.
    expect(code(h.heartbeat(1, oldId, 1, 'a'))).toBe('FENCED_INSTANCE_ID');
    expect(code(h.syncAnswer(h.sync(1, oldId, 1, [], { instanceId: 'a' }), 1)!)).toBe('FENCED_INSTANCE_ID');
    expect(code(h.joinAnswer(h.join(1, { memberId: oldId, instanceId: 'a' }), 1)!)).toBe('FENCED_INSTANCE_ID');
    expect(code(h.leaveAnswer(h.leave(1, [{ memberId: oldId, instanceId: 'a' }]), 1).members[0]!)).toBe('FENCED_INSTANCE_ID');
    expect(code(h.heartbeat(11, newId, 1, 'a'))).toBe('NONE');
    expect(code(h.heartbeat(11, newId, 1, 'unknown-instance'))).toBe('UNKNOWN_MEMBER_ID');
  });

  it('a restarted static follower gets the current generation and no members', () => {
    const h = new Harness();
    const leader = h.joinDynamic(1);
    h.join(2, { instanceId: 'b' });
    h.advance(6_000);
    h.sync(1, leader, 1, []);
    const answer = h.joinAnswer(h.join(12, { instanceId: 'b' }), 12)!;
    expect(answer).toMatchObject({ errorCode: 0, generationId: 1, leader, skipAssignment: false, members: [] });
    expect(h.group().state).toBe('Stable');
  });

  it('a static member replaced in Stable with protocols that change the selection forces a rebalance', () => {
    const h = new Harness();
    h.join(1, { instanceId: 'a', protocols: [protocol('range'), protocol('roundrobin')] });
    h.advance(3_000);
    const oldId = h.group().staticMembers.a!;
    h.sync(1, oldId, 1, []);
    h.join(11, { instanceId: 'a', protocols: [protocol('roundrobin'), protocol('range')] });
    expect(h.group().state).not.toBe('Stable');
    // The only member re-joined: the join phase completes at once with the new choice.
    expect(h.group()).toMatchObject({ state: 'CompletingRebalance', generationId: 2, protocolName: 'roundrobin' });
  });

  it('a static member replaced in CompletingRebalance: the old id\'s parked SyncGroup is fenced and the group rebalances', () => {
    const h = new Harness();
    h.joinDynamic(1);
    h.join(2, { instanceId: 'b' });
    h.advance(6_000);
    const oldId = h.group().staticMembers.b!;
    h.sync(2, oldId, 1, [], { instanceId: 'b' });
    const outcome = h.join(12, { instanceId: 'b' });
    expect(code(h.syncAnswer(outcome, 2)!)).toBe('FENCED_INSTANCE_ID');
    expect(h.group().state).toBe('PreparingRebalance');
  });
});

function commit(options: { generation: number; memberId?: string; instanceId?: string | null; groupId?: string }): OffsetCommitRequest {
  return {
    type: 'OffsetCommit', correlationId: 1, groupId: options.groupId ?? GROUP, generationIdOrMemberEpoch: options.generation,
    memberId: options.memberId ?? '', groupInstanceId: options.instanceId ?? null, partitions: [],
  };
}

describe('B.8 OffsetCommit in a classic group (ClassicGroup.validateOffsetCommit)', () => {
  it('1. unknown group: generation -1 creates a simple group; otherwise GROUP_ID_NOT_FOUND (v9+)', () => {
    expect(classicValidateOffsetCommit(undefined, commit({ generation: -1 }))).toBe('CREATE_SIMPLE_GROUP');
    expect(classicValidateOffsetCommit(undefined, commit({ generation: 0, memberId: 'm' }))).toBe('GROUP_ID_NOT_FOUND');
    const s = createSimpleGroup(emptyClassicGroups(1), 'simple');
    expect(s.groups.simple).toMatchObject({ state: 'Empty', protocolType: null, generationId: 0, members: [] });
    expect(createSimpleGroup(s, 'simple')).toBe(s);
    expect(classicValidateOffsetCommit(s.groups.simple, commit({ generation: -1, groupId: 'simple' }))).toBe('NONE');
  });

  it('2–4. accepted from the current generation in Stable and PreparingRebalance; never in CompletingRebalance', () => {
    const h = new Harness();
    const leader = h.joinDynamic(1);
    const follower = h.joinDynamic(2);
    h.advance(6_000);
    expect(classicValidateOffsetCommit(h.group(), commit({ generation: 1, memberId: leader }))).toBe('REBALANCE_IN_PROGRESS');
    h.sync(1, leader, 1, []);
    expect(classicValidateOffsetCommit(h.group(), commit({ generation: 1, memberId: leader }))).toBe('NONE');
    expect(classicValidateOffsetCommit(h.group(), commit({ generation: 0, memberId: leader }))).toBe('ILLEGAL_GENERATION');
    expect(classicValidateOffsetCommit(h.group(), commit({ generation: 1, memberId: 'ghost' }))).toBe('UNKNOWN_MEMBER_ID');
    expect(classicValidateOffsetCommit(h.group(), commit({ generation: -1 }))).toBe('UNKNOWN_MEMBER_ID');
    expect(classicValidateOffsetCommit(h.group(), commit({ generation: -1, memberId: leader }))).toBe('ILLEGAL_GENERATION');
    h.join(1, { memberId: leader });
    // PreparingRebalance: the generation is still the old one until the join phase completes.
    expect(classicValidateOffsetCommit(h.group(), commit({ generation: 1, memberId: follower }))).toBe('NONE');
  });

  it('a static member\'s commit with its instance id is fenced once the instance has a new id', () => {
    const h = new Harness();
    h.join(1, { instanceId: 'a' });
    h.advance(3_000);
    const oldId = h.group().staticMembers.a!;
    h.sync(1, oldId, 1, []);
    h.join(11, { instanceId: 'a' });
    expect(classicValidateOffsetCommit(h.group(), commit({ generation: 1, memberId: oldId, instanceId: 'a' }))).toBe('FENCED_INSTANCE_ID');
  });

  it('generation -1 in an Empty group is accepted (admin tools, manual assignment)', () => {
    const h = new Harness();
    h.join(1);
    expect(classicValidateOffsetCommit(h.group(), commit({ generation: -1 }))).toBe('NONE');
  });

  it('an accepted commit in Stable or PreparingRebalance moves the member\'s deadline', () => {
    const { h, leader } = stableGroupOfTwo();
    expect(classicTouchOnOffsetCommit(h.state, commit({ generation: 1, memberId: leader }), h.env())).toEqual([
      { key: heartbeatKey(GROUP, leader), delayMs: SESSION_MS, event: { kind: 'classic.heartbeat', groupId: GROUP, memberId: leader } },
    ]);
    expect(classicTouchOnOffsetCommit(h.state, commit({ generation: -1, groupId: 'nope' }), h.env())).toEqual([]);
  });
});

describe('load: replay of GroupMetadata records and onLoaded', () => {
  it('replaying what a coordinator wrote rebuilds the Stable group: generation, protocol, leader, members, assignments', () => {
    const { h, leader, follower } = stableGroupOfTwo();
    let loaded = emptyClassicGroups(7);
    for (const record of h.records) if (record.type === 'GroupMetadata') loaded = replayGroupMetadata(loaded, record);
    expect(classicGroupSummary(loaded.groups[GROUP]!)).toEqual(classicGroupSummary(h.group()));
    expect(loaded.groups[GROUP]).toMatchObject({ state: 'Stable', previousState: 'Dead', leaderId: leader });
    const armed = classicOnLoaded(loaded, h.env());
    expect(armed.timers.map((t) => [t.key, t.delayMs])).toEqual([[heartbeatKey(GROUP, leader), SESSION_MS], [heartbeatKey(GROUP, follower), SESSION_MS]]);
    expect(armed.state).toBe(loaded);
  });

  it('a loaded member that re-joins unchanged is answered from the loaded generation', () => {
    const { h, follower } = stableGroupOfTwo();
    const reloaded = new Harness();
    for (const record of h.records) if (record.type === 'GroupMetadata') reloaded.state = replayGroupMetadata(reloaded.state, record);
    expect(code(reloaded.heartbeat(2, follower, 1))).toBe('NONE');
    expect(reloaded.syncAnswer(reloaded.sync(2, follower, 1), 2)).toMatchObject({ assignment: assignment('t', 1) });
  });

  it('an empty record gives an Empty group; a tombstone deletes it', () => {
    let s = replayGroupMetadata(emptyClassicGroups(1), { type: 'GroupMetadata', group: GROUP, value: { protocolType: '', generation: 0, protocol: null, leader: null, currentStateTimestamp: -1, members: [] } });
    expect(s.groups[GROUP]).toMatchObject({ state: 'Empty', protocolType: null, currentStateTimestampMs: null });
    s = replayGroupMetadata(s, { type: 'GroupMetadata', group: GROUP, value: null });
    expect(s.groups).toEqual({});
  });

  it('a loaded group over group.max.size rebalances (onLoaded)', () => {
    const { h } = stableGroupOfTwo();
    let loaded = emptyClassicGroups(7);
    for (const record of h.records) if (record.type === 'GroupMetadata') loaded = replayGroupMetadata(loaded, record);
    const outcome = classicOnLoaded(loaded, { ...h.env(), config: { ...defaultGroupCoordinatorConfig, groupMaxSize: 1 } });
    expect(outcome.state.groups[GROUP]!.state).toBe('PreparingRebalance');
  });
});
