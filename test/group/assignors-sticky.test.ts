/**
 * Test vectors for sticky (StickyAssignor, eager) and cooperative-sticky (CooperativeStickyAssignor),
 * taken from the Kafka test methods named in each case (clients/src/test/.../consumer/internals/
 * AbstractStickyAssignorTest, StickyAssignorTest, CooperativeStickyAssignorTest) or derived by hand
 * from the algorithm where marked "by hand".
 *
 * Kafka iterates the members in HashMap order; we iterate them by member id. For "consumer1".."4"
 * Java's HashMap happens to go consumer4, 3, 2, 1. The vectors below were chosen (and checked) not
 * to depend on that order, except the one marked, whose expected output is derived by hand for
 * member-id order, next to the properties Kafka's test asserts.
 */
import { describe, expect, it } from 'vitest';
import { cooperativeStickyAssignor } from '../../src/common/assignors/cooperative-sticky.js';
import { stickyAssignor } from '../../src/common/assignors/sticky.js';
import type { ClientAssignor, ClientAssignorMember } from '../../src/common/assignors/types.js';
import { asPartitions, consumer, type Partitions } from '../fixtures/assignor-helpers.js';

interface StickyVector {
  readonly kafkaTest: string;
  readonly partitionsPerTopic: Record<string, number>;
  readonly members: readonly ClientAssignorMember[];
  readonly expected: Record<string, Partitions>;
}

function checkVectors(assignor: ClientAssignor, vectors: readonly StickyVector[]): void {
  for (const vector of vectors) {
    it(vector.kafkaTest, () => {
      expect(asPartitions(assignor.assign(vector.partitionsPerTopic, vector.members))).toEqual(vector.expected);
    });
  }
}

const generation = 1;
const both = ['topic1', 'topic2'];
const owning = (memberId: string, topics: string[], owned: Partitions, memberGeneration = generation): ClientAssignorMember => consumer(memberId, topics, { owned, generation: memberGeneration });

/** The vectors whose answer is the same for sticky and cooperative-sticky (nothing is transferring ownership). */
const sharedVectors: StickyVector[] = [
  { kafkaTest: 'testOneConsumerNoTopic', partitionsPerTopic: {}, members: [consumer('consumer', [])], expected: { consumer: {} } },
  { kafkaTest: 'testOneConsumerNonexistentTopic', partitionsPerTopic: {}, members: [consumer('consumer', ['topic'])], expected: { consumer: {} } },
  { kafkaTest: 'testOneConsumerOneTopic', partitionsPerTopic: { topic: 3 }, members: [consumer('consumer', ['topic'])], expected: { consumer: { topic: [0, 1, 2] } } },
  { kafkaTest: 'testOnlyAssignsPartitionsFromSubscribedTopics', partitionsPerTopic: { topic: 3, other: 3 }, members: [consumer('consumer', ['topic'])], expected: { consumer: { topic: [0, 1, 2] } } },
  { kafkaTest: 'testOneConsumerMultipleTopics', partitionsPerTopic: { topic1: 1, topic2: 2 }, members: [consumer('consumer', both)], expected: { consumer: { topic1: [0], topic2: [0, 1] } } },
  { kafkaTest: 'testTwoConsumersOneTopicTwoPartitions', partitionsPerTopic: { topic: 2 }, members: [consumer('consumer1', ['topic']), consumer('consumer2', ['topic'])], expected: { consumer1: { topic: [0] }, consumer2: { topic: [1] } } },
  {
    kafkaTest: 'testMultipleConsumersMixedTopicSubscriptions (general builder)',
    partitionsPerTopic: { topic1: 3, topic2: 2 },
    members: [consumer('consumer1', ['topic1']), consumer('consumer2', both), consumer('consumer3', ['topic1'])],
    expected: { consumer1: { topic1: [0, 2] }, consumer2: { topic2: [0, 1] }, consumer3: { topic1: [1] } },
  },
  {
    kafkaTest: 'testTwoConsumersTwoTopicsSixPartitions',
    partitionsPerTopic: { topic1: 3, topic2: 3 },
    members: [consumer('consumer1', both), consumer('consumer2', both)],
    expected: { consumer1: { topic1: [0, 2], topic2: [1] }, consumer2: { topic1: [1], topic2: [0, 2] } },
  },
  {
    kafkaTest: 'testConsumerOwningMinQuotaExpectedMaxQuota',
    partitionsPerTopic: { topic1: 2, topic2: 3 },
    members: [owning('consumer1', both, { topic1: [0], topic2: [1] }), owning('consumer2', both, { topic1: [1], topic2: [2] })],
    expected: { consumer1: { topic1: [0], topic2: [0, 1] }, consumer2: { topic1: [1], topic2: [2] } },
  },
  {
    kafkaTest: 'testAllConsumersAreUnderMinQuota',
    partitionsPerTopic: { topic1: 2, topic2: 3 },
    members: [owning('consumer1', both, { topic1: [0] }), owning('consumer2', both, { topic1: [1] }), owning('consumer3', both, {})],
    expected: { consumer1: { topic1: [0], topic2: [1] }, consumer2: { topic1: [1], topic2: [2] }, consumer3: { topic2: [0] } },
  },
  {
    kafkaTest: 'testAllConsumersReachExpectedQuotaAndAreConsideredFilled',
    partitionsPerTopic: { topic: 4 },
    members: [owning('consumer1', ['topic'], { topic: [0, 1] }), owning('consumer2', ['topic'], { topic: [2] }), owning('consumer3', ['topic'], {})],
    expected: { consumer1: { topic: [0, 1] }, consumer2: { topic: [2] }, consumer3: { topic: [3] } },
  },
  {
    kafkaTest: 'testAddRemoveConsumerOneTopic (round 3: consumer1 left, consumer2 takes everything)',
    partitionsPerTopic: { topic: 3 },
    members: [owning('consumer2', ['topic'], { topic: [2] })],
    expected: { consumer2: { topic: [0, 1, 2] } },
  },
  {
    kafkaTest: 'testAddRemoveTwoConsumersTwoTopics (round 1)',
    partitionsPerTopic: { topic1: 3, topic2: 4 },
    members: [consumer('consumer1', both), consumer('consumer2', both)],
    expected: { consumer1: { topic1: [0, 2], topic2: [1, 3] }, consumer2: { topic1: [1], topic2: [0, 2] } },
  },
  {
    kafkaTest: 'testAddRemoveTwoConsumersTwoTopics (round 3: consumer1 and consumer2 left)',
    partitionsPerTopic: { topic1: 3, topic2: 4 },
    members: [owning('consumer3', both, { topic1: [2], topic2: [3] }), owning('consumer4', both, { topic2: [2] })],
    expected: { consumer3: { topic1: [0, 2], topic2: [1, 3] }, consumer4: { topic1: [1], topic2: [0, 2] } },
  },
  {
    kafkaTest: 'testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration (generation 10 beats 9)',
    partitionsPerTopic: { topic: 3, topic2: 3 },
    members: [owning('consumer1', ['topic', 'topic2'], { topic: [0, 2], topic2: [1] }, 10), owning('consumer2', ['topic', 'topic2'], { topic: [0, 2], topic2: [1] }, 9)],
    expected: { consumer1: { topic: [0, 2], topic2: [1] }, consumer2: { topic: [1], topic2: [0, 2] } },
  },
  {
    kafkaTest: 'testOwnedPartitionsAreInvalidatedForConsumerWithNoGeneration (generation 10 beats DEFAULT_GENERATION)',
    partitionsPerTopic: { topic: 3, topic2: 3 },
    members: [owning('consumer1', ['topic', 'topic2'], { topic: [0, 2], topic2: [1] }, 10), owning('consumer2', ['topic', 'topic2'], { topic: [0, 2], topic2: [1] }, -1)],
    expected: { consumer1: { topic: [0, 2], topic2: [1] }, consumer2: { topic: [1], topic2: [0, 2] } },
  },
  {
    kafkaTest: 'testOwnedPartitionsAreInvalidatedForConsumerWithMultipleGeneration',
    partitionsPerTopic: { topic: 3, topic2: 3 },
    members: [owning('consumer1', ['topic', 'topic2'], { topic: [0, 1], topic2: [1] }, 10), owning('consumer2', ['topic', 'topic2'], { topic: [0], topic2: [1, 2] }, 8)],
    expected: { consumer1: { topic: [0, 1], topic2: [1] }, consumer2: { topic: [2], topic2: [0, 2] } },
  },
  {
    kafkaTest: 'testEnsurePartitionsAssignedToHighestGeneration',
    partitionsPerTopic: { topic: 3, topic2: 3, topic3: 3 },
    members: [
      owning('consumer1', ['topic', 'topic2', 'topic3'], { topic: [0], topic2: [0], topic3: [0] }, 10),
      owning('consumer2', ['topic', 'topic2', 'topic3'], { topic: [1], topic2: [1], topic3: [1] }, 9),
      owning('consumer3', ['topic', 'topic2', 'topic3'], { topic2: [1], topic3: [0, 2] }, 8),
    ],
    expected: { consumer1: { topic: [0], topic2: [0], topic3: [0] }, consumer2: { topic: [1], topic2: [1], topic3: [1] }, consumer3: { topic: [2], topic2: [2], topic3: [2] } },
  },
  {
    kafkaTest: 'testNoReassignmentOnCurrentMembers (consumer1 gets only what nobody owns)',
    partitionsPerTopic: { topic: 3, topic1: 3, topic2: 3, topic3: 3 },
    members: [
      owning('consumer1', ['topic', 'topic2', 'topic3', 'topic1'], {}, -1),
      owning('consumer2', ['topic', 'topic2', 'topic3', 'topic1'], { topic: [0], topic2: [0], topic1: [0] }, 9),
      owning('consumer3', ['topic', 'topic2', 'topic3', 'topic1'], { topic3: [2], topic2: [2], topic1: [1] }, 8),
      owning('consumer4', ['topic', 'topic2', 'topic3', 'topic1'], { topic3: [1], topic: [1, 2] }, 7),
    ],
    expected: {
      consumer1: { topic1: [2], topic2: [1], topic3: [0] },
      consumer2: { topic: [0], topic1: [0], topic2: [0] },
      consumer3: { topic1: [1], topic2: [2], topic3: [2] },
      consumer4: { topic: [1, 2], topic3: [1] },
    },
  },
];

describe('StickyAssignor (eager): balanced first, then as many owned partitions kept as possible', () => {
  checkVectors(stickyAssignor, [
    ...sharedVectors,
    {
      kafkaTest: 'testAddRemoveConsumerOneTopic (round 2: consumer2 joins; partition 2 moves at once under eager)',
      partitionsPerTopic: { topic: 3 },
      members: [owning('consumer1', ['topic'], { topic: [0, 1, 2] }), owning('consumer2', ['topic'], {})],
      expected: { consumer1: { topic: [0, 1] }, consumer2: { topic: [2] } },
    },
    {
      kafkaTest: 'testAddRemoveTwoConsumersTwoTopics (round 2: consumer3 and consumer4 join)',
      partitionsPerTopic: { topic1: 3, topic2: 4 },
      members: [owning('consumer1', both, { topic1: [0, 2], topic2: [1, 3] }), owning('consumer2', both, { topic1: [1], topic2: [0, 2] }), owning('consumer3', both, {}), owning('consumer4', both, {})],
      expected: { consumer1: { topic1: [0], topic2: [1] }, consumer2: { topic1: [1], topic2: [0] }, consumer3: { topic1: [2], topic2: [3] }, consumer4: { topic2: [2] } },
    },
    {
      kafkaTest: 'StickyAssignorTest.testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer',
      partitionsPerTopic: { topic: 3 },
      members: [owning('consumer1', ['topic'], { topic: [0, 1] }), owning('consumer2', ['topic'], { topic: [0, 2] }), owning('consumer3', ['topic'], {})],
      expected: { consumer1: { topic: [1] }, consumer2: { topic: [2] }, consumer3: { topic: [0] } },
    },
    {
      kafkaTest: 'StickyAssignorTest.testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer',
      partitionsPerTopic: { topic: 4 },
      members: [owning('consumer1', ['topic'], { topic: [0, 1] }), owning('consumer2', ['topic'], { topic: [0, 2] }), owning('consumer3', ['topic'], {})],
      expected: { consumer1: { topic: [1, 3] }, consumer2: { topic: [2] }, consumer3: { topic: [0] } },
    },
    {
      kafkaTest: 'by hand, general builder: a new subscriber of topic1 takes both its partitions from the member that also owns topic2',
      partitionsPerTopic: { topic1: 2, topic2: 2 },
      members: [owning('consumer1', both, { topic1: [0, 1], topic2: [0, 1] }), owning('consumer2', ['topic1'], {})],
      expected: { consumer1: { topic2: [0, 1] }, consumer2: { topic1: [0, 1] } },
    },
    {
      // Kafka asserts consumer1=[topic1-0], consumer2=[topic1-1, topic2-1] because its HashMap visits consumer2 first;
      // visiting by member id, consumer1 keeps maxQuota instead. Kafka's order-free claims (balance, one transfer) are checked below.
      kafkaTest: 'testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers (by hand, member-id order)',
      partitionsPerTopic: { topic1: 2, topic2: 2 },
      members: [owning('consumer1', both, { topic1: [0], topic2: [0] }), owning('consumer2', both, { topic1: [1], topic2: [1] }), owning('consumer3', both, {})],
      expected: { consumer1: { topic1: [0], topic2: [0] }, consumer2: { topic1: [1] }, consumer3: { topic2: [1] } },
    },
  ]);

  it('testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: fully balanced and one partition changes hands, whichever member keeps maxQuota', () => {
    const members = [owning('consumer1', both, { topic1: [0], topic2: [0] }), owning('consumer2', both, { topic1: [1], topic2: [1] }), owning('consumer3', both, {})];
    const sizes = Object.values(asPartitions(stickyAssignor.assign({ topic1: 2, topic2: 2 }, members))).map((topics) => Object.values(topics).flat().length);
    expect(sizes.sort()).toEqual([1, 1, 2]);
    const cooperative = asPartitions(cooperativeStickyAssignor.assign({ topic1: 2, topic2: 2 }, members));
    expect(Object.values(cooperative).map((topics) => Object.values(topics).flat().length).sort()).toEqual([0, 1, 2]);
  });
});

describe('CooperativeStickyAssignor: a partition another member still owns is withheld this round (two-phase)', () => {
  checkVectors(cooperativeStickyAssignor, [
    ...sharedVectors,
    {
      kafkaTest: 'testAddRemoveConsumerOneTopic (round 2, phase 1: partition 2 is transferring to consumer2, so withheld)',
      partitionsPerTopic: { topic: 3 },
      members: [owning('consumer1', ['topic'], { topic: [0, 1, 2] }), owning('consumer2', ['topic'], {})],
      expected: { consumer1: { topic: [0, 1] }, consumer2: {} },
    },
    {
      kafkaTest: 'testAddRemoveConsumerOneTopic (round 2, phase 2: consumer1 revoked partition 2, consumer2 gets it)',
      partitionsPerTopic: { topic: 3 },
      members: [owning('consumer1', ['topic'], { topic: [0, 1] }), owning('consumer2', ['topic'], {})],
      expected: { consumer1: { topic: [0, 1] }, consumer2: { topic: [2] } },
    },
    {
      kafkaTest: 'testAddRemoveTwoConsumersTwoTopics (round 2, phase 1: topic1-2, topic2-3 → consumer3 and topic2-2 → consumer4 withheld)',
      partitionsPerTopic: { topic1: 3, topic2: 4 },
      members: [owning('consumer1', both, { topic1: [0, 2], topic2: [1, 3] }), owning('consumer2', both, { topic1: [1], topic2: [0, 2] }), owning('consumer3', both, {}), owning('consumer4', both, {})],
      expected: { consumer1: { topic1: [0], topic2: [1] }, consumer2: { topic1: [1], topic2: [0] }, consumer3: {}, consumer4: {} },
    },
    {
      kafkaTest: 'testAddRemoveTwoConsumersTwoTopics (round 2, phase 2: the final assignment Kafka asserts after the follow-up rebalance)',
      partitionsPerTopic: { topic1: 3, topic2: 4 },
      members: [owning('consumer1', both, { topic1: [0], topic2: [1] }), owning('consumer2', both, { topic1: [1], topic2: [0] }), owning('consumer3', both, {}), owning('consumer4', both, {})],
      expected: { consumer1: { topic1: [0], topic2: [1] }, consumer2: { topic1: [1], topic2: [0] }, consumer3: { topic1: [2], topic2: [3] }, consumer4: { topic2: [2] } },
    },
    {
      kafkaTest: 'CooperativeStickyAssignorTest.testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer',
      partitionsPerTopic: { topic: 3 },
      members: [owning('consumer1', ['topic'], { topic: [0, 1] }), owning('consumer2', ['topic'], { topic: [0, 2] }), owning('consumer3', ['topic'], {})],
      expected: { consumer1: { topic: [1] }, consumer2: { topic: [2] }, consumer3: {} },
    },
    {
      kafkaTest: 'CooperativeStickyAssignorTest.testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer',
      partitionsPerTopic: { topic: 4 },
      members: [owning('consumer1', ['topic'], { topic: [0, 1] }), owning('consumer2', ['topic'], { topic: [0, 2] }), owning('consumer3', ['topic'], {})],
      expected: { consumer1: { topic: [1, 3] }, consumer2: { topic: [2] }, consumer3: {} },
    },
    {
      kafkaTest: 'CooperativeStickyAssignorTest.testAssignorWithOldVersionSubscriptions (generation from user data)',
      partitionsPerTopic: { topic1: 3 },
      members: [owning('consumer1', ['topic1'], { topic1: [0] }), owning('consumer2', ['topic1'], { topic1: [1] }), owning('consumer3', ['topic1'], {})],
      expected: { consumer1: { topic1: [0] }, consumer2: { topic1: [1] }, consumer3: { topic1: [2] } },
    },
    {
      kafkaTest: 'by hand, general builder phase 1: topic1 moves from consumer1 to consumer2, withheld while consumer1 owns it',
      partitionsPerTopic: { topic1: 2, topic2: 2 },
      members: [owning('consumer1', both, { topic1: [0, 1], topic2: [0, 1] }), owning('consumer2', ['topic1'], {})],
      expected: { consumer1: { topic2: [0, 1] }, consumer2: {} },
    },
    {
      kafkaTest: 'by hand, general builder phase 2: consumer1 revoked topic1, consumer2 gets it',
      partitionsPerTopic: { topic1: 2, topic2: 2 },
      members: [owning('consumer1', both, { topic2: [0, 1] }), owning('consumer2', ['topic1'], {})],
      expected: { consumer1: { topic2: [0, 1] }, consumer2: { topic1: [0, 1] } },
    },
  ]);
});
