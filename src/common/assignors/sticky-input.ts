/**
 * The input and output of AbstractStickyAssignor's builders, and MemberData: what each member
 * claims to own and from which generation.
 */
import { flattenTopicPartitions, type TopicPartition } from './partitions.js';
import type { ClientAssignorMember } from './types.js';

/** AbstractStickyAssignor.DEFAULT_GENERATION. */
export const DEFAULT_GENERATION = -1;

/** AbstractStickyAssignor.MemberData: what a member claims to own, and from which generation. */
export interface MemberData {
  readonly partitions: readonly TopicPartition[];
  readonly generation: number;
}

export function memberData(member: ClientAssignorMember): MemberData {
  return { partitions: flattenTopicPartitions(member.subscription.ownedPartitions), generation: member.subscription.generationId };
}

/** The input both builders share. */
export interface StickyInput {
  /** Subscribed topics with metadata → partition count. */
  readonly partitionsPerTopic: ReadonlyMap<string, number>;
  /** Members in member id order (our rule for Kafka's HashMap iteration). */
  readonly members: readonly ClientAssignorMember[];
  /** Each member's owned partitions that survived the claim check, of topics with metadata. */
  readonly consumerToOwnedPartitions: Map<string, TopicPartition[]>;
  /** Partition keys claimed by two members of the same generation. */
  readonly partitionsWithMultiplePreviousOwners: ReadonlySet<string>;
  readonly maxGeneration: number;
}

export interface StickyResult {
  /** memberId → partitions, every member present. */
  readonly assignment: Map<string, TopicPartition[]>;
  /** Partition key → its new owner, for partitions another member must revoke first; null in the general case (computed afterwards). */
  readonly partitionsTransferringOwnership: Map<string, string> | null;
}

export function removePartition(list: TopicPartition[], partition: TopicPartition): void {
  const index = list.findIndex((candidate) => candidate.topic === partition.topic && candidate.partition === partition.partition);
  if (index !== -1) list.splice(index, 1);
}

