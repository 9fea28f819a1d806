/**
 * CooperativeStickyAssignor (clients/.../consumer/CooperativeStickyAssignor.java), the classic
 * leader's "cooperative-sticky" assignor: AbstractStickyAssignor's assignment, then every partition
 * that is transferring ownership (assigned to one member while another still owns it) is withheld
 * from its new owner. The owner revokes it this round; the follow-up rebalance hands it over. So a
 * partition never has two owners at once (the two-phase rule of incremental cooperative rebalancing).
 *
 * The constrained builder reports the transferring partitions itself; after the general builder
 * they are computed by comparing each member's subscription.ownedPartitions with its assignment
 * (computePartitionsTransferringOwnership).
 */
import { stickyAssign } from './abstract-sticky.js';
import { compareStrings } from './member-order.js';
import { flattenTopicPartitions, toClientAssignment, topicPartitionKey, type TopicPartition } from './partitions.js';
import type { ClientAssignor, ClientAssignorMember } from './types.js';

/** computePartitionsTransferringOwnership: partitions newly assigned to one member that another member owned and is not assigned. */
function computePartitionsTransferringOwnership(members: readonly ClientAssignorMember[], assignment: ReadonlyMap<string, readonly TopicPartition[]>): Map<string, string> {
  const allAddedPartitions = new Map<string, string>();
  const allRevokedPartitions = new Set<string>();
  for (const member of [...members].sort((a, b) => compareStrings(a.memberId, b.memberId))) {
    const owned = new Set(flattenTopicPartitions(member.subscription.ownedPartitions).map(topicPartitionKey));
    const assigned = new Set((assignment.get(member.memberId) ?? []).map(topicPartitionKey));
    for (const key of assigned) if (!owned.has(key)) allAddedPartitions.set(key, member.memberId);
    for (const key of owned) if (!assigned.has(key)) allRevokedPartitions.add(key);
  }
  return new Map([...allAddedPartitions].filter(([key]) => allRevokedPartitions.has(key)));
}

export const cooperativeStickyAssignor: ClientAssignor = {
  name: 'cooperative-sticky',
  supportedProtocols: ['COOPERATIVE', 'EAGER'],
  assign(partitionsPerTopic, members) {
    const { assignment, partitionsTransferringOwnership } = stickyAssign(partitionsPerTopic, members);
    const transferring = partitionsTransferringOwnership ?? computePartitionsTransferringOwnership(members, assignment);
    for (const [key, newOwner] of transferring) {
      const partitions = assignment.get(newOwner);
      if (partitions !== undefined) assignment.set(newOwner, partitions.filter((partition) => topicPartitionKey(partition) !== key));
    }
    return toClientAssignment(members, assignment);
  },
};
