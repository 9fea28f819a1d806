/**
 * A KIP-848 assignment as the coordinator keeps it: topic id → partition numbers (Kafka's
 * `Map<Uuid, Set<Integer>>`). Kept canonical so that two equal assignments are equal values:
 * partitions ascending without duplicates, and no topic with an empty list (Kafka's maps drop
 * empty sets the same way, so `equals` there and `sameAssignment` here agree).
 */
import type { TopicIdPartitions } from '../../protocol/groups/messages.js';
import type { TopicIdAssignment } from '../../common/assignors/types.js';

export type Assignment = TopicIdAssignment;

export const emptyAssignment: Assignment = {};

/** The canonical form: sorted topic ids and partitions, no empty topics. */
export function assignmentOf(entries: Iterable<readonly [string, Iterable<number>]>): Assignment {
  const byTopic = new Map<string, Set<number>>();
  for (const [topicId, partitions] of entries) {
    const set = byTopic.get(topicId) ?? new Set<number>();
    for (const partition of partitions) set.add(partition);
    byTopic.set(topicId, set);
  }
  const out: Record<string, number[]> = {};
  for (const topicId of [...byTopic.keys()].sort()) {
    const partitions = [...(byTopic.get(topicId) ?? [])].sort((a, b) => a - b);
    if (partitions.length > 0) out[topicId] = partitions;
  }
  return out;
}

/** From the wire shape (ConsumerGroupHeartbeat's TopicPartitions, the records' TopicIdPartitions). */
export function assignmentFromTopicPartitions(topicPartitions: readonly TopicIdPartitions[]): Assignment {
  return assignmentOf(topicPartitions.map((t) => [t.topicId, t.partitions] as const));
}

export function assignmentToTopicPartitions(assignment: Assignment): TopicIdPartitions[] {
  return Object.entries(assignment).map(([topicId, partitions]) => ({ topicId, partitions: [...partitions] }));
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  const left = Object.keys(a);
  if (left.length !== Object.keys(b).length) return false;
  return left.every((topicId) => {
    const x = a[topicId] ?? [];
    const y = b[topicId] ?? [];
    return x.length === y.length && x.every((p, i) => p === y[i]);
  });
}

export function hasPartition(assignment: Assignment, topicId: string, partition: number): boolean {
  return (assignment[topicId] ?? []).includes(partition);
}

/** Every (topic id, partition) pair, in canonical order. */
export function partitionsOf(assignment: Assignment): { topicId: string; partition: number }[] {
  return Object.entries(assignment).flatMap(([topicId, partitions]) => partitions.map((partition) => ({ topicId, partition })));
}

/** a − b */
export function assignmentMinus(a: Assignment, b: Assignment): Assignment {
  return assignmentOf(Object.entries(a).map(([topicId, partitions]) => [topicId, partitions.filter((p) => !hasPartition(b, topicId, p))] as const));
}

/** a ∩ b */
export function assignmentIntersect(a: Assignment, b: Assignment): Assignment {
  return assignmentOf(Object.entries(a).map(([topicId, partitions]) => [topicId, partitions.filter((p) => hasPartition(b, topicId, p))] as const));
}

/** a ∪ b */
export function assignmentUnion(a: Assignment, b: Assignment): Assignment {
  return assignmentOf([...Object.entries(a), ...Object.entries(b)]);
}

export function isEmptyAssignment(assignment: Assignment): boolean {
  return Object.keys(assignment).length === 0;
}

/**
 * GroupMetadataManager.isSubset: every owned partition is in the assignment. Owned partitions not
 * sent (null) are not a subset — the lost-response rule needs the member to say what it owns — and a
 * topic the assignment lacks fails even with an empty partition list, as in Kafka.
 */
export function isSubset(owned: readonly TopicIdPartitions[] | null, assignment: Assignment): boolean {
  if (owned === null) return false;
  return owned.every((t) => assignment[t.topicId] !== undefined && t.partitions.every((p) => hasPartition(assignment, t.topicId, p)));
}
