/**
 * The consumer client as named states (issue 13): coordinator discovery and membership are
 * parallel regions whose states follow Kafka's (AbstractCoordinator.MemberState, KIP-848's
 * MemberState), and Kafka's client timers wake the client at their deadlines instead of a
 * periodic tick. The machine is stepped through the actor host with hand-written answers.
 */
import { describe, expect, it } from 'vitest';
import { Actor, RecordingSink, type HostEvent } from '../../src/cluster/actor-host.js';
import { createConsumerMachine, defaultConsumerConfig, type ConsumerConfig } from '../../src/machines/consumer/kafka-consumer.js';
import { toMermaid } from '../../src/docs/machine-doc.js';
import { checkConsumedInOrder, checkConsumedTheLog, type ConsumerRead } from '../../spec/groups/clauses.js';

const TOPIC_ID = 'TTTTTTTTTTTTTTTTTTTTTA';
const config = (overrides: Partial<ConsumerConfig>): ConsumerConfig => ({
  ...defaultConsumerConfig, clientId: 'c', groupId: 'g', assignors: ['range'], sessionTimeoutMs: 3_000, heartbeatIntervalMs: 1_000,
  maxPollIntervalMs: 10_000, requestTimeoutMs: 5_000, retryBackoffMs: 100, metadataMaxAgeMs: 60_000, fetchMaxWaitMs: 200, autoCommitIntervalMs: 1_000, ...overrides,
});

class Client {
  readonly sink = new RecordingSink();
  readonly actor;
  nowMs = 0;
  constructor(overrides: Partial<ConsumerConfig> = {}) {
    this.actor = Actor.start('consumer', createConsumerMachine(), { clientId: 1, bootstrap: [1], config: config(overrides) }, this.sink);
  }
  step(event: HostEvent, atMs = this.nowMs): HostEvent[] {
    this.nowMs = atMs;
    this.sink.clear();
    this.actor.step({ from: 1, ...event, nowMs: atMs }, this.sink);
    return this.sink.effects;
  }
  sent(type: string): Record<string, unknown> {
    const found = this.sink.effects.find((e) => e.type === 'send' && (e['message'] as { type: string }).type === type);
    if (found === undefined) throw new Error(`nothing of type ${type} was sent: ${JSON.stringify(this.sink.effects.map((e) => (e['message'] as { type: string } | undefined)?.type))}`);
    return found['message'] as Record<string, unknown>;
  }
  get value(): { Coordinator: string; Membership: Record<string, string> | string } {
    return (this.actor.snapshot.value as { Running: { Coordinator: string; Membership: Record<string, string> | string } }).Running;
  }
  timers(): Record<string, number> {
    return Object.fromEntries(this.sink.scheduled.map((t) => [t.id, t.delayMs]));
  }
}

const metadata = (correlationId: number): HostEvent => ({
  type: 'MetadataResponse', correlationId, controllerId: 1,
  topics: [{ name: 't', topicId: TOPIC_ID, partitions: [0, 1].map(() => ({ replicas: [1], isr: [1], leader: 1, leaderEpoch: 0, partitionEpoch: 0 })) }],
});

/** Subscribe, find the coordinator, join and sync: a classic member in STABLE holding t-0 and t-1. */
function stableClassicMember(): Client {
  const c = new Client();
  c.step({ type: 'Subscribe', topics: ['t'] });
  expect(c.value).toEqual({ Coordinator: 'Discovering', Membership: { Classic: 'UNJOINED' } });
  c.step(metadata(c.sent('Metadata')['correlationId'] as number));
  c.step({ type: 'FindCoordinatorResponse', correlationId: 2, key: 'g', errorCode: 0, nodeId: 1 }, 5);
  expect(c.value).toEqual({ Coordinator: 'Known', Membership: { Classic: 'PREPARING_REBALANCE' } });
  const join = c.sent('JoinGroup');
  const subscription = { topics: ['t'], ownedPartitions: [], generationId: -1, rackId: null };
  c.step({ type: 'JoinGroupResponse', correlationId: join['correlationId'], errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: 'm1', skipAssignment: false, memberId: 'm1', members: [{ memberId: 'm1', groupInstanceId: null, metadata: subscription }] }, 10);
  expect(c.value).toEqual({ Coordinator: 'Known', Membership: { Classic: 'COMPLETING_REBALANCE' } });
  const sync = c.sent('SyncGroup');
  expect(sync['assignments']).toEqual([{ memberId: 'm1', assignment: { assignedPartitions: [{ topic: 't', partitions: [0, 1] }] } }]);
  c.step({ type: 'SyncGroupResponse', correlationId: sync['correlationId'], errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: { assignedPartitions: [{ topic: 't', partitions: [0, 1] }], userData: null } }, 20);
  expect(c.value).toEqual({ Coordinator: 'Known', Membership: { Classic: 'STABLE' } });
  return c;
}

describe('the consumer client as named states', () => {
  it('a classic member goes UNJOINED → PREPARING_REBALANCE → COMPLETING_REBALANCE → STABLE while the coordinator goes Unknown → Discovering → Known', () => {
    const c = stableClassicMember();
    expect(c.sink.effects.filter((e) => e.type === 'rebalance')).toEqual([{ type: 'rebalance', kind: 'assigned', partitions: ['t-0', 't-1'] }]);
  });

  it('no periodic tick: a stable member arms only Kafka\'s timers, each at its own deadline', () => {
    const c = stableClassicMember();
    c.step({ type: 'Poll' }, 30);
    const armed = c.timers();
    expect(Object.keys(armed).some((id) => /tick/i.test(id))).toBe(false);
    // The heartbeat is due heartbeat.interval.ms after the JoinGroup answer's heartbeat... none sent yet, so the first goes at once.
    expect(armed['PollTimer']).toBe(10_000);
    const heartbeat = c.step({ type: 'HeartbeatTimer', from: -1 }, 1_000);
    expect(heartbeat.filter((e) => e.type === 'send').map((e) => (e['message'] as { type: string }).type)).not.toContain('Tick');
  });

  it('heartbeat.interval.ms: the next Heartbeat goes out when its timer fires, not before', () => {
    const c = stableClassicMember();
    // The first Heartbeat went out with SyncGroup (t=10): the next is due at 1 010.
    const inFlight = Object.entries((c.actor.context as { inFlight: Record<string, { kind: string }> }).inFlight).find(([, r]) => r.kind === 'Heartbeat');
    c.step({ type: 'HeartbeatResponse', correlationId: Number(inFlight?.[0]), errorCode: 0 }, 25);
    expect(c.timers()['HeartbeatTimer']).toBe(1_010 - 25);
    expect(c.sink.effects.some((e) => e.type === 'send' && (e['message'] as { type: string }).type === 'Heartbeat')).toBe(false);
    c.step({ type: 'HeartbeatTimer', from: -1 }, 1_010);
    expect(c.sent('Heartbeat')['generationId']).toBe(1);
  });

  it('session.timeout.ms without a heartbeat answer: the coordinator is unknown again, and looked up after retry.backoff.ms', () => {
    const c = stableClassicMember();
    c.step({ type: 'Poll' }, 20);
    expect(c.value.Coordinator).toBe('Known');
    // The SyncGroup answer (t=20) was the last word from the coordinator.
    c.step({ type: 'SessionTimer', from: -1 }, 3_019);
    expect(c.value.Coordinator).toBe('Known');
    c.step({ type: 'SessionTimer', from: -1 }, 3_020);
    expect(c.value.Coordinator).toBe('Unknown');
    expect(c.timers()['RetryBackoffTimer']).toBe(100);
    c.step({ type: 'RetryBackoffTimer', from: -1 }, 3_120);
    expect(c.value.Coordinator).toBe('Discovering');
    expect(c.sent('FindCoordinator')['key']).toBe('g');
  });

  it('max.poll.interval.ms without poll(): the member leaves the group (LeaveGroup) and is UNJOINED', () => {
    const c = stableClassicMember();
    c.step({ type: 'Poll' }, 20);
    expect(c.timers()['PollTimer']).toBe(10_000);
    c.step({ type: 'PollTimer', from: -1 }, 10_020);
    expect(c.sent('LeaveGroup')['members']).toEqual([{ memberId: 'm1', groupInstanceId: null, reason: 'consumer poll timeout has expired' }]);
    expect((c.value.Membership as Record<string, string>)['Classic']).not.toBe('STABLE');
  });

  it('a timer fired early (a fast clock) wakes nothing and is armed again for what is left', () => {
    const c = stableClassicMember();
    c.step({ type: 'Poll' }, 20);
    c.step({ type: 'PollTimer', from: -1 }, 9_000);
    expect(c.timers()['PollTimer']).toBe(1_020);
  });

  it('a JoinGroup answer that comes after a heartbeat\'s answer reset the generation is dropped, and the member joins again (it threw an illegal UNJOINED -> COMPLETING_REBALANCE: sweep seed 128)', () => {
    const c = stableClassicMember();
    // The Heartbeat sent with SyncGroup (t=10) is still out when a new subscription makes the member rejoin.
    const heartbeat = Object.entries((c.actor.context as { inFlight: Record<string, { kind: string }> }).inFlight).find(([, r]) => r.kind === 'Heartbeat');
    c.step({ type: 'Subscribe', topics: ['t', 'u'] }, 30);
    expect(c.value.Membership).toEqual({ Classic: 'PREPARING_REBALANCE' });
    const join = c.sent('JoinGroup');
    c.step({ type: 'HeartbeatResponse', correlationId: Number(heartbeat?.[0]), errorCode: 22 /* ILLEGAL_GENERATION */ }, 1_015);
    expect(c.value.Membership).toEqual({ Classic: 'UNJOINED' });
    const subscription = { topics: ['t', 'u'], ownedPartitions: [], generationId: -1, rackId: null };
    c.step({ type: 'JoinGroupResponse', correlationId: join['correlationId'], errorCode: 0, generationId: 2, protocolType: 'consumer', protocolName: 'range', leader: 'm1', skipAssignment: false, memberId: 'm1', members: [{ memberId: 'm1', groupInstanceId: null, metadata: subscription }] }, 1_020);
    // Dropped (UnjoinedGroupException): no SyncGroup for generation 2; the member joins again as a new member.
    expect(c.sink.effects.some((e) => e.type === 'send' && (e['message'] as { type: string }).type === 'SyncGroup')).toBe(false);
    expect(c.value.Membership).toEqual({ Classic: 'PREPARING_REBALANCE' });
    expect(c.sent('JoinGroup')['memberId']).toBe('');
  });

  it('a SyncGroup answer that comes after the generation was reset is not taken: no partitions, no callback (it took the old generation\'s assignment, or threw an illegal UNJOINED -> STABLE: sweep seed 251)', () => {
    const c = new Client();
    c.step({ type: 'Subscribe', topics: ['t'] });
    c.step(metadata(c.sent('Metadata')['correlationId'] as number));
    c.step({ type: 'FindCoordinatorResponse', correlationId: 2, key: 'g', errorCode: 0, nodeId: 1 }, 5);
    const join = c.sent('JoinGroup');
    const subscription = { topics: ['t'], ownedPartitions: [], generationId: -1, rackId: null };
    c.step({ type: 'JoinGroupResponse', correlationId: join['correlationId'], errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: 'm1', skipAssignment: false, memberId: 'm1', members: [{ memberId: 'm1', groupInstanceId: null, metadata: subscription }] }, 10);
    const sync = c.sent('SyncGroup');
    const heartbeat = Object.entries((c.actor.context as { inFlight: Record<string, { kind: string }> }).inFlight).find(([, r]) => r.kind === 'Heartbeat');
    expect(heartbeat).toBeDefined();
    c.step({ type: 'HeartbeatResponse', correlationId: Number(heartbeat?.[0]), errorCode: 25 /* UNKNOWN_MEMBER_ID */ }, 15);
    expect(c.value.Membership).toEqual({ Classic: 'UNJOINED' });
    c.step({ type: 'SyncGroupResponse', correlationId: sync['correlationId'], errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: { assignedPartitions: [{ topic: 't', partitions: [0, 1] }], userData: null } }, 20);
    // Not taken (ILLEGAL_GENERATION in Kafka's handler): no partitions, no callback; the member joins again at once.
    expect(c.sink.effects.filter((e) => e.type === 'rebalance')).toEqual([]);
    expect(c.value.Membership).toEqual({ Classic: 'PREPARING_REBALANCE' });
    expect(c.sent('JoinGroup')['memberId']).toBe('');
    expect(Object.keys((c.actor.context as { owned: Record<string, unknown> }).owned)).toEqual([]);
  });

  it('KIP-848: the member state follows MemberState edge by edge (JOINING → RECONCILING → ACKNOWLEDGING → STABLE; fenced: FENCED → JOINING)', () => {
    const c = new Client({ groupProtocol: 'consumer', assignors: [], remoteAssignor: 'uniform' });
    c.step({ type: 'Subscribe', topics: ['t'] });
    c.step(metadata(1));
    c.step({ type: 'FindCoordinatorResponse', correlationId: 2, key: 'g', errorCode: 0, nodeId: 1 }, 5);
    expect(c.value).toEqual({ Coordinator: 'Known', Membership: { Consumer: 'JOINING' } });
    const join = c.sent('ConsumerGroupHeartbeat');
    c.step({ type: 'ConsumerGroupHeartbeatResponse', correlationId: join['correlationId'], errorCode: 0, errorMessage: null, memberId: 'm1', memberEpoch: 1, heartbeatIntervalMs: 500, assignment: { topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 1] }] } }, 10);
    // Reconciled at once (no callbacks to wait for), acknowledged with the next heartbeat, sent at once.
    expect(c.value.Membership).toEqual({ Consumer: 'STABLE' });
    const ack = c.sent('ConsumerGroupHeartbeat');
    expect(ack['topicPartitions']).toEqual([{ topicId: TOPIC_ID, partitions: [0, 1] }]);
    c.step({ type: 'ConsumerGroupHeartbeatResponse', correlationId: ack['correlationId'], errorCode: 0, errorMessage: null, memberId: 'm1', memberEpoch: 1, heartbeatIntervalMs: 500, assignment: null }, 15);
    expect(c.timers()['HeartbeatTimer']).toBe(500 - 5);
    c.step({ type: 'HeartbeatTimer', from: -1 }, 510);
    const next = c.sent('ConsumerGroupHeartbeat');
    c.step({ type: 'ConsumerGroupHeartbeatResponse', correlationId: next['correlationId'], errorCode: 110, errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null }, 520);
    // FENCED_MEMBER_EPOCH: partitions lost, then rejoin at epoch 0: both edges taken in one step.
    expect(c.value.Membership).toEqual({ Consumer: 'JOINING' });
    expect(c.sink.effects.filter((e) => e.type === 'rebalance')).toEqual([{ type: 'rebalance', kind: 'lost', partitions: ['t-0', 't-1'] }]);
    expect(c.actor.context.hops).toEqual({ coordinator: [], classic: [], consumer: [] });
  });

  it('the diagram shows the regions and Kafka\'s state names with their edges', () => {
    const diagram = toMermaid(createConsumerMachine());
    for (const state of ['UNJOINED', 'PREPARING_REBALANCE', 'COMPLETING_REBALANCE', 'UNSUBSCRIBED', 'JOINING', 'RECONCILING', 'ACKNOWLEDGING', 'FENCED', 'PREPARE_LEAVING', 'LEAVING', 'STALE', 'FATAL', 'Discovering', 'Known']) expect(diagram).toContain(state);
    expect(diagram).toMatch(/FENCED --> .*JOINING/);
    expect(diagram).not.toMatch(/Tick/);
  });

  it('a manual consumer without a group.id has no membership', () => {
    const c = new Client({ groupId: null });
    c.step({ type: 'Assign', partitions: ['t-0'] });
    expect(c.value).toEqual({ Coordinator: 'Unknown', Membership: 'NoGroup' });
  });

  it('SyncGroupResponseHandler: a SyncGroup answered after a heartbeat reset the generation fails the rebalance (kspec sim --seed 1002 threw UNJOINED -> STABLE)', () => {
    const c = new Client();
    c.step({ type: 'Subscribe', topics: ['t'] });
    c.step(metadata(c.sent('Metadata')['correlationId'] as number));
    c.step({ type: 'FindCoordinatorResponse', correlationId: 2, key: 'g', errorCode: 0, nodeId: 1 }, 5);
    const join = c.sent('JoinGroup');
    const subscription = { topics: ['t'], ownedPartitions: [], generationId: -1, rackId: null };
    c.step({ type: 'JoinGroupResponse', correlationId: join['correlationId'], errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: 'm1', skipAssignment: false, memberId: 'm1', members: [{ memberId: 'm1', groupInstanceId: null, metadata: subscription }] }, 10);
    const sync = c.sent('SyncGroup');
    const heartbeat = c.sent('Heartbeat');
    c.step({ type: 'HeartbeatResponse', correlationId: heartbeat['correlationId'], errorCode: 25 }, 12); // UNKNOWN_MEMBER_ID
    expect(c.value.Membership).toEqual({ Classic: 'UNJOINED' });
    c.step({ type: 'SyncGroupResponse', correlationId: sync['correlationId'], errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: { assignedPartitions: [{ topic: 't', partitions: [0, 1] }], userData: null } }, 15);
    expect((c.value.Membership as Record<string, string>)['Classic']).not.toBe('STABLE');
    expect(c.sink.effects.filter((e) => e.type === 'rebalance')).toEqual([]);
  });

  describe('COORDINATOR_LOAD_IN_PROGRESS: the coordinator is still loading its partition', () => {
    /** Subscribed, coordinator found: the JoinGroup is in flight. */
    function joining(): Client {
      const c = new Client();
      c.step({ type: 'Subscribe', topics: ['t'] });
      c.step(metadata(c.sent('Metadata')['correlationId'] as number));
      c.step({ type: 'FindCoordinatorResponse', correlationId: 2, key: 'g', errorCode: 0, nodeId: 1 }, 5);
      return c;
    }

    it('JoinGroupResponseHandler: keep the coordinator, back off retry.backoff.ms, join it again (no new lookup)', () => {
      const c = joining();
      const join = c.sent('JoinGroup');
      c.step({ type: 'JoinGroupResponse', correlationId: join['correlationId'], errorCode: 14, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: '', members: [] }, 10);
      expect(c.value).toEqual({ Coordinator: 'Known', Membership: { Classic: 'UNJOINED' } });
      const sent = c.sink.effects.filter((e) => e.type === 'send').map((e) => (e['message'] as { type: string }).type);
      expect(sent).not.toContain('FindCoordinator');
      expect(sent).not.toContain('JoinGroup');
      expect(c.timers()['RetryBackoffTimer']).toBe(100);
      c.step({ type: 'RetryBackoffTimer', from: -1 }, 110);
      expect(c.value).toEqual({ Coordinator: 'Known', Membership: { Classic: 'PREPARING_REBALANCE' } });
      expect(c.sink.effects.find((e) => e.type === 'send' && (e['message'] as { type: string }).type === 'JoinGroup')?.['to']).toBe(1);
    });

    it('OffsetFetch: retried on the same coordinator after retry.backoff.ms', () => {
      const c = stableClassicMember();
      const offsetFetch = c.sent('OffsetFetch');
      c.step({ type: 'OffsetFetchResponse', correlationId: offsetFetch['correlationId'], errorCode: 14, partitions: [] }, 30);
      expect(c.value.Coordinator).toBe('Known');
      expect(c.timers()['RetryBackoffTimer']).toBe(100);
      c.step({ type: 'RetryBackoffTimer', from: -1 }, 130);
      expect(c.sent('OffsetFetch')['partitions']).toEqual([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    });

    it('KIP-848: the heartbeat is retried on the same coordinator after retry.backoff.ms', () => {
      const c = new Client({ groupProtocol: 'consumer', assignors: [], remoteAssignor: 'uniform' });
      c.step({ type: 'Subscribe', topics: ['t'] });
      c.step(metadata(1));
      c.step({ type: 'FindCoordinatorResponse', correlationId: 2, key: 'g', errorCode: 0, nodeId: 1 }, 5);
      const join = c.sent('ConsumerGroupHeartbeat');
      c.step({ type: 'ConsumerGroupHeartbeatResponse', correlationId: join['correlationId'], errorCode: 14, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null }, 10);
      expect(c.value).toEqual({ Coordinator: 'Known', Membership: { Consumer: 'JOINING' } });
      expect(c.sink.effects.some((e) => e.type === 'send')).toBe(false);
      c.step({ type: 'RetryBackoffTimer', from: -1 }, 110);
      expect(c.sent('ConsumerGroupHeartbeat')['memberEpoch']).toBe(0);
    });
  });

  describe('KIP-320: the position is validated after a leader change', () => {
    const batch = (baseOffset: number, leaderEpoch: number, values: string[]) => ({
      baseOffset, lastOffsetDelta: values.length - 1, partitionLeaderEpoch: leaderEpoch, producerId: -1, producerEpoch: -1, baseSequence: -1, maxTimestamp: 0,
      records: values.map((value, i) => ({ offsetDelta: i, key: null, value, timestamp: 0 })),
    });
    const leaderMetadata = (correlationId: number, leader: number, leaderEpoch: number): HostEvent => ({
      type: 'MetadataResponse', correlationId, controllerId: 1,
      topics: [{ name: 't', topicId: TOPIC_ID, partitions: [{ replicas: [1, 2], isr: [leader], leader, leaderEpoch, partitionEpoch: leaderEpoch }] }],
    });
    const fetchAnswer = (c: Client, batches: ReturnType<typeof batch>[], highWatermark: number): HostEvent => ({
      type: 'FetchResponse', topic: 't', topicId: TOPIC_ID, partition: 0, correlationId: c.sent('Fetch')['correlationId'], errorCode: 0,
      highWatermark, logStartOffset: 0, logEndOffset: highWatermark, divergingEpoch: null, currentLeader: null, batches,
    });
    /** Everything handed over and every position move, as CONS-1 reads them. */
    const reads = (c: Client, events: HostEvent[]): ConsumerRead[] => events.flatMap((e): ConsumerRead[] => {
      if (e.type === 'records') return [{ type: 'records', consumer: 1, partition: e['partition'] as string, records: e['records'] as { offset: number; value: string }[] }];
      if (e.type === 'position') return [{ type: 'position', consumer: 1, partition: e['partition'] as string, offset: e['offset'] as number }];
      return [];
    });

    /**
     * Broker 1 leads in epoch 0; the consumer reads v0..v9 from it. Broker 2, which had only v0..v5,
     * is elected uncleanly (epoch 1) and takes w6..w9. Returns everything the consumer did.
     */
    function uncleanElection(autoOffsetReset: ConsumerConfig['autoOffsetReset'] = 'earliest') {
      const c = new Client({ groupId: null, autoOffsetReset });
      const seen: HostEvent[] = [];
      const step = (event: HostEvent, atMs: number) => { seen.push(...c.step(event, atMs)); };
      step({ type: 'Assign', partitions: ['t-0'] }, 0);
      step(leaderMetadata(c.sent('Metadata')['correlationId'] as number, 1, 0), 1);
      if (autoOffsetReset === 'none') step({ type: 'Seek', partition: 't-0', offset: 0 }, 2);
      else {
        const reset = c.sent('ListOffsets');
        step({ type: 'ListOffsetsResponse', topic: 't', topicId: TOPIC_ID, partition: 0, correlationId: reset['correlationId'], errorCode: 0, offset: 0, timestamp: -1, leaderEpoch: 0 }, 2);
      }
      step(fetchAnswer(c, [batch(0, 0, ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9'])], 10), 3);
      step({ type: 'Poll' }, 4);
      step({ type: 'MetadataTimer', from: -1 }, 60_004);
      step(leaderMetadata(c.sent('Metadata')['correlationId'] as number, 2, 1), 60_005);
      return { c, seen, step };
    }
    const finalLog = { 't-0': ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'w6', 'w7', 'w8', 'w9'] };

    it('asks the new leader where the epoch of its last record ends, goes back there, and reads the new leader\'s records (CONS-1 against the log)', () => {
      const { c, seen, step } = uncleanElection();
      const validation = c.sent('OffsetForLeaderEpoch');
      expect(validation).toMatchObject({ replicaId: -1, currentLeaderEpoch: 1, leaderEpoch: 0 });
      expect(c.sink.effects.find((e) => e.type === 'send')?.['to']).toBe(2);
      step({ type: 'OffsetForLeaderEpochResponse', topic: 't', topicId: TOPIC_ID, partition: 0, correlationId: validation['correlationId'], errorCode: 0, leaderEpoch: 0, endOffset: 6 }, 60_006);
      expect(c.sink.effects).toContainEqual({ type: 'position', partition: 't-0', offset: 6, reason: 'truncated' });
      const fetch = c.sent('Fetch');
      expect(fetch).toMatchObject({ fetchOffset: 6, currentLeaderEpoch: 1 });
      step(fetchAnswer(c, [batch(6, 1, ['w6', 'w7', 'w8', 'w9'])], 10), 60_007);
      step({ type: 'Poll' }, 60_008);
      expect(checkConsumedTheLog(reads(c, seen), finalLog)).toMatchObject({ verdict: 'valid' });
      expect(checkConsumedInOrder(reads(c, seen).map((r) => (r.type === 'records' ? { ...r, offsets: r.records.map((x) => x.offset), time: 0 } : { ...r, reason: 'seek' as const, time: 0 })))).toMatchObject({ verdict: 'valid' });
    });

    it('commits carry the position\'s offset epoch (the leader epoch of the record before it), so a consumer resuming there can validate it', () => {
      const c = stableClassicMember();
      const committed = (partition: number) => ({ topic: 't', partition, committedOffset: 0, committedLeaderEpoch: -1, metadata: null, errorCode: 0 });
      c.step({ type: 'OffsetFetchResponse', correlationId: c.sent('OffsetFetch')['correlationId'], errorCode: 0, partitions: [committed(0), committed(1)] }, 30);
      const fetch = c.sink.effects.find((e) => e.type === 'send' && (e['message'] as { type: string; partition: number }).type === 'Fetch' && (e['message'] as { partition: number }).partition === 0)?.['message'] as { correlationId: number };
      c.step({ ...fetchAnswer(c, [batch(0, 2, ['a', 'b'])], 2), correlationId: fetch.correlationId }, 31);
      c.step({ type: 'Poll' }, 32);
      c.step({ type: 'Commit' }, 33);
      // t-0 read a record of leader epoch 2; t-1 took the committed offset, which named no epoch.
      expect(c.sent('OffsetCommit')['partitions']).toEqual([
        { topic: 't', partition: 0, committedOffset: 2, committedLeaderEpoch: 2, committedMetadata: null },
        { topic: 't', partition: 1, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: null },
      ]);
    });

    it('the clause sees the skip a consumer that fetches on from its old position makes', () => {
      const skipping: ConsumerRead[] = [
        { type: 'position', consumer: 1, partition: 't-0', offset: 0 },
        { type: 'records', consumer: 1, partition: 't-0', records: ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9'].map((value, offset) => ({ offset, value })) },
        { type: 'records', consumer: 1, partition: 't-0', records: [{ offset: 10, value: 'w10' }] },
      ];
      const verdict = checkConsumedTheLog(skipping, { 't-0': [...finalLog['t-0'], 'w10'] });
      expect(verdict.verdict).toBe('invalid');
      expect(verdict.anomalies[0]).toContain('6,7,8,9');
    });

    it('a validation that finds the epoch intact fetches on from the position; an epoch the leader does not know resets', () => {
      const intact = uncleanElection();
      const asked = intact.c.sent('OffsetForLeaderEpoch');
      intact.step({ type: 'OffsetForLeaderEpochResponse', topic: 't', topicId: TOPIC_ID, partition: 0, correlationId: asked['correlationId'], errorCode: 0, leaderEpoch: 0, endOffset: 10 }, 60_006);
      expect(intact.c.sent('Fetch')['fetchOffset']).toBe(10);
      const unknown = uncleanElection();
      const again = unknown.c.sent('OffsetForLeaderEpoch');
      unknown.step({ type: 'OffsetForLeaderEpochResponse', topic: 't', topicId: TOPIC_ID, partition: 0, correlationId: again['correlationId'], errorCode: 0, leaderEpoch: -1, endOffset: -1 }, 60_006);
      expect(unknown.c.sent('ListOffsets')['timestamp']).toBe(-2);
    });

    it('auto.offset.reset=none: a truncation below the position is a LogTruncationException, the position stays', () => {
      const { c, step } = uncleanElection('none');
      const asked = c.sent('OffsetForLeaderEpoch');
      step({ type: 'OffsetForLeaderEpochResponse', topic: 't', topicId: TOPIC_ID, partition: 0, correlationId: asked['correlationId'], errorCode: 0, leaderEpoch: 0, endOffset: 6 }, 60_006);
      expect(c.sink.effects.find((e) => e.type === 'error')?.['error']).toMatch(/^LogTruncationException/);
      expect(c.sink.effects.some((e) => e.type === 'position' || (e.type === 'send' && (e['message'] as { type: string }).type === 'Fetch'))).toBe(false);
    });
  });
});
