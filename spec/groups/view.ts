/**
 * What the group clauses see: every loaded group coordinator shard with its groups, and the
 * history of what consumers were told and did. The simulator builds the shard views after every
 * step from the coordinators' state and records the history from the consumers' effects; nothing
 * here depends on the machines. Partitions are written `topic-partition`.
 */

export interface ClassicMemberView {
  readonly memberId: string;
  readonly instanceId: string | null;
  /** The topics of the member's subscription for the selected protocol. */
  readonly subscribedTopics: readonly string[];
  readonly assignment: readonly string[];
}

export interface ClassicGroupView {
  readonly groupId: string;
  readonly state: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';
  /** The state before the last transition: one request may move a group twice (Stable → PreparingRebalance → CompletingRebalance for a lone leader's re-join). */
  readonly previousState: ClassicGroupView['state'] | null;
  readonly protocolType: string | null;
  /** The selected protocol (for consumer groups, the assignor: range, cooperative-sticky, ...). */
  readonly protocolName: string | null;
  readonly generationId: number;
  readonly leaderId: string | null;
  readonly members: readonly ClassicMemberView[];
  /** group.instance.id → member id. */
  readonly staticMembers: Readonly<Record<string, string>>;
}

export interface ConsumerMemberView {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: 'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS' | 'UNKNOWN';
  readonly subscribedTopics: readonly string[];
  readonly assigned: readonly string[];
  readonly pendingRevocation: readonly string[];
  readonly target: readonly string[];
}

export interface ConsumerGroupView {
  readonly groupId: string;
  readonly state: 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
  readonly members: readonly ConsumerMemberView[];
  /** Partition counts of the topics the group subscribes to, as the coordinator knows them. */
  readonly partitionsPerTopic: Readonly<Record<string, number>>;
}

/** One loaded shard: a broker's coordinator for one __consumer_offsets partition, in one load. */
export interface ShardView {
  readonly broker: number;
  readonly partition: number;
  /** The partition's leader epoch when it was loaded: with loadId, names this load (a reload after failover starts a new life for every group in it). */
  readonly leaderEpoch: number;
  /** Counts the loads of one coordinator process (a restarted broker counts from 0 again, in a higher leader epoch). */
  readonly loadId: number;
  readonly classic: readonly ClassicGroupView[];
  readonly consumer: readonly ConsumerGroupView[];
}

export interface GroupsView {
  readonly shards: readonly ShardView[];
  /** Partition counts of the cluster's topics, from the committed metadata (the judge's knowledge, not a coordinator's). */
  readonly topicPartitions: Readonly<Record<string, number>>;
}

/** What the consumers were told and did, in time order. */
export type ConsumerEvent =
  /** Records handed to the application by poll(). */
  | { readonly type: 'records'; readonly consumer: number; readonly partition: string; readonly offsets: readonly number[]; readonly time: number }
  /** The position moved other than by consuming: seek, auto.offset.reset, or a committed offset adopted at assignment. */
  | { readonly type: 'position'; readonly consumer: number; readonly partition: string; readonly offset: number; readonly reason: 'committed' | 'reset' | 'seek' | 'truncated'; readonly time: number }
  | {
    readonly type: 'assigned' | 'revoked' | 'lost'; readonly consumer: number; readonly partitions: readonly string[]; readonly time: number;
    /**
     * On an assignment: whether the coordinator that has the group loaded still counted the
     * consumer's member id as a member when the consumer applied it (false: a zombie reconciling a
     * target from before it was removed; absent: no coordinator had the group loaded). The judge's
     * knowledge, from the coordinator's state.
     */
    readonly memberAtCoordinator?: boolean;
  }
  /** An OffsetFetch sent by the consumer (the committed offsets it answers were committed before this). */
  | { readonly type: 'offset-fetch'; readonly consumer: number; readonly time: number }
  /** A commit the coordinator acknowledged, per partition, with the highest high watermark any leader of the partition had reached by then. */
  | { readonly type: 'committed'; readonly consumer: number; readonly partition: string; readonly offset: number; readonly time: number; readonly highWatermark: number }
  /**
   * The coordinator stopped counting one of the consumer's member ids as a member of the group (its
   * session or rebalance timeout expired, it was fenced, or it left): seen in the coordinator's
   * state (spec/groups/removals.ts), the judge's knowledge, not the consumer's.
   */
  | { readonly type: 'removed'; readonly consumer: number; readonly memberId: string; readonly time: number }
  /** The consumer process crashed (it stops without leaving). */
  | { readonly type: 'crashed'; readonly consumer: number; readonly time: number };
