/**
 * The consumer's KIP-848 membership manager (protocol-rules C.7; ConsumerMembershipManager,
 * AbstractMembershipManager, ConsumerHeartbeatRequestManager.HeartbeatState), alone and coupled
 * with the coordinator's rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorCode } from '../../src/protocol/errors.js';
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from '../../src/protocol/groups/messages.js';
import {
  heartbeatRequest, initialMembership, leave, legalPredecessors, nextCallback, onAssigned, onCallbackCompleted, onConsumerPoll,
  onHeartbeatFailure, onHeartbeatResponse, onLost, onPollTimerExpired, onRevoked, ownedPartitions, poll, shouldHeartbeatNow, subscribe,
  type ConsumerMembership, type MemberState,
} from '../../src/machines/consumer/membership-consumer-protocol.js';
import { consumerGroupHeartbeat, consumerGroupTimer, emptyConsumerGroups, type ConsumerGroupsState } from '../../src/machines/group/consumer-group.js';
import { GroupJudge } from '../support/group-judge.js';
import { defaultGroupCoordinatorConfig, type ShardEnv, type ShardTimerEvent } from '../../src/machines/group/shard.js';

const FOO = 'FOOFOOFOOFOOFOOFOOFOOA';
const BAR = 'BARBARBARBARBARBARBARA';
const names = { [FOO]: 'foo', [BAR]: 'bar' };

const config = { groupId: 'g', groupInstanceId: null, rebalanceTimeoutMs: 300_000, serverAssignor: null };

function joined(instanceId: string | null = null): ConsumerMembership {
  return onConsumerPoll(subscribe(initialMembership({ ...config, groupInstanceId: instanceId }), ['foo']));
}

function send(m: ConsumerMembership): { state: ConsumerMembership; request: ConsumerGroupHeartbeatRequest } {
  const sent = heartbeatRequest(m, 1);
  if (sent === null) throw new Error(`no heartbeat in ${m.state}`);
  return sent;
}

function answer(fields: Partial<ConsumerGroupHeartbeatResponse>): ConsumerGroupHeartbeatResponse {
  return { type: 'ConsumerGroupHeartbeatResponse', correlationId: 1, errorCode: 0, errorMessage: null, memberId: 'member-a', memberEpoch: 1, heartbeatIntervalMs: 5_000, assignment: null, ...fields };
}

const assignment = (foo: number[], bar: number[] = []) => ({
  topicPartitions: [...(foo.length > 0 ? [{ topicId: FOO, partitions: foo }] : []), ...(bar.length > 0 ? [{ topicId: BAR, partitions: bar }] : [])],
});

/** Run every queued callback (as an application with no listener would: at once). */
function drain(m: ConsumerMembership): ConsumerMembership {
  let next = m;
  for (let i = 0; i < 10 && nextCallback(next) !== null; i++) next = onCallbackCompleted(next);
  return next;
}

/** Joined, given foo-0..2 at epoch 1, reconciled and acknowledged: STABLE. */
function stable(): ConsumerMembership {
  let m = send(joined()).state;
  m = drain(onHeartbeatResponse(m, answer({ assignment: assignment([0, 1, 2]) }), names));
  return send(m).state;
}

describe('joining (C.7: UNSUBSCRIBED → JOINING → RECONCILING → ACKNOWLEDGING → STABLE)', () => {
  it('joins on the first poll after subscribing, with a full epoch-0 request', () => {
    const before = subscribe(initialMembership(config), ['foo', 'bar']);
    expect(before.state).toBe('UNSUBSCRIBED');
    expect(heartbeatRequest(before, 1)).toBeNull();
    const m = onConsumerPoll(before);
    expect(m.state).toBe('JOINING');
    expect(shouldHeartbeatNow(m)).toBe(true);
    expect(send(m).request).toEqual({
      type: 'ConsumerGroupHeartbeat', correlationId: 1, groupId: 'g', memberId: '', memberEpoch: 0, instanceId: null, rackId: null,
      rebalanceTimeoutMs: 300_000, subscribedTopicNames: ['bar', 'foo'], serverAssignor: null, topicPartitions: [],
    });
  });

  it('reconciles the assignment (commit and revoke nothing, then assign) and acknowledges it in the next heartbeat', () => {
    let m = send(joined()).state;
    m = onHeartbeatResponse(m, answer({ assignment: assignment([0, 1, 2]) }), names);
    expect(m).toMatchObject({ state: 'RECONCILING', memberId: 'member-a', memberEpoch: 1, heartbeatIntervalMs: 5_000 });
    expect(nextCallback(m)).toEqual({ kind: 'revoke', purpose: 'reconcile', partitions: [] });
    m = onRevoked(m);
    expect(nextCallback(m)).toEqual({ kind: 'assign', added: [{ topic: 'foo', partitions: [0, 1, 2] }], assigned: [{ topic: 'foo', partitions: [0, 1, 2] }] });
    expect(ownedPartitions(m)).toEqual([{ topic: 'foo', partitions: [0, 1, 2] }]);
    m = onAssigned(m);
    expect(m.state).toBe('ACKNOWLEDGING');
    expect(shouldHeartbeatNow(m)).toBe(true);
    const ack = send(m);
    expect(ack.request).toMatchObject({ memberId: 'member-a', memberEpoch: 1, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: [{ topicId: FOO, partitions: [0, 1, 2] }] });
    expect(ack.state.state).toBe('STABLE');
    // Nothing changed since: nothing but the identity is sent.
    expect(send(ack.state).request).toMatchObject({ memberEpoch: 1, rebalanceTimeoutMs: -1, subscribedTopicNames: null, serverAssignor: null, topicPartitions: null });
  });

  it('settles at once when the same assignment comes back', () => {
    const m = stable();
    const again = onHeartbeatResponse(m, answer({ assignment: assignment([0, 1, 2]) }), names);
    expect(again.state).toBe('STABLE');
    expect(nextCallback(again)).toBeNull();
  });

  it('waits for the names of assigned topics it does not know yet', () => {
    let m = send(joined()).state;
    m = onHeartbeatResponse(m, answer({ assignment: assignment([0], [1]) }), { [FOO]: 'foo' });
    expect(m.metadataUpdateRequested).toBe(true);
    m = drain(m);
    expect(ownedPartitions(m)).toEqual([{ topic: 'foo', partitions: [0] }]);
    expect(m.state).toBe('ACKNOWLEDGING');
  });
});

describe('revoke before assign (C.3 on the client: revokeAndAssign)', () => {
  it('revokes what it loses, only then takes the rest, and reports the change only after both', () => {
    let m = stable();
    m = onHeartbeatResponse(m, answer({ memberEpoch: 1, assignment: assignment([0]) }), names);
    expect(nextCallback(m)).toEqual({ kind: 'revoke', purpose: 'reconcile', partitions: [{ topic: 'foo', partitions: [1, 2] }] });
    // While revoking it still owns them and still reports them (no change sent yet).
    expect(ownedPartitions(m)).toEqual([{ topic: 'foo', partitions: [0, 1, 2] }]);
    expect(send(m).request.topicPartitions).toBeNull();
    m = onRevoked(m);
    expect(ownedPartitions(m)).toEqual([{ topic: 'foo', partitions: [0] }]);
    m = onAssigned(m);
    expect(send(m).request.topicPartitions).toEqual([{ topicId: FOO, partitions: [0] }]);
  });

  it('reconciles a newer assignment that arrived while acknowledging', () => {
    let m = stable();
    m = drain(onHeartbeatResponse(m, answer({ assignment: assignment([0]) }), names));
    expect(m.state).toBe('ACKNOWLEDGING');
    m = onHeartbeatResponse(m, answer({ memberEpoch: 2, assignment: assignment([0, 3]) }), names);
    const ack = send(m);
    expect(ack.request.topicPartitions).toEqual([{ topicId: FOO, partitions: [0] }]);
    expect(ack.state.state).toBe('RECONCILING');
    expect(nextCallback(poll(ack.state, names))).toEqual({ kind: 'revoke', purpose: 'reconcile', partitions: [] });
  });

  it('abandons a reconciliation when fenced in the middle of it', () => {
    let m = stable();
    m = onHeartbeatResponse(m, answer({ assignment: assignment([0, 4]) }), names);
    m = onHeartbeatResponse(m, answer({ errorCode: errorCode('FENCED_MEMBER_EPOCH') }), names);
    expect(m.state).toBe('FENCED');
    m = onRevoked(m);
    expect(nextCallback(m)).toEqual({ kind: 'lost', purpose: 'fenced', partitions: [{ topic: 'foo', partitions: [0, 1, 2] }] });
    m = onLost(m);
    expect(m.state).toBe('JOINING');
    expect(ownedPartitions(m)).toEqual([]);
    expect(m.reconciliation).toBeNull();
  });
});

describe('fenced, fatal (AbstractHeartbeatRequestManager.onErrorResponse)', () => {
  for (const error of ['FENCED_MEMBER_EPOCH', 'UNKNOWN_MEMBER_ID'] as const) {
    it(`${error}: the partitions are lost, then the member rejoins at epoch 0 with a full request`, () => {
      let m = onHeartbeatResponse(stable(), answer({ errorCode: errorCode(error) }), names);
      expect(m).toMatchObject({ state: 'FENCED', memberEpoch: 0 });
      expect(heartbeatRequest(m, 1)).toBeNull();
      m = onLost(m);
      expect(m.state).toBe('JOINING');
      expect(send(m).request).toMatchObject({ memberId: 'member-a', memberEpoch: 0, topicPartitions: [], subscribedTopicNames: ['foo'], rebalanceTimeoutMs: 300_000 });
    });
  }

  for (const error of ['INVALID_REQUEST', 'GROUP_MAX_SIZE_REACHED', 'UNSUPPORTED_ASSIGNOR', 'UNRELEASED_INSTANCE_ID', 'FENCED_INSTANCE_ID'] as const) {
    it(`${error} is fatal: no more heartbeats, the partitions are lost`, () => {
      let m = onHeartbeatResponse(stable(), answer({ errorCode: errorCode(error) }), names);
      expect(m).toMatchObject({ state: 'FATAL', fatalError: error });
      expect(nextCallback(m)?.kind).toBe('lost');
      m = onLost(m);
      expect(ownedPartitions(m)).toEqual([]);
      expect(heartbeatRequest(m, 1)).toBeNull();
    });
  }

  it('retries coordinator errors with a full request, staying in the group', () => {
    const m = onHeartbeatResponse(stable(), answer({ errorCode: errorCode('NOT_COORDINATOR') }), names);
    expect(m.state).toBe('STABLE');
    expect(send(m).request).toMatchObject({ rebalanceTimeoutMs: 300_000, subscribedTopicNames: ['foo'], topicPartitions: [{ topicId: FOO, partitions: [0, 1, 2] }] });
  });

  it('sends a full request after a heartbeat without response (lost, timed out)', () => {
    const m = onHeartbeatFailure(stable());
    expect(send(m).request).toMatchObject({ memberEpoch: 1, rebalanceTimeoutMs: 300_000, subscribedTopicNames: ['foo'], topicPartitions: [{ topicId: FOO, partitions: [0, 1, 2] }] });
  });
});

describe('leaving (C.4, C.7: PREPARE_LEAVING → LEAVING → UNSUBSCRIBED)', () => {
  it('revokes its partitions, then sends epoch -1 with nothing owned', () => {
    let m = leave(stable());
    expect(m.state).toBe('PREPARE_LEAVING');
    expect(nextCallback(m)).toEqual({ kind: 'revoke', purpose: 'leave', partitions: [{ topic: 'foo', partitions: [0, 1, 2] }] });
    expect(heartbeatRequest(m, 1)?.request.topicPartitions ?? null).toBeNull();
    m = onRevoked(m);
    expect(m).toMatchObject({ state: 'LEAVING', memberEpoch: -1, subscription: [] });
    const sent = send(m);
    expect(sent.request).toMatchObject({ memberId: 'member-a', memberEpoch: -1, topicPartitions: [] });
    expect(sent.state.state).toBe('UNSUBSCRIBED');
    expect(onHeartbeatResponse(sent.state, answer({ memberEpoch: -1 }), names).leaveInProgress).toBe(false);
  });

  it('leaves with epoch -2 as a static member', () => {
    let m = onConsumerPoll(subscribe(initialMembership({ ...config, groupInstanceId: 'i-1' }), ['foo']));
    m = send(m).state;
    m = drain(onHeartbeatResponse(m, answer({ assignment: assignment([0]) }), names));
    m = drain(leave(send(m).state));
    expect(send(m).request).toMatchObject({ memberEpoch: -2, instanceId: 'i-1' });
  });

  it('a stale member (poll timer expired) leaves first and loses its partitions after, rejoining on the next poll', () => {
    let m = onPollTimerExpired(stable());
    expect(m).toMatchObject({ state: 'LEAVING', memberEpoch: -1 });
    m = send(m).state;
    expect(m.state).toBe('STALE');
    expect(nextCallback(m)).toEqual({ kind: 'lost', purpose: 'stale', partitions: [{ topic: 'foo', partitions: [0, 1, 2] }] });
    m = onConsumerPoll(onLost(m));
    expect(m.state).toBe('JOINING');
  });

  it('refuses a transition MemberState does not list', () => {
    const all = Object.keys(legalPredecessors) as MemberState[];
    expect(all).toHaveLength(10);
    expect(legalPredecessors.ACKNOWLEDGING).toEqual(['RECONCILING']);
    expect(() => onConsumerPoll({ ...stable(), state: 'ACKNOWLEDGING', subscriptionUpdated: false, reconciliation: null, callbacks: [] }).state).not.toThrow();
    // LEAVING can only follow PREPARE_LEAVING: a leave heartbeat answered while STABLE is a bug.
    expect(() => onCallbackCompleted({ ...stable(), callbacks: [{ kind: 'revoke', purpose: 'leave', partitions: [] }] })).toThrow(/Invalid state transition from STABLE to LEAVING/);
  });
});

// ---------------------------------------------------------------------------------------------
// Clients and coordinator together

const env: ShardEnv = {
  nowMs: 0, partition: 0, config: defaultGroupCoordinatorConfig,
  topics: { foo: { name: 'foo', topicId: FOO, numPartitions: 5 }, bar: { name: 'bar', topicId: BAR, numPartitions: 2 } },
};

type Action =
  | { kind: 'heartbeat'; client: number; lost: 'none' | 'request' | 'response' }
  | { kind: 'callback'; client: number }
  | { kind: 'leave'; client: number }
  | { kind: 'rejoin'; client: number }
  | { kind: 'crash'; client: number }
  | { kind: 'expire'; pick: number };

const CLIENTS = 3;
const client = fc.integer({ min: 0, max: CLIENTS - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), client, lost: fc.constantFrom('none' as const, 'none' as const, 'none' as const, 'request' as const, 'response' as const) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('callback' as const), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rejoin' as const), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), pick: fc.nat() }) },
);

const topicsOf = (index: number): string[] => (index === 2 ? ['foo', 'bar'] : ['foo']);

class Cluster {
  server: ConsumerGroupsState = emptyConsumerGroups(3);
  timers = new Map<string, ShardTimerEvent>();
  clients: (ConsumerMembership | null)[] = Array.from({ length: CLIENTS }, (_, i) => onConsumerPoll(subscribe(initialMembership({ ...config, groupInstanceId: i === 0 ? 'static-0' : null }), topicsOf(i))));
  correlationId = 0;
  private readonly judge = new GroupJudge();

  heartbeat(index: number, lostAs: 'none' | 'request' | 'response'): void {
    let lost = lostAs;
    const m = this.clients[index];
    if (m === null || m === undefined) return;
    const sent = heartbeatRequest(m, ++this.correlationId);
    if (sent === null) return;
    // A loss while a reconciliation runs opens Kafka's window 1 (above); every other loss is covered.
    if (m.reconciliation !== null) lost = 'none';
    this.clients[index] = sent.state;
    if (lost === 'request') {
      this.clients[index] = onHeartbeatFailure(sent.state);
      return;
    }
    const outcome = consumerGroupHeartbeat(this.server, { ...sent.request, from: index }, env);
    this.server = outcome.state;
    for (const key of outcome.cancels) this.timers.delete(key);
    for (const timer of outcome.timers) this.timers.set(timer.key, timer.event);
    const response = outcome.responses[0]?.message;
    if (response?.type !== 'ConsumerGroupHeartbeatResponse') throw new Error('no response');
    this.clients[index] = lost === 'response' ? onHeartbeatFailure(sent.state) : onHeartbeatResponse(sent.state, response, names);
  }

  /**
   * A session ends only for a member no running client holds partitions as: a crashed client's,
   * or one whose client is out of the group or rejoining. (A live client that stops heartbeating
   * while it consumes is Kafka's own window of double ownership; timing rules it out, not the
   * protocol.)
   */
  expire(pick: number): void {
    const safe = [...this.timers.entries()].filter(([, event]) => {
      const memberId = 'memberId' in event ? event.memberId : null;
      const holder = this.clients.find((c) => c !== null && c.memberId === memberId);
      return holder === undefined || holder === null || (holder.owned.length === 0 && holder.callbacks.length === 0 && (holder.state === 'JOINING' || holder.state === 'FENCED' || holder.state === 'UNSUBSCRIBED' || holder.state === 'FATAL'));
    }).sort(([a], [b]) => (a < b ? -1 : 1));
    const chosen = safe[pick % Math.max(1, safe.length)];
    if (chosen === undefined) return;
    this.timers.delete(chosen[0]);
    this.server = consumerGroupTimer(this.server, chosen[1], env).state;
  }

  step(a: Action): void {
    const m = this.clients[a.kind === 'expire' ? 0 : a.client];
    switch (a.kind) {
      case 'heartbeat': this.heartbeat(a.client, a.lost); break;
      case 'callback': if (m && nextCallback(m) !== null) this.clients[a.client] = onCallbackCompleted(m); break;
      case 'leave': if (m) this.clients[a.client] = leave(m); break;
      case 'rejoin': if (m) this.clients[a.client] = onConsumerPoll(subscribe(m, topicsOf(a.client))); break;
      case 'crash': this.clients[a.client] = null; break;
      case 'expire': this.expire(a.pick); break;
    }
  }

  /** No partition owned by two running clients, and the coordinator's invariants. */
  check(): void {
    const owner = new Map<string, number>();
    this.clients.forEach((c, index) => {
      for (const p of c?.owned ?? []) {
        const key = `${p.topic}-${p.partition}`;
        const other = owner.get(key);
        if (other !== undefined) throw new Error(`${key} owned by clients ${other} and ${index}`);
        owner.set(key, index);
      }
    });
    const violations = this.judge.observe({ consumer: this.server, topics: env.topics });
    if (violations.length > 0) throw new Error(violations.join('\n'));
  }
}

describe('clients and coordinator together', () => {
  // Two windows of double ownership in Kafka at this snapshot, found by the property below. In
  // both, the member reports owned partitions that omit some it is about to take (it reports what
  // it has reconciled, not what it is reconciling), the coordinator reads "not reported" as
  // "revoked" (CurrentAssignmentBuilder.ownsRevokedPartitions) and hands them on, and the member
  // then takes them. The property excludes exactly these interleavings.
  it('window 1: after a lost heartbeat, the full request during a reconciliation reports the stale owned partitions', () => {
    const cluster = new Cluster();
    cluster.heartbeat(1, 'none');
    expect(cluster.clients[1]?.state).toBe('RECONCILING');
    cluster.clients[1] = onHeartbeatFailure(heartbeatRequest(cluster.clients[1] as ConsumerMembership, 99)?.state as ConsumerMembership);
    cluster.heartbeat(0, 'none');
    cluster.heartbeat(1, 'none');
    cluster.heartbeat(0, 'none');
    // Client 1 finishes taking all of foo; client 0 acknowledges and takes what was released.
    cluster.clients[1] = drain(cluster.clients[1] as ConsumerMembership);
    cluster.clients[0] = drain(cluster.clients[0] as ConsumerMembership);
    cluster.heartbeat(0, 'none');
    cluster.clients[0] = drain(cluster.clients[0] as ConsumerMembership);
    expect(() => cluster.check()).toThrow(/owned by clients 0 and 1/);
  });

  it('window 2: a poll between an acknowledgement and its response reconciles a target the acknowledgement gave up', () => {
    const cluster = new Cluster();
    cluster.heartbeat(1, 'none');
    cluster.clients[1] = drain(cluster.clients[1] as ConsumerMembership);
    cluster.heartbeat(1, 'none');
    // Client 0 joins and reconciles its (empty) first target; meanwhile client 1 leaves and
    // client 0 is given all of foo.
    cluster.heartbeat(0, 'none');
    cluster.clients[1] = drain(leave(cluster.clients[1] as ConsumerMembership));
    cluster.heartbeat(1, 'none');
    cluster.heartbeat(0, 'none');
    expect(cluster.clients[0]?.currentTargetAssignment.partitions).toEqual({ [FOO]: [0, 1, 2, 3, 4] });
    // Client 1 comes back: client 0's target shrinks.
    cluster.step({ kind: 'rejoin', client: 1 });
    cluster.heartbeat(1, 'none');
    // Client 0 finishes the first reconciliation and acknowledges it (owning nothing); before
    // the answer comes, its background poll reconciles the target it has: all of foo.
    cluster.clients[0] = drain(cluster.clients[0] as ConsumerMembership);
    const ack = heartbeatRequest(cluster.clients[0] as ConsumerMembership, 100) as { state: ConsumerMembership; request: ConsumerGroupHeartbeatRequest };
    expect(ack.request.topicPartitions).toEqual([]);
    const polled = drain(poll(ack.state, names));
    const outcome = consumerGroupHeartbeat(cluster.server, { ...ack.request, from: 0 }, env);
    cluster.server = outcome.state;
    cluster.clients[0] = onHeartbeatResponse(polled, outcome.responses[0]?.message as ConsumerGroupHeartbeatResponse, names);
    expect(ownedPartitions(cluster.clients[0] as ConsumerMembership)).toEqual([{ topic: 'foo', partitions: [0, 1, 2, 3, 4] }]);
    // The coordinator took "owns nothing" as "revoked": client 1 is given, and takes, part of foo.
    for (let i = 0; i < 2; i++) {
      cluster.heartbeat(1, 'none');
      cluster.clients[1] = drain(cluster.clients[1] as ConsumerMembership);
    }
    expect(() => cluster.check()).toThrow(/owned by clients 0 and 1/);
  });

  it('no partition is ever owned by two clients, whatever is lost and whenever callbacks finish', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 120 }), (actions) => {
        const cluster = new Cluster();
        for (const a of actions) {
          cluster.step(a);
          cluster.check();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('settles: with nothing lost, every running client ends STABLE owning its target, and together they own every partition', () => {
    fc.assert(
      fc.property(fc.array(action.filter((a) => a.kind !== 'crash' && a.kind !== 'leave'), { maxLength: 60 }), (actions) => {
        const cluster = new Cluster();
        for (const a of actions) cluster.step(a);
        for (let round = 0; round < 30; round++) {
          for (let index = 0; index < CLIENTS; index++) {
            cluster.step({ kind: 'callback', client: index });
            cluster.step({ kind: 'callback', client: index });
            cluster.heartbeat(index, 'none');
            cluster.check();
          }
          // Time passes for member ids no client answers for any more (refused rejoins included).
          cluster.expire(round);
        }
        const group = cluster.server.groups.g;
        const running = cluster.clients.filter((c): c is ConsumerMembership => c !== null && c.state !== 'FATAL');
        expect(running.map((c) => c.state)).toEqual(running.map(() => 'STABLE'));
        const owned = running.flatMap((c) => c.owned.map((p) => `${p.topic}-${p.partition}`)).sort();
        expect(owned).toEqual(['bar-0', 'bar-1', 'foo-0', 'foo-1', 'foo-2', 'foo-3', 'foo-4']);
        expect(group === undefined ? 'none' : Object.values(group.members).every((m) => m.state === 'STABLE')).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
