/**
 * The controller machine on the actor host: standby refuses with NOT_CONTROLLER; the active
 * controller answers only once its decision commits; registration, unfencing once caught up,
 * fencing after the session timeout, CreateTopics errors, AlterPartition with a stale epoch,
 * producer id blocks (AllocateProducerIds).
 */
import { describe, expect, it } from 'vitest';
import { HostedMachine } from '../support/hosted-machine.js';
import { createControllerMachine, defaultControllerConfig, type ControllerMachineEffect } from '../../src/machines/controller/machine.js';
import { errorCode } from '../../src/protocol/errors.js';
import type { MetadataEntry } from '../../src/protocol/replication/messages.js';
import { applyRecords, emptyImage, MetadataError } from '../../src/common/metadata-image.js';


function controller() {
  const machine = createControllerMachine();
  const host = new HostedMachine<typeof machine, ControllerMachineEffect>(machine, { nodeId: 101, config: defaultControllerConfig, randomSeed: 7 });
  let offset = 1;
  let now = 0;
  const h = {
    get state() { return JSON.stringify(host.snapshot.value); },
    get context() { return host.context; },
    effects: () => host.effects(),
    replies: () => h.effects().flatMap((e) => (e.type === 'send' ? [e.message] : [])),
    proposals: () => h.effects().flatMap((e) => (e.type === 'propose' ? [e.entry] : [])),
    at(ms: number) { now = ms; return h; },
    send(event: Record<string, unknown>) {
      host.send({ from: 1, nowMs: now, ...event } as never);
      return h;
    },
    /** The quorum commits these entries. */
    commit(entries: MetadataEntry[]) {
      const withOffsets = entries.map((e) => ({ ...e, endOffset: ++offset }));
      return h.send({ type: 'MetadataCommitted', entries: withOffsets, committedOffset: offset });
    },
  };
  return h;
}

describe('controller machine', () => {
  it('a standby controller refuses broker requests with NOT_CONTROLLER', () => {
    const c = controller();
    c.send({ type: 'BrokerRegistration', correlationId: 1, brokerId: 1, incarnationId: 'a', rack: null });
    expect(c.replies()[0]).toMatchObject({ type: 'BrokerRegistrationResponse', errorCode: errorCode('NOT_CONTROLLER') });
  });

  it('registers a broker fenced, answers on commit, unfences it once its heartbeat shows it caught up, fences it after the session timeout', () => {
    const c = controller().send({ type: 'QuorumLeaderChange', leaderId: 101, epoch: 1 });
    expect(c.state).toMatch(/Active/);
    c.send({ type: 'BrokerRegistration', correlationId: 1, brokerId: 1, incarnationId: 'a', rack: null });
    expect(c.replies()).toEqual([]);
    const registration = c.proposals()[0] as MetadataEntry;
    expect(registration.records[0]).toMatchObject({ type: 'RegisterBrokerRecord', brokerId: 1, fenced: true });
    c.commit([registration]);
    const epoch = (c.replies()[0] as { brokerEpoch: number }).brokerEpoch;
    expect(c.replies()[0]).toMatchObject({ type: 'BrokerRegistrationResponse', errorCode: 0 });
    c.send({ type: 'BrokerHeartbeat', correlationId: 2, brokerId: 1, brokerEpoch: epoch, currentMetadataOffset: 0, wantFence: false });
    expect(c.replies()[0]).toMatchObject({ isCaughtUp: false, isFenced: true });
    c.send({ type: 'BrokerHeartbeat', correlationId: 3, brokerId: 1, brokerEpoch: epoch, currentMetadataOffset: 100, wantFence: false });
    const unfence = c.proposals()[0] as MetadataEntry;
    expect(unfence.records[0]).toMatchObject({ type: 'BrokerRegistrationChangeRecord', fenced: -1 });
    c.commit([unfence]);
    expect(c.replies()[0]).toMatchObject({ isFenced: false });
    c.send({ type: 'BrokerHeartbeat', correlationId: 4, brokerId: 1, brokerEpoch: epoch + 5, currentMetadataOffset: 100, wantFence: false });
    expect(c.replies()[0]).toMatchObject({ errorCode: errorCode('STALE_BROKER_EPOCH') });
    c.at(defaultControllerConfig.sessionTimeoutMs + 1).send({ type: 'xstate.after.fenceCheckInterval.controller.Active.Fencing.Watching' });
    expect(c.proposals()[0]?.records.at(-1)).toMatchObject({ type: 'BrokerRegistrationChangeRecord', brokerId: 1, fenced: 1 });
  });

  it('ClusterControlManager.registerBroker: a new incarnation is DUPLICATE_BROKER_REGISTRATION while the old one\'s session is valid, registered (old one fenced) once it expires', () => {
    const c = controller().send({ type: 'QuorumLeaderChange', leaderId: 101, epoch: 1 });
    c.send({ type: 'BrokerRegistration', correlationId: 1, brokerId: 1, incarnationId: 'a', rack: null });
    c.commit(c.proposals());
    const epoch = (c.replies()[0] as { brokerEpoch: number }).brokerEpoch;
    c.at(100).send({ type: 'BrokerHeartbeat', correlationId: 2, brokerId: 1, brokerEpoch: epoch, currentMetadataOffset: 100, wantFence: false });
    c.commit(c.proposals());
    expect(c.replies()[0]).toMatchObject({ isFenced: false });
    // The process restarts at once: its old session (last heard at 100) is still valid.
    c.at(600).send({ type: 'BrokerRegistration', correlationId: 3, brokerId: 1, incarnationId: 'b', rack: null });
    expect(c.proposals()).toEqual([]);
    expect(c.replies()[0]).toMatchObject({ type: 'BrokerRegistrationResponse', errorCode: errorCode('DUPLICATE_BROKER_REGISTRATION'), brokerEpoch: -1 });
    // The same incarnation registering again is not a duplicate.
    c.send({ type: 'BrokerRegistration', correlationId: 4, brokerId: 1, incarnationId: 'a', rack: null });
    expect(c.replies()[0]).toMatchObject({ errorCode: 0, brokerEpoch: epoch });
    // Once broker.session.timeout.ms has passed since the old incarnation was last heard from.
    c.at(100 + defaultControllerConfig.sessionTimeoutMs + 1).send({ type: 'BrokerRegistration', correlationId: 5, brokerId: 1, incarnationId: 'b', rack: null });
    const records = c.proposals()[0]?.records ?? [];
    expect(records.at(-1)).toMatchObject({ type: 'RegisterBrokerRecord', brokerId: 1, incarnationId: 'b', fenced: true });
    expect(records).toContainEqual(expect.objectContaining({ type: 'BrokerRegistrationChangeRecord', brokerId: 1, fenced: 1 }));
  });

  it('CreateTopics: INVALID_REPLICATION_FACTOR with too few brokers, TOPIC_ALREADY_EXISTS for a pending topic, INVALID_TOPIC_EXCEPTION for a bad name', () => {
    const c = controller().send({ type: 'QuorumLeaderChange', leaderId: 101, epoch: 1 });
    const create = (name: string, rf: number) => c.send({ type: 'CreateTopics', from: 0, correlationId: 9, name, numPartitions: 2, replicationFactor: rf, configs: {} });
    create('t', 1);
    expect(c.replies()[0]).toMatchObject({ errorCode: errorCode('INVALID_REPLICATION_FACTOR') });
    c.send({ type: 'BrokerRegistration', correlationId: 1, brokerId: 1, incarnationId: 'a', rack: null });
    create('t', 1);
    // Kafka's placer refuses when every broker is fenced (a fresh registration is); the answer
    // rests on the pending registration, so it leaves when that commits.
    expect(c.replies()).toEqual([]);
    c.commit(c.context.pending.map((p) => ({ id: p.id, records: p.records })));
    expect(c.replies()[1]).toMatchObject({ errorCode: errorCode('INVALID_REPLICATION_FACTOR'), errorMessage: expect.stringMatching(/fenced/) });
    c.send({ type: 'BrokerHeartbeat', correlationId: 2, brokerId: 1, brokerEpoch: c.context.image.brokers['1']?.brokerEpoch ?? -1, currentMetadataOffset: 100, wantFence: false });
    create('t', 1);
    expect(c.proposals()[0]?.records.map((r) => r.type)).toEqual(['TopicRecord', 'PartitionRecord', 'PartitionRecord']);
    // Regression (replication sweep, seeds 844, 1394, 1516, 1797, 1886): an answer resting on an
    // uncommitted topic waits for it, and turns NOT_CONTROLLER if it is lost.
    create('t', 1);
    expect(c.replies()).toEqual([]);
    c.commit(c.context.pending.map((p) => ({ id: p.id, records: p.records })));
    expect(c.replies().map((r) => (r as { errorCode: number }).errorCode).slice(-2)).toEqual([0, errorCode('TOPIC_ALREADY_EXISTS')]);
    create('u', 1);
    create('u', 1);
    c.send({ type: 'QuorumLeaderChange', leaderId: 102, epoch: 2 });
    expect(c.replies().map((r) => (r as { errorCode: number }).errorCode)).toEqual([errorCode('NOT_CONTROLLER'), errorCode('NOT_CONTROLLER')]);
    c.send({ type: 'QuorumLeaderChange', leaderId: 101, epoch: 3 });
    create('bad name', 1);
    expect(c.replies()[0]).toMatchObject({ errorCode: errorCode('INVALID_TOPIC_EXCEPTION') });
  });

  it('losing leadership answers pending requests NOT_CONTROLLER and drops their records from the image', () => {
    const c = controller().send({ type: 'QuorumLeaderChange', leaderId: 101, epoch: 1 });
    c.send({ type: 'BrokerRegistration', correlationId: 1, brokerId: 1, incarnationId: 'a', rack: null });
    expect(Object.keys(c.context.image.brokers)).toEqual(['1']);
    c.send({ type: 'QuorumLeaderChange', leaderId: 102, epoch: 2 });
    expect(c.state).toMatch(/Inactive/);
    expect(c.replies()[0]).toMatchObject({ errorCode: errorCode('NOT_CONTROLLER') });
    expect(Object.keys(c.context.image.brokers)).toEqual([]);
  });
});

describe('controller machine: producer id blocks (KIP-730, ProducerIdControlManager)', () => {
  /** Register brokers 1 and 2 on an active controller; their broker epochs. */
  function withTwoBrokers() {
    const c = controller().send({ type: 'QuorumLeaderChange', leaderId: 101, epoch: 1 });
    c.send({ type: 'BrokerRegistration', from: 1, correlationId: 1, brokerId: 1, incarnationId: 'a', rack: null });
    c.send({ type: 'BrokerRegistration', from: 2, correlationId: 1, brokerId: 2, incarnationId: 'b', rack: null });
    /** Every entry committed so far, in log order. */
    const log: MetadataEntry[] = c.context.pending.map((p) => ({ id: p.id, records: p.records }));
    c.commit(log);
    const epochOf = (id: number): number => c.context.committed.brokers[String(id)]?.brokerEpoch ?? -1;
    return { c, log, epoch1: epochOf(1), epoch2: epochOf(2) };
  }
  const allocate = (from: number, correlationId: number, brokerEpoch: number) => ({ type: 'AllocateProducerIds', from, correlationId, brokerId: from, brokerEpoch });

  it('leases consecutive disjoint blocks of 1000 ids, each answered only once its ProducerIdsRecord commits', () => {
    const { c, epoch1, epoch2 } = withTwoBrokers();
    c.send(allocate(1, 7, epoch1));
    expect(c.replies()).toEqual([]);
    const first = c.proposals()[0] as MetadataEntry;
    expect(first.records).toEqual([{ type: 'ProducerIdsRecord', brokerId: 1, brokerEpoch: epoch1, nextProducerId: 1000 }]);
    // The second request is decided on the image with the first block still pending: the next block.
    c.send(allocate(2, 8, epoch2));
    const second = c.proposals()[0] as MetadataEntry;
    expect(second.records).toEqual([{ type: 'ProducerIdsRecord', brokerId: 2, brokerEpoch: epoch2, nextProducerId: 2000 }]);
    expect(c.replies()).toEqual([]);
    c.commit([first, second]);
    expect(c.effects()).toEqual([
      { type: 'send', to: 1, message: { type: 'AllocateProducerIdsResponse', correlationId: 7, errorCode: 0, producerIdStart: 0, producerIdLen: 1000 } },
      { type: 'send', to: 2, message: { type: 'AllocateProducerIdsResponse', correlationId: 8, errorCode: 0, producerIdStart: 1000, producerIdLen: 1000 } },
    ]);
    expect(c.context.committed.nextProducerId).toBe(2000);
  });

  it('a broker epoch that is not the registered one, or an unregistered broker, gets STALE_BROKER_EPOCH and leases nothing', () => {
    const { c, epoch1 } = withTwoBrokers();
    c.send(allocate(1, 7, epoch1 - 1));
    expect(c.proposals()).toEqual([]);
    expect(c.replies()).toEqual([{ type: 'AllocateProducerIdsResponse', correlationId: 7, errorCode: errorCode('STALE_BROKER_EPOCH'), producerIdStart: 0, producerIdLen: 0 }]);
    c.send({ ...allocate(3, 8, epoch1), brokerId: 3 });
    expect(c.replies()[0]).toMatchObject({ errorCode: errorCode('STALE_BROKER_EPOCH') });
    expect(c.context.image.nextProducerId).toBeUndefined();
  });

  it('a standby controller refuses with NOT_CONTROLLER; a block pending when leadership is lost is answered NOT_CONTROLLER', () => {
    const standby = controller().send(allocate(1, 7, 1));
    expect(standby.replies()).toEqual([{ type: 'AllocateProducerIdsResponse', correlationId: 7, errorCode: errorCode('NOT_CONTROLLER'), producerIdStart: 0, producerIdLen: 0 }]);
    const { c, epoch1 } = withTwoBrokers();
    c.send(allocate(1, 9, epoch1));
    c.send({ type: 'QuorumLeaderChange', leaderId: 102, epoch: 2 });
    expect(c.replies()).toEqual([{ type: 'AllocateProducerIdsResponse', correlationId: 9, errorCode: errorCode('NOT_CONTROLLER'), producerIdStart: 0, producerIdLen: 0 }]);
    expect(c.context.image.nextProducerId).toBeUndefined();
  });

  it('a new active controller replays the ProducerIdsRecords and continues after the last committed block', () => {
    const { c: old, log, epoch1, epoch2 } = withTwoBrokers();
    old.send(allocate(1, 7, epoch1));
    old.send(allocate(2, 8, epoch2));
    const blocks = old.context.pending.map((p) => ({ id: p.id, records: p.records }));
    old.commit(blocks);
    // A standby replays the same log, then takes over.
    const next = controller();
    next.commit([...log, ...blocks]);
    expect(next.context.committed.nextProducerId).toBe(2000);
    next.send({ type: 'QuorumLeaderChange', leaderId: 101, epoch: 2 });
    next.send(allocate(1, 10, epoch1));
    expect(next.proposals()[0]?.records).toEqual([{ type: 'ProducerIdsRecord', brokerId: 1, brokerEpoch: epoch1, nextProducerId: 3000 }]);
    next.commit([next.proposals()[0] as MetadataEntry]);
    expect(next.replies()).toEqual([{ type: 'AllocateProducerIdsResponse', correlationId: 10, errorCode: 0, producerIdStart: 2000, producerIdLen: 1000 }]);
  });

  it('replaying a ProducerIdsRecord that does not move the counter forward is an error (ProducerIdControlManager.replay)', () => {
    const image = applyRecords(emptyImage, [{ type: 'ProducerIdsRecord', brokerId: 1, brokerEpoch: 5, nextProducerId: 2000 }]);
    expect(image.nextProducerId).toBe(2000);
    expect(() => applyRecords(image, [{ type: 'ProducerIdsRecord', brokerId: 2, brokerEpoch: 6, nextProducerId: 2000 }])).toThrow(MetadataError);
  });
});
