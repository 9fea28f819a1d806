/**
 * The broker machine on the actor host: a (re)started broker tells its replicas nothing until
 * the controller answers a heartbeat with isCaughtUp, because the metadata it has replayed so far
 * may be stale (regression: a restarted broker acted as leader of a partition that had moved while
 * it was down, and served a follower's fetch; exploration of no-epoch-fencing, seed 256465).
 * And InitProducerId: ids from blocks leased from the controller (RPCProducerIdManager).
 */
import { describe, expect, it } from 'vitest';
import { HostedMachine } from '../support/hosted-machine.js';
import { createBrokerMachine, defaultBrokerConfig, type BrokerEffect } from '../../src/machines/broker/machine.js';
import type { MetadataRecord } from '../../src/protocol/metadata/records.js';
import { errorCode } from '../../src/protocol/errors.js';
import type { ReplicationMessage } from '../../src/protocol/replication/messages.js';


function broker(randomSeed = 5) {
  const host = new HostedMachine<ReturnType<typeof createBrokerMachine>, BrokerEffect>(createBrokerMachine(), { brokerId: 3, config: defaultBrokerConfig, randomSeed });
  let now = 0;
  const h = {
    get state() { return JSON.stringify(host.snapshot.value); },
    get context() { return host.context; },
    effects: () => host.effects(),
    told: () => h.effects().filter((e) => e.type === 'replica.metadata'),
    sent: () => h.effects().flatMap((e) => (e.type === 'send' ? [e.message] : [])),
    sentTo: (to: number) => h.effects().flatMap((e) => (e.type === 'send' && e.to === to ? [e.message] : [])),
    /** The delay of the timer just set whose event names `delay` (-1: none). */
    timerDelay: (delay: string) => host.timers().find((t) => t.event.type.includes(delay))?.delayMs ?? -1,
    at(ms: number) { now = ms; return h; },
    send(event: Record<string, unknown>) {
      host.send({ from: 101, nowMs: now, ...event } as never);
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
  it('a refused registration (DUPLICATE_BROKER_REGISTRATION) is retried after BrokerLifecycleManager\'s exponential backoff: 100, 200, 400 ms ...', () => {
    const b = broker().send({ type: 'QuorumLeaderChange', leaderId: 101, epoch: 1 });
    const delays: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const registration = b.sent().find((m) => m.type === 'BrokerRegistration') as { correlationId: number };
      expect(registration).toBeDefined();
      b.send({ type: 'BrokerRegistrationResponse', correlationId: registration.correlationId, errorCode: errorCode('DUPLICATE_BROKER_REGISTRATION'), brokerEpoch: -1 });
      expect(b.state).toMatch(/RegistrationBackoff/);
      expect(b.sent()).toEqual([]);
      delays.push(b.timerDelay('registrationBackoff'));
      b.send({ type: 'xstate.after.registrationBackoff.broker.Starting.RegistrationBackoff' });
    }
    expect(delays).toEqual([100, 200, 400]);
    const registration = b.sent().find((m) => m.type === 'BrokerRegistration') as { correlationId: number };
    b.send({ type: 'BrokerRegistrationResponse', correlationId: registration.correlationId, errorCode: 0, brokerEpoch: 9 });
    expect(b.state).toMatch(/Recovery/);
    expect(b.context.failedRegistrations).toBe(0);
  });

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

const CLIENT = 0;
const CONTROLLER = 101;

/** Broker 3, registered at epoch 9 and unfenced, having replayed `log`. */
function runningBroker(log: MetadataRecord[] = staleLog, randomSeed = 5) {
  const b = broker(randomSeed).send({ type: 'QuorumLeaderChange', leaderId: CONTROLLER, epoch: 1 });
  const registration = b.sent().find((m) => m.type === 'BrokerRegistration') as { correlationId: number };
  b.send({ type: 'MetadataCommitted', records: log, committedOffset: 5 });
  b.send({ type: 'BrokerRegistrationResponse', correlationId: registration.correlationId, errorCode: 0, brokerEpoch: 9 });
  b.send({ type: 'BrokerHeartbeatResponse', correlationId: 100, errorCode: 0, isCaughtUp: true, isFenced: false });
  expect(b.state).toMatch(/Running/);
  return b;
}

type Broker = ReturnType<typeof broker>;
let nextClientCorrelation = 1;
const initProducerId = (b: Broker, transactionalId: string | null = null): ReplicationMessage => {
  b.send({ type: 'InitProducerId', from: CLIENT, correlationId: nextClientCorrelation++, transactionalId, transactionTimeoutMs: 2147483647, producerId: -1, producerEpoch: -1 });
  const answers = b.sentTo(CLIENT);
  expect(answers).toHaveLength(1);
  return answers[0] as ReplicationMessage;
};
const blockRequest = (b: Broker) => b.sentTo(CONTROLLER).filter((m) => m.type === 'AllocateProducerIds') as { correlationId: number; brokerId: number; brokerEpoch: number }[];
const block = (correlationId: number, producerIdStart: number, producerIdLen = 1000) => ({ type: 'AllocateProducerIdsResponse', from: CONTROLLER, correlationId, errorCode: 0, producerIdStart, producerIdLen });
const loading = { type: 'InitProducerIdResponse', errorCode: errorCode('COORDINATOR_LOAD_IN_PROGRESS'), producerId: -1, producerEpoch: -1 };

describe('broker machine: InitProducerId (RPCProducerIdManager)', () => {
  it('answers COORDINATOR_NOT_AVAILABLE until it has been unfenced, and INVALID_REQUEST to a transactional id', () => {
    const b = broker().send({ type: 'QuorumLeaderChange', leaderId: CONTROLLER, epoch: 1 });
    expect(initProducerId(b)).toMatchObject({ errorCode: errorCode('COORDINATOR_NOT_AVAILABLE'), producerId: -1 });
    expect(blockRequest(b)).toEqual([]);
    const running = runningBroker();
    expect(initProducerId(running, 'tx-1')).toMatchObject({ errorCode: errorCode('INVALID_REQUEST'), producerId: -1 });
    expect(blockRequest(running)).toEqual([]);
    // Fenced again later (missed heartbeats): Kafka keeps its listeners open, so clients are still served.
    running.send({ type: 'BrokerHeartbeatResponse', correlationId: 101, errorCode: 0, isCaughtUp: true, isFenced: true });
    expect(running.state).toMatch(/Recovery/);
    expect(initProducerId(running)).toMatchObject(loading);
  });

  it('with no block, answers COORDINATOR_LOAD_IN_PROGRESS and asks the controller once; then hands out the block in order, epoch 0', () => {
    const b = runningBroker();
    expect(initProducerId(b)).toMatchObject(loading);
    const [request] = blockRequest(b);
    expect(request).toMatchObject({ type: 'AllocateProducerIds', brokerId: 3, brokerEpoch: 9 });
    expect(initProducerId(b)).toMatchObject(loading);
    expect(blockRequest(b)).toEqual([]);
    // An answer to some other request is not this block.
    b.send(block(request!.correlationId + 1, 0));
    expect(initProducerId(b)).toMatchObject(loading);
    b.send(block(request!.correlationId, 0));
    expect([initProducerId(b), initProducerId(b), initProducerId(b)]).toEqual([0, 1, 2].map((producerId) => expect.objectContaining({ errorCode: 0, producerId, producerEpoch: 0 })));
  });

  it('prefetches the next block at 90% of the current one and moves on to it when the current one is used up', () => {
    const b = runningBroker();
    initProducerId(b);
    b.send(block(blockRequest(b)[0]!.correlationId, 0));
    const ids: number[] = [];
    for (let i = 0; i < 900; i++) ids.push((initProducerId(b) as { producerId: number }).producerId);
    expect(blockRequest(b)).toEqual([]);
    ids.push((initProducerId(b) as { producerId: number }).producerId);
    const [prefetch] = blockRequest(b);
    expect(ids.at(-1)).toBe(900);
    expect(prefetch).toBeDefined();
    b.send(block(prefetch!.correlationId, 5000));
    for (let i = 0; i < 100; i++) ids.push((initProducerId(b) as { producerId: number }).producerId);
    expect(ids.slice(-3)).toEqual([998, 999, 5000]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('runs out when the next block has not come: COORDINATOR_LOAD_IN_PROGRESS until it does', () => {
    const b = runningBroker();
    initProducerId(b);
    b.send(block(blockRequest(b)[0]!.correlationId, 0, 2));
    expect(initProducerId(b)).toMatchObject({ producerId: 0 });
    expect(blockRequest(b)).toEqual([]);
    // 90% of a 2-id block (rounded down) is its second id: the prefetch goes out with it.
    expect(initProducerId(b)).toMatchObject({ producerId: 1 });
    const [prefetch] = blockRequest(b);
    expect(prefetch).toBeDefined();
    expect(initProducerId(b)).toMatchObject(loading);
    expect(blockRequest(b)).toEqual([]);
    b.send(block(prefetch!.correlationId, 2000));
    expect(initProducerId(b)).toMatchObject({ producerId: 2000 });
  });

  it('backs off 50 ms after an error from the controller, and asks again when a request went unanswered for the timeout', () => {
    const b = runningBroker();
    initProducerId(b);
    const first = blockRequest(b)[0]!;
    b.at(10).send({ type: 'AllocateProducerIdsResponse', from: CONTROLLER, correlationId: first.correlationId, errorCode: errorCode('NOT_CONTROLLER'), producerIdStart: 0, producerIdLen: 0 });
    b.at(40);
    expect(initProducerId(b)).toMatchObject(loading);
    expect(blockRequest(b)).toEqual([]);
    b.at(60);
    expect(initProducerId(b)).toMatchObject(loading);
    const second = blockRequest(b)[0]!;
    expect(second.correlationId).toBeGreaterThan(first.correlationId);
    // The answer is lost: nothing more until the request times out.
    b.at(60 + defaultBrokerConfig.producerIdRequestTimeoutMs - 1);
    initProducerId(b);
    expect(blockRequest(b)).toEqual([]);
    b.at(60 + defaultBrokerConfig.producerIdRequestTimeoutMs);
    initProducerId(b);
    expect(blockRequest(b)).toHaveLength(1);
  });

  it('never hands out an id twice across a crash: the restarted broker leases a new block and refuses a stale one', () => {
    const handedOut: number[] = [];
    const first = runningBroker();
    initProducerId(first);
    const lease = blockRequest(first)[0]!;
    first.send(block(lease.correlationId, 1000));
    for (let i = 0; i < 3; i++) handedOut.push((initProducerId(first) as { producerId: number }).producerId);
    // Crash: the block is lost. The restarted process replays the metadata log, which holds the
    // lease of [1000, 2000) (ProducerIdsRecord), and registers anew.
    const log: MetadataRecord[] = [...staleLog, { type: 'ProducerIdsRecord', brokerId: 3, brokerEpoch: 9, nextProducerId: 2000 }];
    const restarted = runningBroker(log, 6);
    expect(initProducerId(restarted)).toMatchObject(loading);
    const again = blockRequest(restarted)[0]!;
    expect(again).toBeDefined();
    // A late duplicate of the old incarnation's answer that happens to carry this correlation id.
    restarted.send(block(again.correlationId, 1000));
    expect(initProducerId(restarted)).toMatchObject(loading);
    restarted.at(100);
    initProducerId(restarted);
    const fresh = blockRequest(restarted)[0]!;
    restarted.send(block(fresh.correlationId, 2000));
    for (let i = 0; i < 3; i++) handedOut.push((initProducerId(restarted) as { producerId: number }).producerId);
    expect(handedOut).toEqual([1000, 1001, 1002, 2000, 2001, 2002]);
  });
});
