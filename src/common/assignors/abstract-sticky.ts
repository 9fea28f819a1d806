/**
 * AbstractStickyAssignor (clients/.../consumer/internals/AbstractStickyAssignor.java): the logic
 * shared by "sticky" (StickyAssignor, eager) and "cooperative-sticky" (CooperativeStickyAssignor).
 *
 * Each member's previously owned partitions and generation come from its subscription
 * (ownedPartitions + generationId, -1 = DEFAULT_GENERATION). Claims are checked first: the highest
 * generation wins a partition claimed twice; two claims in the same generation drop it from both.
 * Then, when every member subscribes to the same topics, the constrained builder runs (quotas,
 * owned partitions kept up to them, the rest dealt round-robin); otherwise the general builder
 * (keep everything still valid, assign the rest to the least loaded, then move partitions while it
 * improves balance).
 *
 * Where Kafka iterates the subscriptions HashMap (a matter of chance in Java), members go in member
 * id order: conflict resolution between claims, the constrained builder's quota decisions and the
 * general builder's previous-assignment ties all follow it.
 *
 * Deviations, each only where Kafka's input would be unusual:
 * - Kafka's StickyAssignor (eager) reads owned partitions from its user data (its previous
 *   assignment); our subscription has no user data, so both assignors read ownedPartitions.
 * - maxGeneration is computed per call; Kafka keeps it in the assignor instance across calls.
 * - Owned partitions whose number is at or beyond the topic's partition count are dropped.
 * - The all-equal check compares topic sets; Kafka's treats an empty first subscription as "not
 *   yet initialised" and would give a member with no topics partitions it does not subscribe to.
 */
import { compareStrings } from './member-order.js';
import { subscribedPartitionsPerTopic, topicPartitionKey, type TopicPartition } from './partitions.js';
import { constrainedAssignment } from './sticky-constrained-builder.js';
import { generalAssignment } from './sticky-general-builder.js';
import { DEFAULT_GENERATION, memberData, removePartition, type StickyInput, type StickyResult } from './sticky-input.js';
import type { ClientAssignorMember } from './types.js';

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  const first = new Set(a);
  const second = new Set(b);
  return first.size === second.size && [...first].every((topic) => second.has(topic));
}

/**
 * allSubscriptionsEqual's claim check: a partition claimed again by a member of a higher
 * generation moves to it; of the same generation it is dropped from both and remembered; of a
 * lower generation the earlier claim stands.
 */
function resolveClaims(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly ClientAssignorMember[]): Pick<StickyInput, 'consumerToOwnedPartitions' | 'partitionsWithMultiplePreviousOwners' | 'maxGeneration'> {
  const consumerToOwnedPartitions = new Map<string, TopicPartition[]>();
  const partitionsWithMultiplePreviousOwners = new Set<string>();
  const previousOwner = new Map<string, ClientAssignorMember>();
  let maxGeneration = DEFAULT_GENERATION;
  for (const member of members) {
    const data = memberData(member);
    maxGeneration = Math.max(maxGeneration, data.generation);
    const owned: TopicPartition[] = [];
    consumerToOwnedPartitions.set(member.memberId, owned);
    for (const partition of data.partitions) {
      const count = partitionsPerTopic.get(partition.topic);
      if (count === undefined || partition.partition < 0 || partition.partition >= count) continue;
      const key = topicPartitionKey(partition);
      const other = previousOwner.get(key);
      if (other === undefined || data.generation > other.subscription.generationId) {
        if (other !== undefined) removePartition(consumerToOwnedPartitions.get(other.memberId)!, partition);
        owned.push(partition);
        previousOwner.set(key, member);
      } else if (data.generation === other.subscription.generationId) {
        partitionsWithMultiplePreviousOwners.add(key);
        removePartition(consumerToOwnedPartitions.get(other.memberId)!, partition);
        previousOwner.set(key, member);
      }
    }
  }
  return { consumerToOwnedPartitions, partitionsWithMultiplePreviousOwners, maxGeneration };
}

/** AbstractStickyAssignor.assignPartitions: resolve claims, then the constrained or the general builder. */
export function stickyAssign(partitionsPerTopic: Readonly<Record<string, number>>, members: readonly ClientAssignorMember[]): StickyResult {
  if (members.length === 0) return { assignment: new Map(), partitionsTransferringOwnership: new Map() };
  const ordered = [...members].sort((a, b) => compareStrings(a.memberId, b.memberId));
  const narrowed = subscribedPartitionsPerTopic(partitionsPerTopic, ordered);
  const input: StickyInput = { partitionsPerTopic: narrowed, members: ordered, ...resolveClaims(narrowed, ordered) };
  const allSubscriptionsEqual = ordered.every((member) => sameTopics(member.subscription.topics, ordered[0]!.subscription.topics));
  return allSubscriptionsEqual ? constrainedAssignment(input) : { assignment: generalAssignment(input), partitionsTransferringOwnership: null };
}
