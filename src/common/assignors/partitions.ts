/**
 * The shared shapes of the client-side assignors: a (topic, partition) value, the collection of an
 * assignment into ConsumerPartitionAssignor's output and the topics the leader assigns.
 */
import type { TopicPartitions } from '../../protocol/groups/messages.js';
import { compareStrings } from './member-order.js';
import type { ClientAssignorMember } from './types.js';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export function topicPartitionKey(topicPartition: TopicPartition): string {
  return `${topicPartition.topic}\u0000${topicPartition.partition}`;
}

/** Utils.TopicPartitionComparator: by topic, then partition. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return compareStrings(a.topic, b.topic) || a.partition - b.partition;
}

export function flattenTopicPartitions(topics: readonly TopicPartitions[]): TopicPartition[] {
  return topics.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
}

/** Groups a member's partitions by topic (topics by name, partitions ascending): the output shape of ClientAssignor. */
export function groupByTopic(partitions: readonly TopicPartition[]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return [...byTopic.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([topic, numbers]) => ({ topic, partitions: [...numbers].sort((x, y) => x - y) }));
}

/** memberId → partitions, every member present, in the ClientAssignor output shape. */
export function toClientAssignment(members: readonly ClientAssignorMember[], assignment: ReadonlyMap<string, readonly TopicPartition[]>): Record<string, TopicPartitions[]> {
  return Object.fromEntries(members.map((member) => [member.memberId, groupByTopic(assignment.get(member.memberId) ?? [])]));
}

/**
 * AbstractPartitionAssignor.assign(Cluster, ...): the leader hands the assignor only the topics some
 * member subscribes to that have metadata and at least one partition. Callers of our interface may
 * pass a wider map (as Kafka's unit tests do), so every client assignor narrows it first.
 */
export function subscribedPartitionsPerTopic(partitionsPerTopic: Readonly<Record<string, number>>, members: readonly ClientAssignorMember[]): Map<string, number> {
  const topics = new Set(members.flatMap((member) => member.subscription.topics));
  const narrowed = new Map<string, number>();
  for (const topic of [...topics].sort(compareStrings)) {
    const count = Object.hasOwn(partitionsPerTopic, topic) ? partitionsPerTopic[topic] : undefined;
    if (count !== undefined && count > 0) narrowed.set(topic, count);
  }
  return narrowed;
}

export function partitionsOf(topic: string, count: number): TopicPartition[] {
  return Array.from({ length: count }, (_, partition) => ({ topic, partition }));
}
