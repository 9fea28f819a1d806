/**
 * CGH-OWN-1, CGH-EPOCH-1, CGH-REC-1, CGH-STATE-1, CGH-TGT-1 over random schedules: several members
 * heartbeat in any order, reporting any of what they were given (or a stale view, or nothing),
 * at their epoch or a wrong one; responses get lost; members leave (statically too), rejoin,
 * change subscriptions; topics grow; session and rebalance timers fire. Whatever the members do,
 * the coordinator never lets a partition have two owners, and its records rebuild its state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorName } from '../../src/protocol/errors.js';
import type { ConsumerGroupHeartbeatRequest, TopicIdPartitions } from '../../src/protocol/groups/messages.js';
import {
  consumerGroupOnLoaded, consumerGroupState, emptyConsumerGroups, replayConsumerGroupRecord, type ConsumerGroupsState,
} from '../../src/machines/group/consumer-group.js';
import { consumerTimerEventOf, stepConsumerGroup } from '../../src/machines/group/consumer-group-machine.js';
import { GroupJudge } from '../support/group-judge.js';
import type { GroupRecord } from '../../src/protocol/groups/records.js';
import { defaultGroupCoordinatorConfig, type ShardEnv, type ShardOutcome, type ShardTimerEvent } from '../../src/machines/group/shard.js';

const GROUP = 'g';
const SLOTS = 4;
const TOPIC_NAMES = ['foo', 'bar'] as const;

interface TestClient {
  memberId: string;
  memberEpoch: number;
  /** The last assignment the coordinator sent. */
  assignment: TopicIdPartitions[];
  /** The one before it (a member that has not revoked yet reports these too). */
  previous: TopicIdPartitions[];
  topics: string[];
  /** A response was lost: the next request is full, as the Kafka client's reset HeartbeatState makes it. */
  sendFull: boolean;
}

type Owned = 'assignment' | 'previous' | 'half' | 'none' | 'unsent';
type EpochChoice = 'current' | 'previous' | 'ahead' | 'zero';

type Step =
  | { kind: 'heartbeat'; slot: number; owned: Owned; epoch: EpochChoice; lost: boolean; full: boolean }
  | { kind: 'leave'; slot: number; temporary: boolean }
  | { kind: 'subscribe'; slot: number; topics: string[] }
  | { kind: 'timer'; pick: number }
  | { kind: 'grow'; topic: number };

const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), slot, owned: fc.constantFrom<Owned>('assignment', 'assignment', 'assignment', 'previous', 'half', 'none', 'unsent'), epoch: fc.constantFrom<EpochChoice>('current', 'current', 'current', 'current', 'previous', 'ahead', 'zero'), lost: fc.boolean(), full: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), slot, temporary: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('subscribe' as const), slot, topics: fc.subarray([...TOPIC_NAMES], { minLength: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('timer' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('grow' as const), topic: fc.integer({ min: 0, max: 1 }) }) },
);

const instanceIdOf = (index: number): string | null => (index < 2 ? `instance-${index}` : null);

function ownedFor(client: TestClient, choice: Owned): TopicIdPartitions[] | null {
  switch (choice) {
    case 'assignment': return client.assignment;
    case 'previous': return mergeTopicPartitions(client.assignment, client.previous);
    case 'half': return client.assignment.map((t) => ({ topicId: t.topicId, partitions: t.partitions.filter((_, i) => i % 2 === 0) }));
    case 'none': return [];
    case 'unsent': return null;
  }
}

function mergeTopicPartitions(a: TopicIdPartitions[], b: TopicIdPartitions[]): TopicIdPartitions[] {
  const out = new Map<string, Set<number>>();
  for (const t of [...a, ...b]) out.set(t.topicId, new Set([...(out.get(t.topicId) ?? []), ...t.partitions]));
  return [...out].map(([topicId, partitions]) => ({ topicId, partitions: [...partitions].sort((x, y) => x - y) }));
}

class Run {
  state: ConsumerGroupsState = emptyConsumerGroups(7);
  log: GroupRecord[] = [];
  timers = new Map<string, ShardTimerEvent>();
  clients: TestClient[] = Array.from({ length: SLOTS }, () => ({ memberId: '', memberEpoch: 0, assignment: [], previous: [], topics: ['foo'], sendFull: false }));
  partitions = { foo: 4, bar: 3 };
  correlationId = 0;
  /** The group machine's states and the members' reconciliation states seen. */
  groupStates = new Set<string>();
  private readonly judge = new GroupJudge();
  memberStates = new Set<string>();

  env(): ShardEnv {
    return {
      nowMs: 0, partition: 0, config: { ...defaultGroupCoordinatorConfig, consumerGroupMaxSize: 3 },
      topics: {
        foo: { name: 'foo', topicId: 'FOOFOOFOOFOOFOOFOOFOOA', numPartitions: this.partitions.foo },
        bar: { name: 'bar', topicId: 'BARBARBARBARBARBARBARA', numPartitions: this.partitions.bar },
      },
    };
  }

  apply(outcome: ShardOutcome<ConsumerGroupsState>): void {
    this.state = outcome.state;
    this.log.push(...outcome.records);
    for (const key of outcome.cancels) this.timers.delete(key);
    for (const timer of outcome.timers) this.timers.set(timer.key, timer.event);
    const after = this.state.groups[GROUP];
    this.groupStates.add(after === undefined ? 'Empty' : consumerGroupState(after));
    for (const member of Object.values(after?.members ?? {})) this.memberStates.add(member.state);
    if (after === undefined) return;
    const violations = this.judge.observe({ consumer: this.state, topics: this.env().topics });
    if (violations.length > 0) throw new Error(violations.join('\n'));
  }

  request(index: number, client: TestClient, s: Extract<Step, { kind: 'heartbeat' }>): ConsumerGroupHeartbeatRequest & { from: number } {
    const base = { type: 'ConsumerGroupHeartbeat' as const, correlationId: ++this.correlationId, groupId: GROUP, memberId: client.memberId, instanceId: instanceIdOf(index), rackId: null, serverAssignor: null, from: index };
    if (client.memberEpoch === 0 || s.epoch === 'zero') {
      return { ...base, memberEpoch: 0, rebalanceTimeoutMs: 60_000, subscribedTopicNames: client.topics, topicPartitions: [] };
    }
    const memberEpoch = s.epoch === 'current' ? client.memberEpoch : s.epoch === 'previous' ? client.memberEpoch - 1 : client.memberEpoch + 1;
    const full = s.full || client.sendFull;
    return {
      ...base, memberEpoch: Math.max(memberEpoch, 1), rebalanceTimeoutMs: full ? 60_000 : -1,
      subscribedTopicNames: full ? client.topics : null, topicPartitions: full && s.owned === 'unsent' ? client.assignment : ownedFor(client, s.owned),
    };
  }

  heartbeat(s: Extract<Step, { kind: 'heartbeat' }>): string {
    const client = this.clients[s.slot] as TestClient;
    const outcome = stepConsumerGroup(this.state, GROUP, { type: 'ConsumerGroupHeartbeat', request: this.request(s.slot, client, s), env: this.env() });
    this.apply(outcome);
    const message = outcome.responses[0]?.message;
    if (s.lost || message === undefined || message.type !== 'ConsumerGroupHeartbeatResponse') {
      client.sendFull = true;
      return 'LOST';
    }
    const error = errorName(message.errorCode);
    client.sendFull = error !== 'NONE';
    if (error === 'FENCED_MEMBER_EPOCH' || error === 'UNKNOWN_MEMBER_ID') Object.assign(client, { memberEpoch: 0, assignment: [], previous: [] });
    if (error !== 'NONE') return error;
    client.memberId = message.memberId ?? client.memberId;
    client.memberEpoch = message.memberEpoch;
    if (message.assignment !== null) {
      client.previous = client.assignment;
      client.assignment = message.assignment.topicPartitions.map((t) => ({ topicId: t.topicId, partitions: [...t.partitions] }));
    }
    return error;
  }

  /** Time passes: the session of a member id no client uses any more runs out. */
  expire(memberId: string): void {
    const key = [...this.timers.keys()].find((k) => k === `session-timeout-${GROUP}-${memberId}`);
    if (key !== undefined) this.timer([...this.timers.keys()].sort().indexOf(key));
  }

  leave(s: Extract<Step, { kind: 'leave' }>): void {
    const client = this.clients[s.slot] as TestClient;
    if (client.memberId === '') return;
    const instanceId = instanceIdOf(s.slot);
    const memberEpoch = s.temporary && instanceId !== null ? -2 : -1;
    this.apply(stepConsumerGroup(this.state, GROUP, { type: 'ConsumerGroupHeartbeat', env: this.env(), request: {
      type: 'ConsumerGroupHeartbeat', correlationId: ++this.correlationId, groupId: GROUP, memberId: client.memberId, memberEpoch, instanceId, rackId: null,
      rebalanceTimeoutMs: -1, subscribedTopicNames: null, serverAssignor: null, topicPartitions: null, from: s.slot,
    } }));
    // A static member comes back under a new member id (KIP-848 before KIP-1082).
    Object.assign(client, { memberId: memberEpoch === -2 ? '' : client.memberId, memberEpoch: 0, assignment: [], previous: [] });
  }

  timer(pick: number): void {
    const keys = [...this.timers.keys()].sort();
    if (keys.length === 0) return;
    const key = keys[pick % keys.length] as string;
    const event = this.timers.get(key) as ShardTimerEvent;
    this.timers.delete(key);
    this.apply(stepConsumerGroup(this.state, GROUP, { ...consumerTimerEventOf(event)!, env: this.env() }));
  }

  run(steps: readonly Step[]): void {
    for (const s of steps) {
      switch (s.kind) {
        case 'heartbeat': this.heartbeat(s); break;
        case 'leave': this.leave(s); break;
        case 'subscribe': (this.clients[s.slot] as TestClient).topics = s.topics; this.heartbeat({ kind: 'heartbeat', slot: s.slot, owned: 'assignment', epoch: 'current', lost: false, full: true }); break;
        case 'timer': this.timer(s.pick); break;
        case 'grow': this.partitions[TOPIC_NAMES[s.topic] as 'foo' | 'bar'] += 1; break;
      }
    }
  }
}

const withoutSoftState = (state: ConsumerGroupsState) => Object.values(state.groups).map(({ subscriptionMetadata: _soft, ...group }) => group);

describe('KIP-848 coordinator under random schedules', () => {
  it('never gives a partition two owners, keeps epochs ordered, reconciles to the target, and rebuilds from its records', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), (steps) => {
        const run = new Run();
        run.run(steps);
        // Everything but the subscription metadata, which no record here carries (see consumerGroupOnLoaded).
        const rebuilt = consumerGroupOnLoaded(run.log.reduce(replayConsumerGroupRecord, emptyConsumerGroups(7)), run.env());
        expect(withoutSoftState(rebuilt.state)).toEqual(withoutSoftState(run.state));
      }),
      { numRuns: 300 },
    );
  });

  it('the random schedules reach every live state of the group and member machines (the generator is not vacuous)', () => {
    const groupStates = new Set<string>();
    const memberStates = new Set<string>();
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 80 }), (steps) => {
        const run = new Run();
        run.run(steps);
        for (const s of run.groupStates) groupStates.add(s);
        for (const s of run.memberStates) memberStates.add(s);
      }),
      { numRuns: 100, seed: 848 },
    );
    // Assigning shows between steps after a leave or a fence: the group epoch is bumped and the target waits for the next heartbeat.
    expect([...groupStates].sort()).toEqual(['Assigning', 'Empty', 'Reconciling', 'Stable']);
    expect([...memberStates].sort()).toEqual(['STABLE', 'UNRELEASED_PARTITIONS', 'UNREVOKED_PARTITIONS']);
  });

  it('converges once members report faithfully and nothing is lost (liveness)', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const run = new Run();
        run.run(steps);
        // Heal: time passes (abandoned member ids expire), and every client heartbeats at its
        // epoch reporting exactly what it was given; one refused at epoch 0 under an id (or
        // instance id) the coordinator still has waits for that member's session to run out.
        for (let round = 0; round < 16; round++) {
          const live = new Set(run.clients.map((c) => c.memberId));
          for (const memberId of Object.keys(run.state.groups[GROUP]?.members ?? {})) if (!live.has(memberId)) run.expire(memberId);
          for (let index = 0; index < SLOTS; index++) {
            const client = run.clients[index] as TestClient;
            const answer = run.heartbeat({ kind: 'heartbeat', slot: index, owned: 'assignment', epoch: 'current', lost: false, full: false });
            if (answer === 'FENCED_MEMBER_EPOCH' || answer === 'UNRELEASED_INSTANCE_ID') run.expire(client.memberId);
          }
        }
        const group = run.state.groups[GROUP];
        if (group === undefined) return;
        const stuck = Object.values(group.members).filter((m) => m.memberEpoch >= 0 && (m.state !== 'STABLE' || m.memberEpoch !== group.assignmentEpoch));
        expect(stuck).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
