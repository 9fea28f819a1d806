/**
 * RoundRobinAssignor (clients/.../consumer/RoundRobinAssignor.java), the classic leader's
 * "roundrobin" assignor.
 *
 * Every subscribed partition, topics by name and partitions ascending, goes to the next member of
 * a circular iterator over the members in MemberInfo order, skipping members not subscribed to the
 * partition's topic. With equal subscriptions the member sizes differ by at most one.
 */
import { memberOrder } from './member-order.js';
import { partitionsOf, subscribedPartitionsPerTopic, toClientAssignment, type TopicPartition } from './partitions.js';
import type { ClientAssignor } from './types.js';

export const roundRobinAssignor: ClientAssignor = {
  name: 'roundrobin',
  supportedProtocols: ['EAGER'],
  assign(partitionsPerTopic, members) {
    const assignment = new Map<string, TopicPartition[]>(members.map((member) => [member.memberId, []]));
    const circle = [...members].sort(memberOrder);
    let cursor = 0;
    for (const [topic, partitionCount] of subscribedPartitionsPerTopic(partitionsPerTopic, members)) {
      for (const partition of partitionsOf(topic, partitionCount)) {
        // Some member subscribes to the topic (subscribedPartitionsPerTopic), so this skip ends within one lap.
        while (!circle[cursor % circle.length]!.subscription.topics.includes(topic)) cursor++;
        assignment.get(circle[cursor % circle.length]!.memberId)!.push(partition);
        cursor++;
      }
    }
    return toClientAssignment(members, assignment);
  },
};
