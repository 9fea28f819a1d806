/**
 * Topic deletion at the controller (ReplicationControlManager.deleteTopic, QuorumController.findTopicIds)
 * and in the metadata image (replay of RemoveTopicRecord), on the actor host.
 */
import { describe, expect, it } from 'vitest';
import { HostedMachine } from '../support/hosted-machine.js';
import { createControllerMachine, defaultControllerConfig, type ControllerMachineEffect } from '../../src/machines/controller/machine.js';
import { errorCode } from '../../src/protocol/errors.js';
import type { MetadataEntry } from '../../src/protocol/replication/messages.js';
import { applyRecords, emptyImage, MetadataError, topicByName } from '../../src/common/metadata-image.js';


/** An active controller with one unfenced broker and topic `t` (2 partitions, a config) committed. */
function withTopic() {
  const machine = createControllerMachine();
  const host = new HostedMachine<typeof machine, ControllerMachineEffect>(machine, { nodeId: 101, config: defaultControllerConfig, randomSeed: 7 });
  let offset = 1;
  const effects = () => host.effects();
  const h = {
    get context() { return host.context; },
    replies: () => effects().flatMap((e) => (e.type === 'send' ? [e.message] : [])),
    proposals: () => effects().flatMap((e) => (e.type === 'propose' ? [e.entry] : [])),
    send(event: Record<string, unknown>) {
      host.send({ from: 1, nowMs: 0, ...event } as never);
      return h;
    },
    commitPending() {
      const entries = host.context.pending.map((p) => ({ id: p.id, records: p.records, endOffset: ++offset }));
      return h.send({ type: 'MetadataCommitted', entries, committedOffset: offset });
    },
    deleteByName: (name: string) => h.send({ type: 'DeleteTopics', correlationId: 5, name, topicId: null }),
  };
  h.send({ type: 'QuorumLeaderChange', leaderId: 101, epoch: 1 });
  h.send({ type: 'BrokerRegistration', correlationId: 1, brokerId: 1, incarnationId: 'a', rack: null }).commitPending();
  h.send({ type: 'BrokerHeartbeat', correlationId: 2, brokerId: 1, brokerEpoch: h.context.image.brokers['1']!.brokerEpoch, currentMetadataOffset: 100, wantFence: false }).commitPending();
  h.send({ type: 'CreateTopics', correlationId: 3, name: 't', numPartitions: 2, replicationFactor: 1, configs: { 'retention.ms': '1000' } }).commitPending();
  return h;
}

describe('DeleteTopics at the controller', () => {
  it('writes one RemoveTopicRecord and answers only once it commits; the topic and its configs leave the image', () => {
    const c = withTopic();
    const topicId = topicByName(c.context.committed, 't')!.topicId;
    c.deleteByName('t');
    expect(c.proposals()).toEqual([expect.objectContaining({ records: [{ type: 'RemoveTopicRecord', topicId }] })]);
    expect(c.replies()).toEqual([]);
    c.commitPending();
    expect(c.replies()).toEqual([expect.objectContaining({ type: 'DeleteTopicsResponse', name: 't', topicId, errorCode: 0 })]);
    expect(topicByName(c.context.committed, 't')).toBeUndefined();
    expect(c.context.committed.configs?.['t']).toBeUndefined();
  });

  it('an unknown name is UNKNOWN_TOPIC_OR_PARTITION, an unknown id UNKNOWN_TOPIC_ID; a topic whose removal is pending is already unknown', () => {
    const c = withTopic();
    c.deleteByName('nope');
    expect(c.replies()[0]).toMatchObject({ name: 'nope', errorCode: errorCode('UNKNOWN_TOPIC_OR_PARTITION') });
    c.send({ type: 'DeleteTopics', correlationId: 6, name: null, topicId: 'no-such-id' });
    expect(c.replies()[0]).toMatchObject({ name: null, topicId: 'no-such-id', errorCode: errorCode('UNKNOWN_TOPIC_ID') });
    c.deleteByName('t').deleteByName('t');
    c.commitPending();
    expect(c.replies().map((r) => (r as { errorCode: number }).errorCode)).toEqual([0, errorCode('UNKNOWN_TOPIC_OR_PARTITION')]);
  });

  it('deleting by id works the same; the name can be created again with a new id', () => {
    const c = withTopic();
    const before = topicByName(c.context.committed, 't')!.topicId;
    c.send({ type: 'DeleteTopics', correlationId: 6, name: null, topicId: before }).commitPending();
    expect(c.replies()[0]).toMatchObject({ name: 't', errorCode: 0 });
    c.send({ type: 'CreateTopics', correlationId: 7, name: 't', numPartitions: 1, replicationFactor: 1, configs: {} }).commitPending();
    const after = topicByName(c.context.committed, 't');
    expect(after?.partitions).toHaveLength(1);
    expect(after?.topicId).not.toBe(before);
  });

  it('a standby refuses with NOT_CONTROLLER, and a removal lost with leadership is answered NOT_CONTROLLER', () => {
    const c = withTopic();
    c.deleteByName('t');
    c.send({ type: 'QuorumLeaderChange', leaderId: 102, epoch: 2 });
    expect(c.replies()[0]).toMatchObject({ type: 'DeleteTopicsResponse', errorCode: errorCode('NOT_CONTROLLER') });
    expect(topicByName(c.context.image, 't')).toBeDefined();
    c.deleteByName('t');
    expect(c.replies()[0]).toMatchObject({ errorCode: errorCode('NOT_CONTROLLER') });
  });
});

describe('RemoveTopicRecord in the image', () => {
  it('replaying a removal of an unknown topic id is an error (ReplicationControlManager.replay)', () => {
    expect(() => applyRecords(emptyImage, [{ type: 'RemoveTopicRecord', topicId: 'x' }])).toThrow(MetadataError);
  });
});
