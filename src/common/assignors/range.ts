/**
 * RangeAssignor (clients/.../consumer/RangeAssignor.java), the classic leader's "range" assignor.
 *
 * Per topic, independently: the topic's subscribers in MemberInfo order take consecutive ranges of
 * its partitions; with P partitions and C subscribers each takes P / C, and the first P % C take
 * one more. Co-partitioned topics (same subscribers, same partition count) therefore line up.
 *
 * Kafka runs a rack-matching pre-pass first when consumers and partition replicas both carry racks.
 * Our ClientAssignor sees partition counts only (no replica racks), which is Kafka's
 * partitionInfosWithoutRacks case: useRackAwareAssignment is false and the pre-pass never runs.
 */
import { memberOrder } from './member-order.js';
import { partitionsOf, subscribedPartitionsPerTopic, toClientAssignment, type TopicPartition } from './partitions.js';
import type { ClientAssignor, ClientAssignorMember } from './types.js';

/** RangeAssignor.TopicAssignmentState + assignRanges, without racks: consecutive ranges in member order. */
function assignTopicRanges(topic: string, partitionCount: number, subscribers: readonly ClientAssignorMember[], assignment: Map<string, TopicPartition[]>): void {
  const partitionsPerConsumer = Math.floor(partitionCount / subscribers.length);
  let consumersWithExtraPartition = partitionCount % subscribers.length;
  const partitions = partitionsOf(topic, partitionCount);
  let next = 0;
  for (const consumer of subscribers) {
    const quota = partitionsPerConsumer + (consumersWithExtraPartition > 0 ? 1 : 0);
    if (consumersWithExtraPartition > 0) consumersWithExtraPartition--;
    assignment.get(consumer.memberId)?.push(...partitions.slice(next, next + quota));
    next += quota;
  }
}

export const rangeAssignor: ClientAssignor = {
  name: 'range',
  supportedProtocols: ['EAGER'],
  assign(partitionsPerTopic, members) {
    const assignment = new Map<string, TopicPartition[]>(members.map((member) => [member.memberId, []]));
    const sortedMembers = [...members].sort(memberOrder);
    for (const [topic, partitionCount] of subscribedPartitionsPerTopic(partitionsPerTopic, members)) {
      const subscribers = sortedMembers.filter((member) => member.subscription.topics.includes(topic));
      assignTopicRanges(topic, partitionCount, subscribers, assignment);
    }
    return toClientAssignment(members, assignment);
  },
};
