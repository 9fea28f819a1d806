/**
 * The assignor interfaces. Client-side assignors (ConsumerPartitionAssignor: range, roundrobin,
 * sticky, cooperative-sticky) run in the classic group's leader; server-side assignors
 * (ConsumerGroupPartitionAssignor: uniform, range) run in the KIP-848 coordinator.
 */
import type { ConsumerProtocolSubscription, TopicPartitions } from '../../protocol/groups/messages.js';

export type RebalanceProtocol = 'EAGER' | 'COOPERATIVE';

export interface ClientAssignorMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly subscription: ConsumerProtocolSubscription;
}

/** ConsumerPartitionAssignor: the leader's view is the members' subscriptions and the partition count of each topic with metadata. */
export interface ClientAssignor {
  readonly name: 'range' | 'roundrobin' | 'sticky' | 'cooperative-sticky';
  /** The protocols it supports; a consumer uses the highest one all its assignors support. */
  readonly supportedProtocols: readonly RebalanceProtocol[];
  /** memberId → assigned partitions (every member appears, possibly with nothing); partitions ascending within a topic. */
  assign(partitionsPerTopic: Readonly<Record<string, number>>, members: readonly ClientAssignorMember[]): Record<string, TopicPartitions[]>;
}

/** topicId → partition numbers. */
export type TopicIdAssignment = Readonly<Record<string, readonly number[]>>;

export interface ServerAssignorMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly subscribedTopicIds: readonly string[];
  /** The member's partitions in the current target assignment (stickiness input). */
  readonly currentTarget: TopicIdAssignment;
}

/** ConsumerGroupPartitionAssignor: computes the target assignment. */
export interface ServerAssignor {
  readonly name: 'uniform' | 'range';
  /** memberId → target (every member appears). */
  assign(members: readonly ServerAssignorMember[], partitionsPerTopicId: Readonly<Record<string, number>>): Record<string, TopicIdAssignment>;
}
