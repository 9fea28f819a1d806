/**
 * Test vectors for range, roundrobin (client side) and range, uniform (server side), each taken
 * from the Kafka test method named in the case (clients/src/test/.../consumer/RangeAssignorTest,
 * RoundRobinAssignorTest; group-coordinator/src/test/.../assignor/RangeAssignorTest,
 * OptimizedUniformAssignmentBuilderTest, UniformHeterogeneousAssignmentBuilderTest).
 */
import { describe, expect, it } from 'vitest';
import { clientAssignor, clientAssignors, serverAssignor, serverAssignors } from '../../src/common/assignors/index.js';
import { rangeAssignor } from '../../src/common/assignors/range.js';
import { roundRobinAssignor } from '../../src/common/assignors/round-robin.js';
import { serverRangeAssignor } from '../../src/common/assignors/server-range.js';
import type { ClientAssignor, ClientAssignorMember, ServerAssignorMember } from '../../src/common/assignors/types.js';
import { uniformAssignor } from '../../src/common/assignors/uniform.js';
import { uniformHeterogeneousAssignment } from '../../src/common/assignors/uniform-heterogeneous.js';
import { asPartitions, consumer, serverMember, type Partitions } from '../fixtures/assignor-helpers.js';

interface ClientVector {
  readonly kafkaTest: string;
  readonly partitionsPerTopic: Record<string, number>;
  readonly members: readonly ClientAssignorMember[];
  readonly expected: Record<string, Partitions>;
}

function checkClientVectors(assignor: ClientAssignor, vectors: readonly ClientVector[]): void {
  for (const vector of vectors) {
    it(vector.kafkaTest, () => {
      expect(asPartitions(assignor.assign(vector.partitionsPerTopic, vector.members))).toEqual(vector.expected);
    });
  }
}

const staticConsumers = (topics: string[]): ClientAssignorMember[] => [
  consumer('consumer1', topics, { instance: 'instance1' }),
  consumer('consumer2', topics, { instance: 'instance2' }),
  consumer('consumer3', topics, { instance: 'instance3' }),
];

describe('assignor registry', () => {
  it('names every client-side and server-side assignor', () => {
    expect(Object.keys(clientAssignors).sort()).toEqual(['cooperative-sticky', 'range', 'roundrobin', 'sticky']);
    expect(Object.keys(serverAssignors).sort()).toEqual(['range', 'uniform']);
    expect(clientAssignor('cooperative-sticky')?.supportedProtocols).toEqual(['COOPERATIVE', 'EAGER']);
    expect(clientAssignor('uniform')).toBeUndefined();
    expect(clientAssignor('toString')).toBeUndefined();
    expect(serverAssignor('range')?.name).toBe('range');
    expect(serverAssignor('sticky')).toBeUndefined();
  });
});

describe('RangeAssignor (client): per topic, consecutive ranges to subscribers in MemberInfo order', () => {
  const both = ['topic1', 'topic2'];
  checkClientVectors(rangeAssignor, [
    { kafkaTest: 'testOneConsumerNoTopic', partitionsPerTopic: {}, members: [consumer('consumer1', [])], expected: { consumer1: {} } },
    { kafkaTest: 'testOneConsumerNonexistentTopic', partitionsPerTopic: {}, members: [consumer('consumer1', ['topic1'])], expected: { consumer1: {} } },
    { kafkaTest: 'testOneConsumerOneTopic', partitionsPerTopic: { topic1: 3 }, members: [consumer('consumer1', ['topic1'])], expected: { consumer1: { topic1: [0, 1, 2] } } },
    { kafkaTest: 'testOnlyAssignsPartitionsFromSubscribedTopics', partitionsPerTopic: { topic1: 3, other: 3 }, members: [consumer('consumer1', ['topic1'])], expected: { consumer1: { topic1: [0, 1, 2] } } },
    { kafkaTest: 'testOneConsumerMultipleTopics', partitionsPerTopic: { topic1: 1, topic2: 2 }, members: [consumer('consumer1', both)], expected: { consumer1: { topic1: [0], topic2: [0, 1] } } },
    { kafkaTest: 'testTwoConsumersOneTopicOnePartition', partitionsPerTopic: { topic1: 1 }, members: [consumer('consumer1', ['topic1']), consumer('consumer2', ['topic1'])], expected: { consumer1: { topic1: [0] }, consumer2: {} } },
    { kafkaTest: 'testTwoConsumersOneTopicTwoPartitions', partitionsPerTopic: { topic1: 2 }, members: [consumer('consumer1', ['topic1']), consumer('consumer2', ['topic1'])], expected: { consumer1: { topic1: [0] }, consumer2: { topic1: [1] } } },
    {
      kafkaTest: 'testMultipleConsumersMixedTopics',
      partitionsPerTopic: { topic1: 3, topic2: 2 },
      members: [consumer('consumer1', ['topic1']), consumer('consumer2', both), consumer('consumer3', ['topic1'])],
      expected: { consumer1: { topic1: [0] }, consumer2: { topic1: [1], topic2: [0, 1] }, consumer3: { topic1: [2] } },
    },
    {
      kafkaTest: 'testTwoConsumersTwoTopicsSixPartitions',
      partitionsPerTopic: { topic1: 3, topic2: 3 },
      members: [consumer('consumer1', both), consumer('consumer2', both)],
      expected: { consumer1: { topic1: [0, 1], topic2: [0, 1] }, consumer2: { topic1: [2], topic2: [2] } },
    },
    {
      kafkaTest: 'testTwoStaticConsumersTwoTopicsSixPartitions (instance ids, not member ids, decide the order)',
      partitionsPerTopic: { topic1: 3, topic2: 3 },
      members: [consumer('consumer-b', both, { instance: 'instance1' }), consumer('consumer-a', both, { instance: 'instance2' })],
      expected: { 'consumer-b': { topic1: [0, 1], topic2: [0, 1] }, 'consumer-a': { topic1: [2], topic2: [2] } },
    },
    {
      kafkaTest: 'testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions (static members first)',
      partitionsPerTopic: { topic1: 3, topic2: 3 },
      members: [consumer('consumer-b', both, { instance: 'instance1' }), consumer('consumer-a', both)],
      expected: { 'consumer-b': { topic1: [0, 1], topic2: [0, 1] }, 'consumer-a': { topic1: [2], topic2: [2] } },
    },
    {
      kafkaTest: 'testStaticMemberRangeAssignmentPersistent (round 1)',
      partitionsPerTopic: { topic1: 5, topic2: 4 },
      members: [...staticConsumers(both), consumer('consumer4', both)],
      expected: { consumer1: { topic1: [0, 1], topic2: [0] }, consumer2: { topic1: [2], topic2: [1] }, consumer3: { topic1: [3], topic2: [2] }, consumer4: { topic1: [4], topic2: [3] } },
    },
    {
      kafkaTest: 'testStaticMemberRangeAssignmentPersistent (round 2: dynamic consumer4 replaced by consumer5)',
      partitionsPerTopic: { topic1: 5, topic2: 4 },
      members: [...staticConsumers(both), consumer('consumer5', both)],
      expected: { consumer1: { topic1: [0, 1], topic2: [0] }, consumer2: { topic1: [2], topic2: [1] }, consumer3: { topic1: [3], topic2: [2] }, consumer5: { topic1: [4], topic2: [3] } },
    },
    {
      kafkaTest: 'testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges (member ids swapped, instances keep their partitions)',
      partitionsPerTopic: { topic1: 5, topic2: 5 },
      members: [consumer('consumer1', both, { instance: 'instance1' }), consumer('consumer5', both, { instance: 'instance2' }), consumer('consumer4', both, { instance: 'instance3' })],
      expected: { consumer1: { topic1: [0, 1], topic2: [0, 1] }, consumer5: { topic1: [2, 3], topic2: [2, 3] }, consumer4: { topic1: [4], topic2: [4] } },
    },
  ]);
});

describe('RoundRobinAssignor: (topic, partition) order dealt around the sorted members, skipping non-subscribers', () => {
  const both = ['topic1', 'topic2'];
  checkClientVectors(roundRobinAssignor, [
    { kafkaTest: 'testOneConsumerNoTopic', partitionsPerTopic: {}, members: [consumer('consumer', [])], expected: { consumer: {} } },
    { kafkaTest: 'testOneConsumerNonexistentTopic', partitionsPerTopic: {}, members: [consumer('consumer', ['topic'])], expected: { consumer: {} } },
    { kafkaTest: 'testOneConsumerOneTopic', partitionsPerTopic: { topic: 3 }, members: [consumer('consumer', ['topic'])], expected: { consumer: { topic: [0, 1, 2] } } },
    { kafkaTest: 'testOnlyAssignsPartitionsFromSubscribedTopics', partitionsPerTopic: { topic: 3, other: 3 }, members: [consumer('consumer', ['topic'])], expected: { consumer: { topic: [0, 1, 2] } } },
    { kafkaTest: 'testOneConsumerMultipleTopics', partitionsPerTopic: { topic1: 1, topic2: 2 }, members: [consumer('consumer', both)], expected: { consumer: { topic1: [0], topic2: [0, 1] } } },
    { kafkaTest: 'testTwoConsumersOneTopicOnePartition', partitionsPerTopic: { topic: 1 }, members: [consumer('consumer1', ['topic']), consumer('consumer2', ['topic'])], expected: { consumer1: { topic: [0] }, consumer2: {} } },
    { kafkaTest: 'testTwoConsumersOneTopicTwoPartitions', partitionsPerTopic: { topic: 2 }, members: [consumer('consumer1', ['topic']), consumer('consumer2', ['topic'])], expected: { consumer1: { topic: [0] }, consumer2: { topic: [1] } } },
    {
      kafkaTest: 'testMultipleConsumersMixedTopics',
      partitionsPerTopic: { topic1: 3, topic2: 2 },
      members: [consumer('consumer1', ['topic1']), consumer('consumer2', both), consumer('consumer3', ['topic1'])],
      expected: { consumer1: { topic1: [0] }, consumer2: { topic1: [1], topic2: [0, 1] }, consumer3: { topic1: [2] } },
    },
    {
      kafkaTest: 'testTwoDynamicConsumersTwoTopicsSixPartitions',
      partitionsPerTopic: { topic1: 3, topic2: 3 },
      members: [consumer('consumer1', both), consumer('consumer2', both)],
      expected: { consumer1: { topic1: [0, 2], topic2: [1] }, consumer2: { topic1: [1], topic2: [0, 2] } },
    },
    {
      kafkaTest: 'testTwoStaticConsumersTwoTopicsSixPartitions',
      partitionsPerTopic: { topic1: 3, topic2: 3 },
      members: [consumer('consumer-b', both, { instance: 'instance1' }), consumer('consumer-a', both, { instance: 'instance2' })],
      expected: { 'consumer-b': { topic1: [0, 2], topic2: [1] }, 'consumer-a': { topic1: [1], topic2: [0, 2] } },
    },
    {
      kafkaTest: 'testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions',
      partitionsPerTopic: { topic1: 3, topic2: 3 },
      members: [consumer('consumer-b', both, { instance: 'instance1' }), consumer('consumer-a', both)],
      expected: { 'consumer-b': { topic1: [0, 2], topic2: [1] }, 'consumer-a': { topic1: [1], topic2: [0, 2] } },
    },
    {
      kafkaTest: 'testStaticMemberRoundRobinAssignmentPersistent (round 1)',
      partitionsPerTopic: { topic1: 3, topic2: 3 },
      members: [...staticConsumers(both), consumer('consumer4', both)],
      expected: { consumer1: { topic1: [0], topic2: [1] }, consumer2: { topic1: [1], topic2: [2] }, consumer3: { topic1: [2] }, consumer4: { topic2: [0] } },
    },
    {
      kafkaTest: 'testStaticMemberRoundRobinAssignmentPersistent (round 2: consumer4 replaced by consumer5)',
      partitionsPerTopic: { topic1: 3, topic2: 3 },
      members: [...staticConsumers(both), consumer('consumer5', both)],
      expected: { consumer1: { topic1: [0], topic2: [1] }, consumer2: { topic1: [1], topic2: [2] }, consumer3: { topic1: [2] }, consumer5: { topic2: [0] } },
    },
    {
      kafkaTest: 'testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges',
      partitionsPerTopic: { topic1: 5, topic2: 5 },
      members: [consumer('consumer1', both, { instance: 'instance1' }), consumer('consumer5', both, { instance: 'instance2' }), consumer('consumer4', both, { instance: 'instance3' })],
      expected: { consumer1: { topic1: [0, 3], topic2: [1, 4] }, consumer5: { topic1: [1, 4], topic2: [2] }, consumer4: { topic1: [2], topic2: [0, 3] } },
    },
  ]);
});

interface ServerVector {
  readonly kafkaTest: string;
  readonly partitionsPerTopicId: Record<string, number>;
  readonly members: readonly ServerAssignorMember[];
  readonly expected: Record<string, Partitions>;
}

function checkServerVectors(assign: (members: readonly ServerAssignorMember[], partitionsPerTopicId: Record<string, number>) => Record<string, Partitions>, vectors: readonly ServerVector[]): void {
  for (const vector of vectors) {
    it(vector.kafkaTest, () => {
      expect(assign(vector.members, vector.partitionsPerTopicId)).toEqual(vector.expected);
    });
  }
}

const serverRange = (members: readonly ServerAssignorMember[], partitions: Record<string, number>): Record<string, Partitions> => serverRangeAssignor.assign(members, partitions) as Record<string, Partitions>;
const uniform = (members: readonly ServerAssignorMember[], partitions: Record<string, number>): Record<string, Partitions> => uniformAssignor.assign(members, partitions) as Record<string, Partitions>;

describe('RangeAssignor (server): static members first; each subscriber takes its topic range', () => {
  const t12 = ['t1', 't2'];
  checkServerVectors(serverRange, [
    { kafkaTest: 'testOneMemberNoTopic', partitionsPerTopicId: { t1: 3 }, members: [serverMember('A', [])], expected: { A: {} } },
    {
      kafkaTest: 'testFirstAssignmentTwoMembersTwoTopicsSameSubscriptions (co-partitioned)',
      partitionsPerTopicId: { t1: 3, t3: 2 },
      members: [serverMember('A', ['t1', 't3']), serverMember('B', ['t1', 't3'])],
      expected: { A: { t1: [0, 1], t3: [0] }, B: { t1: [2], t3: [1] } },
    },
    {
      kafkaTest: 'testFirstAssignmentThreeMembersThreeTopicsDifferentSubscriptions',
      partitionsPerTopicId: { t1: 3, t2: 3, t3: 2 },
      members: [serverMember('A', t12), serverMember('B', ['t3']), serverMember('C', ['t2', 't3'])],
      expected: { A: { t1: [0, 1, 2], t2: [0, 1] }, B: { t3: [0] }, C: { t2: [2], t3: [1] } },
    },
    {
      kafkaTest: 'testFirstAssignmentNumMembersGreaterThanNumPartitions',
      partitionsPerTopicId: { t1: 3, t3: 2 },
      members: ['A', 'B', 'C'].map((id) => serverMember(id, ['t1', 't3'])),
      expected: { A: { t1: [0], t3: [0] }, B: { t1: [1], t3: [1] }, C: { t1: [2] } },
    },
    {
      kafkaTest: 'testStaticMembership (memberA rejoined as memberA1 with instanceA keeps its range)',
      partitionsPerTopicId: { t1: 3 },
      members: [serverMember('memberA1', ['t1'], {}, 'instanceA'), serverMember('B', ['t1'], {}, 'instanceB')],
      expected: { memberA1: { t1: [0, 1] }, B: { t1: [2] } },
    },
    {
      kafkaTest: 'testMixedStaticMembership (static A, C before dynamic B)',
      partitionsPerTopicId: { t1: 5 },
      members: [serverMember('memberA1', ['t1'], {}, 'instanceA'), serverMember('C', ['t1'], {}, 'instanceC'), serverMember('B', ['t1'])],
      expected: { memberA1: { t1: [0, 1] }, C: { t1: [2, 3] }, B: { t1: [4] } },
    },
    {
      kafkaTest: 'testReassignmentNumMembersGreaterThanNumPartitionsWhenOneMemberAdded',
      partitionsPerTopicId: { t1: 2, t2: 2 },
      members: [serverMember('A', t12, { t1: [0], t2: [0] }), serverMember('B', t12, { t1: [1], t2: [1] }), serverMember('C', t12)],
      expected: { A: { t1: [0], t2: [0] }, B: { t1: [1], t2: [1] }, C: {} },
    },
    {
      kafkaTest: 'testReassignmentWhenOnePartitionAddedForTwoMembersTwoTopics',
      partitionsPerTopicId: { t1: 4, t2: 4 },
      members: [serverMember('A', t12, { t1: [0, 1], t2: [0, 1] }), serverMember('B', t12, { t1: [2], t2: [2] })],
      expected: { A: { t1: [0, 1], t2: [0, 1] }, B: { t1: [2, 3], t2: [2, 3] } },
    },
    {
      kafkaTest: 'testReassignmentWhenOneMemberAddedAfterInitialAssignmentWithTwoMembersTwoTopics (not sticky: ranges are recomputed)',
      partitionsPerTopicId: { t1: 3, t2: 3 },
      members: [serverMember('A', t12, { t1: [0, 1], t2: [0, 1] }), serverMember('B', t12, { t1: [2], t2: [2] }), serverMember('C', t12)],
      expected: { A: { t1: [0], t2: [0] }, B: { t1: [1], t2: [1] }, C: { t1: [2], t2: [2] } },
    },
    {
      kafkaTest: 'testReassignmentWhenOneMemberAddedAndOnePartitionAfterInitialAssignmentWithTwoMembersTwoTopics',
      partitionsPerTopicId: { t1: 4, t2: 3 },
      members: [serverMember('A', t12, { t1: [0, 1], t2: [0, 1] }), serverMember('B', t12, { t1: [2], t2: [2] }), serverMember('C', ['t1'])],
      expected: { A: { t1: [0, 1], t2: [0, 1] }, B: { t1: [2], t2: [2] }, C: { t1: [3] } },
    },
    {
      kafkaTest: 'testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithTwoMembersTwoTopics',
      partitionsPerTopicId: { t1: 3, t2: 3 },
      members: [serverMember('B', t12, { t1: [2], t2: [2] })],
      expected: { B: { t1: [0, 1, 2], t2: [0, 1, 2] } },
    },
    {
      kafkaTest: 'testReassignmentWhenMultipleSubscriptionsRemovedAfterInitialAssignmentWithThreeMembersTwoTopics',
      partitionsPerTopicId: { t1: 3, t2: 3, t3: 2 },
      members: [serverMember('A', ['t1'], { t1: [0, 1, 2], t2: [0] }), serverMember('B', ['t1', 't2', 't3'], { t2: [1] }), serverMember('C', ['t2'], { t2: [2], t3: [0, 1] })],
      expected: { A: { t1: [0, 1] }, B: { t1: [2], t2: [0, 1], t3: [0, 1] }, C: { t2: [2] } },
    },
  ]);
});

/**
 * Kafka's homogeneous builder walks topics in HashSet order and a member's current target in its
 * map's order; we walk both by ascending topic id. Each vector names its topics so that ascending
 * order is the order Kafka's test walked: for the test's fixed Uuids Java's HashSet order is
 * T2, T4, T3, T1 (`javaSetOrder`), while mkOrderedAssignment keeps insertion order T1, T2
 * (`insertionOrder`).
 */
const javaSetOrder = { T1: 'id-4-T1', T2: 'id-1-T2', T3: 'id-3-T3' } as const;
const insertionOrder = { T1: 'id-1-T1', T2: 'id-2-T2', T3: 'id-3-T3' } as const;

describe('UniformAssignor, homogeneous (UniformHomogeneousAssignmentBuilder): quotas in member order, current target kept up to quota', () => {
  const { T1, T2, T3 } = javaSetOrder;
  const ordered = insertionOrder;
  checkServerVectors(uniform, [
    { kafkaTest: 'testOneMemberNoTopicSubscription', partitionsPerTopicId: { [T1]: 3 }, members: [serverMember('A', [])], expected: { A: {} } },
    {
      kafkaTest: 'testFirstAssignmentTwoMembersTwoTopicsNoMemberRacks',
      partitionsPerTopicId: { [T1]: 3, [T3]: 2 },
      members: [serverMember('A', [T1, T3]), serverMember('B', [T1, T3])],
      expected: { A: { [T1]: [0], [T3]: [0, 1] }, B: { [T1]: [1, 2] } },
    },
    {
      kafkaTest: 'testFirstAssignmentNumMembersGreaterThanTotalNumPartitions',
      partitionsPerTopicId: { [T3]: 2 },
      members: ['A', 'B', 'C'].map((id) => serverMember(id, [T3])),
      expected: { A: { [T3]: [0] }, B: { [T3]: [1] }, C: {} },
    },
    {
      kafkaTest: 'testReassignmentForTwoMembersTwoTopicsGivenUnbalancedPrevAssignment (A gives up its excess)',
      partitionsPerTopicId: { [ordered.T1]: 3, [ordered.T2]: 3 },
      members: [serverMember('A', [ordered.T1, ordered.T2], { [ordered.T1]: [0, 1], [ordered.T2]: [0, 1] }), serverMember('B', [ordered.T1, ordered.T2], { [ordered.T1]: [2], [ordered.T2]: [2] })],
      expected: { A: { [ordered.T1]: [0, 1], [ordered.T2]: [0] }, B: { [ordered.T1]: [2], [ordered.T2]: [1, 2] } },
    },
    {
      kafkaTest: 'testReassignmentWhenPartitionsAreAddedForTwoMembersTwoTopics',
      partitionsPerTopicId: { [T1]: 6, [T2]: 5 },
      members: [serverMember('A', [T1, T2], { [T1]: [0, 2], [T2]: [0] }), serverMember('B', [T1, T2], { [T1]: [1], [T2]: [1, 2] })],
      expected: { A: { [T1]: [0, 2, 3], [T2]: [0, 3, 4] }, B: { [T1]: [1, 4, 5], [T2]: [1, 2] } },
    },
    {
      kafkaTest: 'testReassignmentWhenOneMemberAddedAfterInitialAssignmentWithTwoMembersTwoTopics',
      partitionsPerTopicId: { [ordered.T1]: 3, [ordered.T2]: 3 },
      members: [
        serverMember('A', [ordered.T1, ordered.T2], { [ordered.T1]: [0, 2], [ordered.T2]: [0] }),
        serverMember('B', [ordered.T1, ordered.T2], { [ordered.T1]: [1], [ordered.T2]: [1, 2] }),
        serverMember('C', [ordered.T1, ordered.T2]),
      ],
      expected: { A: { [ordered.T1]: [0, 2] }, B: { [ordered.T1]: [1], [ordered.T2]: [1] }, C: { [ordered.T2]: [0, 2] } },
    },
    {
      kafkaTest: 'testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithThreeMembersTwoTopics',
      partitionsPerTopicId: { [T1]: 3, [T2]: 3 },
      members: [serverMember('A', [T1, T2], { [T1]: [0], [T2]: [0] }), serverMember('B', [T1, T2], { [T1]: [1], [T2]: [1] })],
      expected: { A: { [T1]: [0], [T2]: [0, 2] }, B: { [T1]: [1, 2], [T2]: [1] } },
    },
    {
      kafkaTest: 'testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignmentWithTwoMembersTwoTopics',
      partitionsPerTopicId: { [T1]: 2, [T2]: 2 },
      members: [serverMember('A', [T2], { [T1]: [0], [T2]: [0] }), serverMember('B', [T2], { [T1]: [1], [T2]: [1] })],
      expected: { A: { [T2]: [0] }, B: { [T2]: [1] } },
    },
  ]);
});

/** The heterogeneous builder breaks ties by Uuid.compareTo; Kafka's test Uuids compare T1 < T2 < T3 < T4, as these ids do. */
const uuid = { T1: 'T1-A4s3VTwiI5CTbEp6POw', T2: 'T2-B4s3VTwiI5YHbPp6YUe', T3: 'T3-CU8fVTLCz5YMkLoDQsa', T4: 'T4-Tw9fVTLCz5HbPp6YQsa' } as const;

describe('UniformAssignor, heterogeneous (UniformHeterogeneousAssignmentBuilder): keep, fill the least loaded, then balance per topic', () => {
  const { T1, T2, T3, T4 } = uuid;
  checkServerVectors(uniform, [
    { kafkaTest: 'testTwoMembersNoTopicSubscription', partitionsPerTopicId: { [T1]: 3 }, members: [serverMember('A', []), serverMember('B', [])], expected: { A: {}, B: {} } },
    {
      kafkaTest: 'testFirstAssignmentTwoMembersTwoTopics',
      partitionsPerTopicId: { [T1]: 3, [T3]: 6 },
      members: [serverMember('A', [T1, T3]), serverMember('B', [T3])],
      expected: { A: { [T1]: [0, 1, 2], [T3]: [4] }, B: { [T3]: [0, 1, 2, 3, 5] } },
    },
    {
      kafkaTest: 'testFirstAssignmentNumMembersGreaterThanTotalNumPartitions',
      partitionsPerTopicId: { [T3]: 1, [T1]: 2 },
      members: [serverMember('A', [T3]), serverMember('B', [T3]), serverMember('C', [T1])],
      expected: { A: { [T3]: [0] }, B: {}, C: { [T1]: [0, 1] } },
    },
    {
      kafkaTest: 'testReassignmentForTwoMembersThreeTopicsGivenUnbalancedPrevAssignment',
      partitionsPerTopicId: { [T1]: 6, [T2]: 4, [T3]: 4 },
      members: [
        serverMember('A', [T1], { [T1]: [0, 1, 2] }),
        serverMember('B', [T1, T2], { [T1]: [3], [T2]: [0] }),
        serverMember('C', [T1, T2, T3], { [T1]: [4, 5], [T2]: [1, 2, 3], [T3]: [0, 1, 2, 3] }),
      ],
      expected: { A: { [T1]: [0, 1, 2, 5] }, B: { [T1]: [3], [T2]: [0, 1, 2, 3] }, C: { [T1]: [4], [T3]: [0, 1, 2, 3] } },
    },
    {
      kafkaTest: 'testReassignmentWhenPartitionsAreAddedForTwoMembers',
      partitionsPerTopicId: { [T1]: 6, [T2]: 5, [T3]: 3, [T4]: 3 },
      members: [serverMember('A', [T1, T3], { [T1]: [0, 1, 2, 3], [T3]: [0, 1] }), serverMember('B', [T1, T2, T3, T4], { [T2]: [0, 1, 2], [T4]: [0, 1, 2] })],
      expected: { A: { [T1]: [0, 1, 2, 3, 4, 5], [T3]: [0, 1, 2] }, B: { [T2]: [0, 1, 2, 3, 4], [T4]: [0, 1, 2] } },
    },
    {
      kafkaTest: 'testReassignmentWhenOneMemberAddedAndPartitionsAddedTwoMembersTwoTopics',
      partitionsPerTopicId: { [T1]: 6, [T2]: 7 },
      members: [serverMember('A', [T1], { [T1]: [0, 2], [T2]: [0] }), serverMember('B', [T1, T2], { [T1]: [1], [T2]: [1, 2] }), serverMember('C', [T1, T2])],
      expected: { A: { [T1]: [0, 2, 3, 4, 5] }, B: { [T1]: [1], [T2]: [1, 2, 6] }, C: { [T2]: [0, 3, 4, 5] } },
    },
    {
      kafkaTest: 'testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithThreeMembersThreeTopics',
      partitionsPerTopicId: { [T1]: 3, [T2]: 8, [T3]: 3 },
      members: [serverMember('A', [T1, T3], { [T1]: [0, 1, 2], [T3]: [0, 1] }), serverMember('B', [T2], { [T2]: [3, 4, 5, 6] })],
      expected: { A: { [T1]: [0, 1, 2], [T3]: [0, 1, 2] }, B: { [T2]: [0, 1, 2, 3, 4, 5, 6, 7] } },
    },
    {
      kafkaTest: 'testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignmentWithTwoMembersTwoTopics',
      partitionsPerTopicId: { [T1]: 3, [T2]: 5 },
      members: [serverMember('A', [T1], { [T1]: [0, 2], [T2]: [1, 3] }), serverMember('B', [T1, T2], { [T1]: [1], [T2]: [0, 2, 4] })],
      expected: { A: { [T1]: [0, 1, 2] }, B: { [T2]: [0, 1, 2, 3, 4] } },
    },
    {
      kafkaTest: 'testFirstAssignmentWithTwoMembersIncludingOneWithoutSubscriptions',
      partitionsPerTopicId: { [T1]: 3 },
      members: [serverMember('A', [T1]), serverMember('B', [])],
      expected: { A: { [T1]: [0, 1, 2] }, B: {} },
    },
  ]);

  // Kafka's test drives the heterogeneous builder with a homogeneous subscription; so do we.
  checkServerVectors((members, partitions) => uniformHeterogeneousAssignment(members, partitions) as Record<string, Partitions>, [
    {
      kafkaTest: 'testReassignmentWhenTopicPartitionsRunOutAndMembersHaveNoPartitions',
      partitionsPerTopicId: { [T1]: 2, [T2]: 2, [T3]: 2 },
      members: [serverMember('A', [T1, T2, T3], { [T1]: [0, 1], [T2]: [0, 1], [T3]: [0, 1] }), serverMember('B', [T1, T2, T3])],
      expected: { A: { [T2]: [0], [T3]: [0, 1] }, B: { [T1]: [0, 1], [T2]: [1] } },
    },
  ]);
});
