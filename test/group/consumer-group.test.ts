/**
 * KIP-848 ConsumerGroupHeartbeat on the coordinator (protocol-rules C.1–C.6): each rule and error
 * path as a scenario, with the invariants of E.3 checked after every step.
 */
import { describe, expect, it } from 'vitest';
import { errorCode, errorName } from '../../src/protocol/errors.js';
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, OffsetCommitRequest, OffsetFetchRequest, TopicIdPartitions } from '../../src/protocol/groups/messages.js';
import {
  consumerGroupHeartbeat, consumerGroupOnLoaded, consumerGroupState, consumerGroupTimer, consumerGroupValidateOffsetCommit,
  consumerGroupValidateOffsetFetch, emptyConsumerGroups, rebalanceTimeoutKey, replayConsumerGroupRecord, sessionTimeoutKey,
  type ConsumerGroup, type ConsumerGroupsState,
} from '../../src/machines/group/consumer-group.js';
import { GroupJudge } from '../support/group-judge.js';
import { partitionsOf, type Assignment } from '../../src/machines/group/consumer-group-assignment.js';
import type { GroupRecord } from '../../src/protocol/groups/records.js';
import { defaultGroupCoordinatorConfig, type ShardEnv, type ShardOutcome, type ShardTimerEvent, type TopicImage } from '../../src/machines/group/shard.js';
import { emptyShard, handleShardRequest } from '../../src/machines/group/coordinator-shard.js';

const FOO = 'FOOFOOFOOFOOFOOFOOFOOA';
const BAR = 'BARBARBARBARBARBARBARA';
const topics = (fooPartitions = 6, barPartitions = 3): Record<string, TopicImage> => ({
  foo: { name: 'foo', topicId: FOO, numPartitions: fooPartitions },
  bar: { name: 'bar', topicId: BAR, numPartitions: barPartitions },
});

function environment(overrides: Partial<ShardEnv> = {}, config: Partial<ShardEnv['config']> = {}): ShardEnv {
  return { nowMs: 0, config: { ...defaultGroupCoordinatorConfig, ...config }, topics: topics(), partition: 0, ...overrides };
}

const GROUP = 'g';

function request(fields: Partial<ConsumerGroupHeartbeatRequest>): ConsumerGroupHeartbeatRequest & { from: number } {
  return {
    type: 'ConsumerGroupHeartbeat', correlationId: 1, groupId: GROUP, memberId: '', memberEpoch: 0, instanceId: null, rackId: null,
    rebalanceTimeoutMs: 300_000, subscribedTopicNames: ['foo'], serverAssignor: null, topicPartitions: [], from: 7, ...fields,
  };
}

/** Later heartbeats: only what changed (nothing here), as the client sends them. */
const steady = (memberId: string, memberEpoch: number, owned: TopicIdPartitions[] | null = null, fields: Partial<ConsumerGroupHeartbeatRequest> = {}) =>
  request({ memberId, memberEpoch, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: owned, ...fields });

const owned = (assignment: Assignment): TopicIdPartitions[] => Object.entries(assignment).map(([topicId, partitions]) => ({ topicId, partitions: [...partitions] }));
const count = (assignment: Assignment): number => partitionsOf(assignment).length;

/** The shard as a test drives it: the state, every record written, the armed timers, invariants each step. */
class Shard {
  state: ConsumerGroupsState = emptyConsumerGroups(42);
  log: GroupRecord[] = [];
  timers = new Map<string, ShardTimerEvent>();
  private readonly judge = new GroupJudge();

  constructor(public env: ShardEnv = environment()) {}

  get group(): ConsumerGroup {
    const group = this.state.groups[GROUP];
    if (group === undefined) throw new Error('no group');
    return group;
  }

  private apply(outcome: ShardOutcome<ConsumerGroupsState>): ShardOutcome<ConsumerGroupsState> {
    this.state = outcome.state;
    this.log.push(...outcome.records);
    for (const key of outcome.cancels) this.timers.delete(key);
    for (const timer of outcome.timers) this.timers.set(timer.key, timer.event);
    expect(this.judge.observe({ consumer: this.state, topics: this.env.topics })).toEqual([]);
    return outcome;
  }

  heartbeat(sent: ReturnType<typeof request>): ConsumerGroupHeartbeatResponse & { outcome: ShardOutcome<ConsumerGroupsState> } {
    const outcome = this.apply(consumerGroupHeartbeat(this.state, sent, this.env));
    const response = outcome.responses[0];
    if (response === undefined || response.message.type !== 'ConsumerGroupHeartbeatResponse') throw new Error('no heartbeat response');
    expect(response.to).toBe(7);
    return { ...response.message, outcome };
  }

  fire(key: string): ShardOutcome<ConsumerGroupsState> {
    const event = this.timers.get(key);
    if (event === undefined) throw new Error(`no timer ${key}`);
    this.timers.delete(key);
    return this.apply(consumerGroupTimer(this.state, event, this.env));
  }

  member(memberId: string) {
    const member = this.group.members[memberId];
    if (member === undefined) throw new Error(`no member ${memberId}`);
    return member;
  }
}

const errorOf = (response: ConsumerGroupHeartbeatResponse): string => errorName(response.errorCode);

/** Join, then heartbeat until the member holds its target (acknowledging whatever it was given). */
function joinAndSettle(shard: Shard, fields: Partial<ConsumerGroupHeartbeatRequest> = {}): string {
  const joined = shard.heartbeat(request(fields));
  expect(errorOf(joined)).toBe('NONE');
  return joined.memberId as string;
}

/** Every member heartbeats, reporting what the coordinator gave it, until the group is Stable. */
function settle(shard: Shard, rounds = 6): void {
  for (let round = 0; round < rounds && consumerGroupState(shard.group) !== 'Stable'; round++) {
    for (const member of Object.values(shard.group.members)) {
      if (member.memberEpoch < 0) continue;
      shard.heartbeat(steady(member.memberId, member.memberEpoch, owned(member.assignedPartitions), { instanceId: member.instanceId }));
    }
  }
  expect(consumerGroupState(shard.group)).toBe('Stable');
}

describe('ConsumerGroupHeartbeat validation (C.2, throwIfConsumerGroupHeartbeatRequestIsInvalid)', () => {
  const invalid: [string, Partial<ConsumerGroupHeartbeatRequest>][] = [
    ['a blank group id', { groupId: '  ' }],
    ['an empty instance id', { instanceId: '' }],
    ['an empty rack id', { rackId: ' ' }],
    ['epoch > 0 without a member id', { memberEpoch: 3, memberId: '' }],
    ['epoch -1 without a member id', { memberEpoch: -1, memberId: '' }],
    ['a join without a rebalance timeout', { rebalanceTimeoutMs: -1 }],
    ['a join without owned partitions', { topicPartitions: null }],
    ['a join that owns partitions', { topicPartitions: [{ topicId: FOO, partitions: [0] }] }],
    ['a join without topics', { subscribedTopicNames: null }],
    ['a join with no topics', { subscribedTopicNames: [] }],
    ['epoch -2 without an instance id', { memberEpoch: -2, memberId: 'm' }],
    ['epoch -2 without a member id', { memberEpoch: -2, instanceId: 'i' }],
    ['epoch -3', { memberEpoch: -3, memberId: 'm' }],
  ];
  for (const [what, fields] of invalid) {
    it(`answers INVALID_REQUEST to ${what}, writing nothing`, () => {
      const shard = new Shard();
      const response = shard.heartbeat(request(fields));
      expect(errorOf(response)).toBe('INVALID_REQUEST');
      expect(response.errorMessage).not.toBeNull();
      expect(response.outcome.records).toEqual([]);
      expect(shard.state.groups).toEqual({});
    });
  }

  it('answers UNSUPPORTED_ASSIGNOR to an assignor not in group.consumer.assignors', () => {
    expect(errorOf(new Shard().heartbeat(request({ serverAssignor: 'sticky' })))).toBe('UNSUPPORTED_ASSIGNOR');
  });

  it('answers GROUP_ID_NOT_FOUND to a heartbeat or a leave for a group that does not exist', () => {
    const shard = new Shard();
    expect(errorOf(shard.heartbeat(steady('m', 1)))).toBe('GROUP_ID_NOT_FOUND');
    expect(errorOf(shard.heartbeat(steady('m', -1)))).toBe('GROUP_ID_NOT_FOUND');
  });

  it('answers UNKNOWN_MEMBER_ID to an unknown member id at epoch > 0 and to its leave', () => {
    const shard = new Shard();
    joinAndSettle(shard);
    expect(errorOf(shard.heartbeat(steady('nobody', 1)))).toBe('UNKNOWN_MEMBER_ID');
    expect(errorOf(shard.heartbeat(steady('nobody', -1)))).toBe('UNKNOWN_MEMBER_ID');
  });

  it('answers GROUP_MAX_SIZE_REACHED to a new member of a full group, not to a member it has', () => {
    const shard = new Shard(environment({}, { consumerGroupMaxSize: 1 }));
    const first = joinAndSettle(shard);
    expect(errorOf(shard.heartbeat(request({})))).toBe('GROUP_MAX_SIZE_REACHED');
    expect(errorOf(shard.heartbeat(steady(first, 1)))).toBe('NONE');
  });
});

describe('joining (C.1, C.2)', () => {
  it('creates the group, gives the member a 22-character id and all partitions at epoch 1, with the records in Kafka\'s order', () => {
    const shard = new Shard();
    const response = shard.heartbeat(request({}));
    expect(errorOf(response)).toBe('NONE');
    expect(response.memberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(response.memberEpoch).toBe(1);
    expect(response.heartbeatIntervalMs).toBe(5_000);
    expect(response.assignment).toEqual({ topicPartitions: [{ topicId: FOO, partitions: [0, 1, 2, 3, 4, 5] }] });
    expect(response.outcome.records.map((r) => r.type)).toEqual([
      'ConsumerGroupMemberMetadata', 'ConsumerGroupMetadata', 'ConsumerGroupTargetAssignmentMember', 'ConsumerGroupTargetAssignmentMetadata', 'ConsumerGroupCurrentMemberAssignment',
    ]);
    expect(response.outcome.timers).toEqual([{ key: sessionTimeoutKey(GROUP, response.memberId as string), delayMs: 45_000, event: { kind: 'consumer.session', groupId: GROUP, memberId: response.memberId } }]);
    expect(shard.group.groupEpoch).toBe(1);
    expect(shard.group.assignmentEpoch).toBe(1);
    expect(consumerGroupState(shard.group)).toBe('Stable');
  });

  it('hands out a different id to every joining member', () => {
    const shard = new Shard();
    const ids = [joinAndSettle(shard), joinAndSettle(shard), joinAndSettle(shard)];
    expect(new Set(ids).size).toBe(3);
  });

  it('answers a heartbeat with nothing new without an assignment, and a full request with one (C.2 step 7)', () => {
    const shard = new Shard();
    const id = joinAndSettle(shard);
    const quiet = shard.heartbeat(steady(id, 1));
    expect(quiet.assignment).toBeNull();
    expect(quiet.outcome.records).toEqual([]);
    const full = shard.heartbeat(steady(id, 1, owned(shard.member(id).assignedPartitions), { rebalanceTimeoutMs: 300_000, subscribedTopicNames: ['foo'] }));
    expect(full.assignment).toEqual({ topicPartitions: [{ topicId: FOO, partitions: [0, 1, 2, 3, 4, 5] }] });
  });
});

describe('reconciliation (C.3, CurrentAssignmentBuilder)', () => {
  it('shares the partitions between two members: the first revokes, then the second gets them', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    const joined = shard.heartbeat(request({}));
    const b = joined.memberId as string;
    expect(shard.group.groupEpoch).toBe(2);
    // b's target is still held by a: unreleased, b is at the new epoch with nothing yet.
    expect(shard.member(b)).toMatchObject({ memberEpoch: 2, state: 'UNRELEASED_PARTITIONS', assignedPartitions: {} });
    expect(joined.assignment).toEqual({ topicPartitions: [] });
    expect(consumerGroupState(shard.group)).toBe('Reconciling');

    // a learns what it must give up; it stays at epoch 1 and a rebalance timer starts.
    const revoke = shard.heartbeat(steady(a, 1));
    expect(shard.member(a).state).toBe('UNREVOKED_PARTITIONS');
    expect(revoke.memberEpoch).toBe(1);
    const kept = shard.member(a).assignedPartitions;
    expect(count(kept)).toBe(3);
    expect(count(shard.member(a).partitionsPendingRevocation)).toBe(3);
    expect(revoke.assignment).toEqual({ topicPartitions: owned(kept) });
    expect(revoke.outcome.timers.map((t) => t.key)).toContain(rebalanceTimeoutKey(GROUP, a));

    // Until a stops reporting them, b gets nothing.
    expect(shard.heartbeat(steady(b, 2)).assignment).toBeNull();
    expect(shard.heartbeat(steady(a, 1, owned(shard.member(a).assignedPartitions).concat(owned(shard.member(a).partitionsPendingRevocation)))).memberEpoch).toBe(1);
    expect(shard.member(a).state).toBe('UNREVOKED_PARTITIONS');

    // a acknowledges: epoch 2, stable; the rebalance timer is cancelled.
    const acknowledged = shard.heartbeat(steady(a, 1, owned(kept)));
    expect(acknowledged.memberEpoch).toBe(2);
    expect(shard.member(a).state).toBe('STABLE');
    expect(acknowledged.outcome.cancels).toContain(rebalanceTimeoutKey(GROUP, a));

    // Now b picks up the released partitions.
    const picked = shard.heartbeat(steady(b, 2));
    expect(shard.member(b).state).toBe('STABLE');
    expect(count(shard.member(b).assignedPartitions)).toBe(3);
    expect(picked.assignment).toEqual({ topicPartitions: owned(shard.member(b).assignedPartitions) });
    expect(consumerGroupState(shard.group)).toBe('Stable');
  });

  it('brings a third member in: revocations first, assignments across later heartbeats', () => {
    const shard = new Shard();
    joinAndSettle(shard);
    joinAndSettle(shard);
    settle(shard);
    const c = joinAndSettle(shard);
    expect(shard.group.groupEpoch).toBe(3);
    settle(shard);
    const sizes = Object.values(shard.group.members).map((m) => count(m.assignedPartitions));
    expect(sizes).toEqual([2, 2, 2]);
    expect(shard.member(c).memberEpoch).toBe(3);
  });

  it('puts a member at epoch 0 with an UNKNOWN state back only when it owns nothing (FENCED_MEMBER_EPOCH otherwise)', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    shard.state = replayConsumerGroupRecord(shard.state, {
      type: 'ConsumerGroupCurrentMemberAssignment', group: GROUP, memberId: a,
      value: { memberEpoch: 1, previousMemberEpoch: 0, state: 'UNKNOWN', assignedPartitions: [], partitionsPendingRevocation: [] },
    });
    expect(errorOf(shard.heartbeat(steady(a, 1, [{ topicId: FOO, partitions: [0] }])))).toBe('FENCED_MEMBER_EPOCH');
    expect(errorOf(shard.heartbeat(steady(a, 1, [])))).toBe('NONE');
    expect(shard.member(a).state).toBe('STABLE');
  });
});

describe('member epochs (C.2 step 2, throwIfConsumerGroupMemberEpochIsInvalid, CGH-EPOCH-2)', () => {
  function twoEpochs(): { shard: Shard; a: string } {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    // A subscription change moves a from epoch 1 to epoch 2, keeping foo and gaining bar.
    shard.heartbeat(steady(a, 1, null, { subscribedTopicNames: ['foo', 'bar'] }));
    expect(shard.member(a)).toMatchObject({ memberEpoch: 2, previousMemberEpoch: 1, state: 'STABLE' });
    return { shard, a };
  }

  it('fences an epoch ahead of the coordinator', () => {
    const { shard, a } = twoEpochs();
    expect(errorOf(shard.heartbeat(steady(a, 3)))).toBe('FENCED_MEMBER_EPOCH');
  });

  it('accepts the previous epoch when the response was lost and the member owns a subset, and answers the full request with the assignment', () => {
    const { shard, a } = twoEpochs();
    const retried = shard.heartbeat(steady(a, 1, [{ topicId: FOO, partitions: [0, 1, 2, 3, 4, 5] }], { rebalanceTimeoutMs: 300_000, subscribedTopicNames: ['bar', 'foo'] }));
    expect(errorOf(retried)).toBe('NONE');
    expect(retried.memberEpoch).toBe(2);
    expect(retried.assignment?.topicPartitions).toEqual([{ topicId: BAR, partitions: [0, 1, 2] }, { topicId: FOO, partitions: [0, 1, 2, 3, 4, 5] }]);
  });

  it('fences the previous epoch when the owned partitions are not sent or not a subset', () => {
    const { shard, a } = twoEpochs();
    expect(errorOf(shard.heartbeat(steady(a, 1, null)))).toBe('FENCED_MEMBER_EPOCH');
    expect(errorOf(shard.heartbeat(steady(a, 1, [{ topicId: FOO, partitions: [9] }])))).toBe('FENCED_MEMBER_EPOCH');
  });

  it('fences an older epoch than the previous one, and a rejoin at epoch 0 under a member id still in the group', () => {
    const { shard, a } = twoEpochs();
    shard.heartbeat(steady(a, 2, [{ topicId: FOO, partitions: [0, 1, 2, 3, 4, 5] }], { subscribedTopicNames: ['foo'] }));
    expect(shard.member(a)).toMatchObject({ memberEpoch: 3, previousMemberEpoch: 2 });
    expect(errorOf(shard.heartbeat(steady(a, 1, [])))).toBe('FENCED_MEMBER_EPOCH');
    expect(errorOf(shard.heartbeat(request({ memberId: a })))).toBe('FENCED_MEMBER_EPOCH');
  });
});

describe('group epoch bumps (C.1)', () => {
  it('bumps on a subscription change and on a partition count change, not on a plain heartbeat', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    shard.heartbeat(steady(a, 1));
    expect(shard.group.groupEpoch).toBe(1);
    shard.heartbeat(steady(a, 1, null, { subscribedTopicNames: ['foo', 'bar'] }));
    expect(shard.group.groupEpoch).toBe(2);
    shard.env = { ...shard.env, topics: topics(8, 3) };
    const grown = shard.heartbeat(steady(a, 2));
    expect(shard.group.groupEpoch).toBe(3);
    expect(shard.group.subscriptionMetadata.foo).toEqual({ topicId: FOO, numPartitions: 8 });
    expect(grown.assignment?.topicPartitions).toContainEqual({ topicId: FOO, partitions: [0, 1, 2, 3, 4, 5, 6, 7] });
  });

  it('writes the member metadata record without a bump when only the rebalance timeout changes', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    const changed = shard.heartbeat(steady(a, 1, null, { rebalanceTimeoutMs: 10_000 }));
    expect(changed.outcome.records.map((r) => r.type)).toEqual(['ConsumerGroupMemberMetadata']);
    expect(shard.group.groupEpoch).toBe(1);
    expect(shard.member(a).rebalanceTimeoutMs).toBe(10_000);
  });
});

describe('leaving and fencing (C.4)', () => {
  it('removes a member that leaves with epoch -1: tombstones, group epoch + 1, timers cancelled', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    const b = joinAndSettle(shard);
    settle(shard);
    const left = shard.heartbeat(steady(b, -1));
    expect(errorOf(left)).toBe('NONE');
    expect(left).toMatchObject({ memberId: b, memberEpoch: -1, assignment: null });
    expect(left.outcome.records).toEqual([
      { type: 'ConsumerGroupCurrentMemberAssignment', group: GROUP, memberId: b, value: null },
      { type: 'ConsumerGroupTargetAssignmentMember', group: GROUP, memberId: b, value: null },
      { type: 'ConsumerGroupMemberMetadata', group: GROUP, memberId: b, value: null },
      { type: 'ConsumerGroupMetadata', group: GROUP, value: { epoch: 3 } },
    ]);
    expect(left.outcome.cancels).toEqual([sessionTimeoutKey(GROUP, b), rebalanceTimeoutKey(GROUP, b)]);
    expect(consumerGroupState(shard.group)).toBe('Assigning');
    settle(shard);
    expect(count(shard.member(a).assignedPartitions)).toBe(6);
  });

  it('keeps an empty group when its last member leaves', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    shard.heartbeat(steady(a, -1));
    expect(consumerGroupState(shard.group)).toBe('Empty');
    expect(shard.group.groupEpoch).toBe(2);
  });

  it('fences a member whose session expires, and ignores the timer of a member already gone', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    const b = joinAndSettle(shard);
    settle(shard);
    const session = sessionTimeoutKey(GROUP, b);
    const event = shard.timers.get(session) as ShardTimerEvent;
    const fenced = shard.fire(session);
    expect(fenced.responses).toEqual([]);
    expect(fenced.records.at(-1)).toEqual({ type: 'ConsumerGroupMetadata', group: GROUP, value: { epoch: 3 } });
    expect(shard.group.members[b]).toBeUndefined();
    expect(consumerGroupTimer(shard.state, event, shard.env).records).toEqual([]);
    // The fenced member learns on its next heartbeat.
    expect(errorOf(shard.heartbeat(steady(b, 2)))).toBe('UNKNOWN_MEMBER_ID');
    settle(shard);
    expect(count(shard.member(a).assignedPartitions)).toBe(6);
  });

  it('fences a member that does not revoke within its rebalance timeout, and not one that moved on', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    const b = joinAndSettle(shard);
    shard.heartbeat(steady(a, 1));
    expect(shard.member(a).state).toBe('UNREVOKED_PARTITIONS');
    const key = rebalanceTimeoutKey(GROUP, a);
    expect(shard.timers.get(key)).toEqual({ kind: 'consumer.rebalance', groupId: GROUP, memberId: a, memberEpoch: 1 });
    // A timer for an epoch the member has left does nothing.
    expect(consumerGroupTimer(shard.state, { kind: 'consumer.rebalance', groupId: GROUP, memberId: a, memberEpoch: 0 }, shard.env).records).toEqual([]);
    shard.fire(key);
    expect(shard.group.members[a]).toBeUndefined();
    expect(errorOf(shard.heartbeat(steady(a, 1)))).toBe('UNKNOWN_MEMBER_ID');
    settle(shard);
    expect(count(shard.member(b).assignedPartitions)).toBe(6);
  });
});

describe('static members (C.2 step 2, C.4)', () => {
  it('refuses a second instance with the same id (UNRELEASED_INSTANCE_ID), keeps the partitions through a -2 leave, and hands them to the returning instance without a rebalance', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard, { instanceId: 'i-1' });
    const b = joinAndSettle(shard, { instanceId: 'i-2' });
    settle(shard);
    const aPartitions = shard.member(a).assignedPartitions;
    expect(errorOf(shard.heartbeat(request({ instanceId: 'i-1' })))).toBe('UNRELEASED_INSTANCE_ID');

    const left = shard.heartbeat(steady(a, 2, null, { memberEpoch: -2, instanceId: 'i-1' }));
    expect(left).toMatchObject({ memberId: a, memberEpoch: -2, assignment: null });
    expect(left.outcome.records).toHaveLength(1);
    expect(shard.member(a)).toMatchObject({ memberEpoch: -2, assignedPartitions: aPartitions });
    expect(shard.group.groupEpoch).toBe(2);
    // The session timer is still armed: not coming back in time is a fence.
    expect(shard.timers.has(sessionTimeoutKey(GROUP, a))).toBe(true);

    const back = shard.heartbeat(request({ instanceId: 'i-1' }));
    const a2 = back.memberId as string;
    expect(a2).not.toBe(a);
    expect(back.memberEpoch).toBe(2);
    expect(back.assignment).toEqual({ topicPartitions: owned(aPartitions) });
    expect(shard.group.groupEpoch).toBe(2);
    expect(shard.group.members[a]).toBeUndefined();
    expect(shard.group.staticMembers).toEqual({ 'i-1': a2, 'i-2': b });
    expect(consumerGroupState(shard.group)).toBe('Stable');

    // The old member id is fenced by the new one; an unknown instance id is unknown.
    expect(errorOf(shard.heartbeat(steady(a, 2, null, { instanceId: 'i-1' })))).toBe('FENCED_INSTANCE_ID');
    expect(errorOf(shard.heartbeat(steady(a, -1, null, { instanceId: 'i-1' })))).toBe('FENCED_INSTANCE_ID');
    expect(errorOf(shard.heartbeat(steady(a, 2, null, { instanceId: 'i-9' })))).toBe('UNKNOWN_MEMBER_ID');
  });

  it('fences a static member that left with -2 and did not come back within the session timeout', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard, { instanceId: 'i-1' });
    shard.heartbeat(steady(a, 1, null, { memberEpoch: -2, instanceId: 'i-1' }));
    shard.fire(sessionTimeoutKey(GROUP, a));
    expect(shard.group.members).toEqual({});
    expect(shard.group.staticMembers).toEqual({});
    const fresh = shard.heartbeat(request({ instanceId: 'i-1' }));
    expect(errorOf(fresh)).toBe('NONE');
    expect(fresh.memberEpoch).toBe(3);
  });

  it('removes a static member that leaves with -1 like any other', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard, { instanceId: 'i-1' });
    shard.heartbeat(steady(a, -1, null, { instanceId: 'i-1' }));
    expect(shard.group.members).toEqual({});
    expect(shard.group.groupEpoch).toBe(2);
  });
});

describe('offsets in a consumer group (C.6, ConsumerGroup.validateOffsetCommit / validateOffsetFetch)', () => {
  const commit = (memberId: string, epoch: number): OffsetCommitRequest => ({ type: 'OffsetCommit', correlationId: 1, groupId: GROUP, generationIdOrMemberEpoch: epoch, memberId, groupInstanceId: null, partitions: [] });
  const fetch = (memberId: string | null, epoch: number): OffsetFetchRequest => ({ type: 'OffsetFetch', correlationId: 1, groupId: GROUP, memberId, memberEpoch: epoch, partitions: null, requireStable: false });

  it('accepts a commit from outside the group only while it has no members', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    expect(consumerGroupValidateOffsetCommit(shard.group, commit('', -1))).toBe('UNKNOWN_MEMBER_ID');
    shard.heartbeat(steady(a, -1));
    expect(consumerGroupValidateOffsetCommit(shard.group, commit('', -1))).toBe('NONE');
  });

  it('accepts a member\'s commit and fetch at its current epoch only (STALE_MEMBER_EPOCH otherwise)', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    expect(consumerGroupValidateOffsetCommit(shard.group, commit(a, 1))).toBe('NONE');
    expect(consumerGroupValidateOffsetCommit(shard.group, commit(a, 0))).toBe('STALE_MEMBER_EPOCH');
    expect(consumerGroupValidateOffsetCommit(shard.group, commit(a, 2))).toBe('STALE_MEMBER_EPOCH');
    expect(consumerGroupValidateOffsetCommit(shard.group, commit('nobody', 1))).toBe('UNKNOWN_MEMBER_ID');
    expect(consumerGroupValidateOffsetFetch(shard.group, fetch(null, -1))).toBe('NONE');
    expect(consumerGroupValidateOffsetFetch(shard.group, fetch(a, 1))).toBe('NONE');
    expect(consumerGroupValidateOffsetFetch(shard.group, fetch(a, 0))).toBe('STALE_MEMBER_EPOCH');
    expect(consumerGroupValidateOffsetFetch(shard.group, fetch('nobody', 1))).toBe('UNKNOWN_MEMBER_ID');
  });
});

describe('OffsetFetch at the shard (OffsetMetadataManager.fetchOffsets)', () => {
  it('a fetch naming only one of member id / member epoch is validated, and refused', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard);
    const state = { ...emptyShard(1), consumer: shard.state };
    const fetch = (memberId: string | null, memberEpoch: number) => handleShardRequest(state, { type: 'OffsetFetch', correlationId: 3, groupId: GROUP, memberId, memberEpoch, partitions: null, requireStable: false, from: 7 }, shard.env).responses[0]?.message;
    expect(fetch(null, -1)).toMatchObject({ type: 'OffsetFetchResponse', errorCode: 0 });
    expect(fetch(a, 1)).toMatchObject({ errorCode: 0 });
    expect(fetch(null, 1)).toMatchObject({ errorCode: errorCode('UNKNOWN_MEMBER_ID') });
    expect(fetch(a, -1)).toMatchObject({ errorCode: errorCode('STALE_MEMBER_EPOCH') });
  });
});

describe('replay and load (GroupMetadataManager.replay, onLoaded)', () => {
  it('rebuilds the same groups from the records, and arms session and rebalance timers on load', () => {
    const shard = new Shard();
    const a = joinAndSettle(shard, { instanceId: 'i-1' });
    joinAndSettle(shard);
    shard.heartbeat(steady(a, 1));
    expect(shard.member(a).state).toBe('UNREVOKED_PARTITIONS');
    const rebuilt = shard.log.reduce(replayConsumerGroupRecord, emptyConsumerGroups(42));
    const loaded = consumerGroupOnLoaded(rebuilt, shard.env);
    expect(loaded.state.groups).toEqual(shard.state.groups);
    expect(loaded.records).toEqual([]);
    const keys = loaded.timers.map((t) => t.key).sort();
    const expected = [...Object.keys(shard.group.members).map((m) => sessionTimeoutKey(GROUP, m)), rebalanceTimeoutKey(GROUP, a)].sort();
    expect(keys).toEqual(expected);
  });

  it('refuses to replay a second owner for a partition (the single-owner rule is in the replay)', () => {
    const shard = new Shard();
    joinAndSettle(shard);
    expect(() => replayConsumerGroupRecord(shard.state, {
      type: 'ConsumerGroupCurrentMemberAssignment', group: GROUP, memberId: 'intruder',
      value: { memberEpoch: 1, previousMemberEpoch: 0, state: 'STABLE', assignedPartitions: [{ topicId: FOO, partitions: [0] }], partitionsPendingRevocation: [] },
    })).toThrow(/still owned/);
  });

  it('answers errors with the code and a message, and no state change', () => {
    const shard = new Shard();
    const response = shard.heartbeat(steady('m', 4));
    expect(response.errorCode).toBe(errorCode('GROUP_ID_NOT_FOUND'));
    expect(response.errorMessage).toMatch(/not found/);
  });
});
