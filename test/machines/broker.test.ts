/**
 * The broker machine through transition(): a (re)started broker tells its replicas nothing until
 * the controller answers a heartbeat with isCaughtUp, because the metadata it has replayed so far
 * may be stale (regression: a restarted broker acted as leader of a partition that had moved while
 * it was down, and served a follower's fetch; exploration of no-epoch-fencing, seed 256465).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { createBrokerMachine, defaultBrokerConfig, type BrokerEffect } from '../../src/machines/broker/machine.js';
import type { MetadataRecord } from '../../src/machines/controller/metadata.js';

type Action = { type: string; params?: { event?: unknown } };

function broker() {
  const machine = createBrokerMachine();
  let [snapshot, actions] = initialTransition(machine, { brokerId: 3, config: defaultBrokerConfig, randomSeed: 5 });
  let last = actions as Action[];
  const h = {
    get state() { return JSON.stringify(snapshot.value); },
    effects: () => last.filter((a) => a.type === 'xstate.emit').map((a) => a.params?.event as BrokerEffect),
    told: () => h.effects().filter((e) => e.type === 'replica.metadata'),
    sent: () => h.effects().flatMap((e) => (e.type === 'send' ? [e.message] : [])),
    send(event: Record<string, unknown>) {
      [snapshot, actions] = transition(machine, snapshot, { from: 101, nowMs: 0, ...event } as never);
      last = actions as Action[];
      return h;
    },
  };
  return h;
}

/** Broker 3 registered and leading partition 0 of T in epoch 0: what a restarted broker's local metadata log still says. */
const staleLog: MetadataRecord[] = [
  ...[1, 2, 3].map((brokerId) => ({ type: 'RegisterBrokerRecord' as const, brokerId, brokerEpoch: brokerId, rack: null, fenced: false })),
  { type: 'TopicRecord', name: 'orders', topicId: 'T' },
  { type: 'PartitionRecord', topicId: 'T', partitionId: 0, replicas: [3, 1, 2], isr: [3, 1, 2], leader: 3, leaderEpoch: 0, partitionEpoch: 0 },
];

describe('broker machine', () => {
  it('tells its replicas their partitions only after the controller says it has caught up, and then from the current image', () => {
    const b = broker().send({ type: 'QuorumLeaderChange', leaderId: 101, epoch: 1 });
    const registration = b.sent().find((m) => m.type === 'BrokerRegistration');
    expect(registration).toBeDefined();
    b.send({ type: 'MetadataCommitted', records: staleLog, committedOffset: 5 });
    b.send({ type: 'BrokerRegistrationResponse', correlationId: (registration as { correlationId: number }).correlationId, errorCode: 0, brokerEpoch: 9 });
    expect(b.state).toMatch(/Recovery/);
    expect(b.told()).toEqual([]);
    // The rest of the log: the old incarnation was fenced while down and leadership moved to 1.
    b.send({ type: 'MetadataCommitted', records: [{ type: 'PartitionChangeRecord', topicId: 'T', partitionId: 0, isr: [1, 2], leader: 1 }], committedOffset: 6 });
    expect(b.told()).toEqual([]);
    b.send({ type: 'BrokerHeartbeatResponse', correlationId: 99, errorCode: 0, isCaughtUp: false, isFenced: true });
    expect(b.told()).toEqual([]);
    b.send({ type: 'BrokerHeartbeatResponse', correlationId: 100, errorCode: 0, isCaughtUp: true, isFenced: true });
    expect(b.told()).toEqual([expect.objectContaining({ type: 'replica.metadata', brokerEpoch: 9, partition: expect.objectContaining({ leader: 1, leaderEpoch: 1 }) })]);
    // Later changes are told as they are applied.
    b.send({ type: 'MetadataCommitted', records: [{ type: 'PartitionChangeRecord', topicId: 'T', partitionId: 0, isr: [1, 2, 3], leader: -2 }], committedOffset: 7 });
    expect(b.told()).toEqual([expect.objectContaining({ partition: expect.objectContaining({ isr: [1, 2, 3] }) })]);
  });

  it('an answer that both unfences and reports caught up starts the replicas and moves to Running', () => {
    const b = broker().send({ type: 'QuorumLeaderChange', leaderId: 101, epoch: 1 });
    const registration = b.sent().find((m) => m.type === 'BrokerRegistration') as { correlationId: number };
    b.send({ type: 'MetadataCommitted', records: staleLog, committedOffset: 5 });
    b.send({ type: 'BrokerRegistrationResponse', correlationId: registration.correlationId, errorCode: 0, brokerEpoch: 9 });
    b.send({ type: 'BrokerHeartbeatResponse', correlationId: 100, errorCode: 0, isCaughtUp: true, isFenced: false });
    expect(b.state).toMatch(/Running/);
    expect(b.told()).toHaveLength(1);
  });
});
