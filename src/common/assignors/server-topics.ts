/**
 * What the server-side assignors share: the GroupSpec view of members (MemberSubscription and the
 * current target) narrowed to topics with metadata, and the homogeneous/heterogeneous split.
 */
import { compareStrings } from './member-order.js';
import type { ServerAssignorMember, TopicIdAssignment } from './types.js';

/**
 * SubscriptionType: HOMOGENEOUS when every member subscribes to the same set of topics. Kafka
 * decides it from the members' topic names (ModernGroup.subscriptionType); here from the topic ids
 * the members were given, which are those names resolved.
 */
export function isHomogeneous(members: readonly ServerAssignorMember[]): boolean {
  const first = new Set(members[0]?.subscribedTopicIds ?? []);
  return members.every((member) => {
    const topics = new Set(member.subscribedTopicIds);
    return topics.size === first.size && [...topics].every((topicId) => first.has(topicId));
  });
}

/**
 * The member's subscribed topic ids that exist in the metadata, each once, ascending. Kafka's
 * assignors throw PartitionAssignorException for a subscribed topic without metadata; the
 * coordinator never passes one (subscribed topic ids come from the metadata image), so we skip it.
 */
export function existingSubscribedTopicIds(member: ServerAssignorMember, partitionsPerTopicId: Readonly<Record<string, number>>): string[] {
  return [...new Set(member.subscribedTopicIds)].filter((topicId) => partitionCount(partitionsPerTopicId, topicId) > 0).sort(compareStrings);
}

export function partitionCount(partitionsPerTopicId: Readonly<Record<string, number>>, topicId: string): number {
  return Object.hasOwn(partitionsPerTopicId, topicId) ? (partitionsPerTopicId[topicId] ?? 0) : 0;
}

/**
 * The member's current target restricted to partitions that still exist, topics ascending and
 * partitions ascending (where Kafka iterates the target's HashMap of topic → HashSet). Kafka keeps a
 * partition number beyond the topic's count as is (it cannot happen there: partitions only grow).
 */
export function existingCurrentTarget(member: ServerAssignorMember, partitionsPerTopicId: Readonly<Record<string, number>>): [string, number[]][] {
  return Object.entries(member.currentTarget)
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([topicId, partitions]): [string, number[]] => [topicId, [...new Set(partitions)].filter((partition) => partition >= 0 && partition < partitionCount(partitionsPerTopicId, topicId)).sort((x, y) => x - y)])
    .filter(([, partitions]) => partitions.length > 0);
}

/** memberId → (topicId → partitions ascending), every member present. */
export function toTopicIdAssignment(members: readonly ServerAssignorMember[], assignment: ReadonlyMap<string, ReadonlyMap<string, readonly number[]>>): Record<string, TopicIdAssignment> {
  return Object.fromEntries(members.map((member) => {
    const topics = [...(assignment.get(member.memberId) ?? new Map<string, readonly number[]>()).entries()]
      .filter(([, partitions]) => partitions.length > 0)
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([topicId, partitions]) => [topicId, [...partitions].sort((x, y) => x - y)]);
    return [member.memberId, Object.fromEntries(topics) as TopicIdAssignment];
  }));
}

/** Members in member id order: our fixed rule where Kafka iterates GroupSpec.memberIds() (a HashMap key set). */
export function byMemberId(members: readonly ServerAssignorMember[]): ServerAssignorMember[] {
  return [...members].sort((a, b) => compareStrings(a.memberId, b.memberId));
}

/**
 * Each member's current target (existingCurrentTarget), members in member id order, with a partition
 * that an earlier member already holds dropped. Kafka assumes the current target assigns a partition
 * at most once (the coordinator only ever stores assignor output); the drop only matters for input
 * that breaks that assumption, where Kafka would hand the partition to two members.
 */
export function currentTargetsWithoutDuplicates(members: readonly ServerAssignorMember[], partitionsPerTopicId: Readonly<Record<string, number>>): Map<string, [string, number[]][]> {
  const taken = new Set<string>();
  const targets = new Map<string, [string, number[]][]>();
  for (const member of byMemberId(members)) {
    const target = existingCurrentTarget(member, partitionsPerTopicId)
      .map(([topicId, partitions]): [string, number[]] => [topicId, partitions.filter((partition) => !taken.has(`${topicId}\u0000${partition}`))])
      .filter(([, partitions]) => partitions.length > 0);
    for (const [topicId, partitions] of target) for (const partition of partitions) taken.add(`${topicId}\u0000${partition}`);
    targets.set(member.memberId, target);
  }
  return targets;
}
