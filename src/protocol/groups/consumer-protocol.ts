/**
 * The consumer's embedded protocol (ConsumerProtocolSubscription / ConsumerProtocolAssignment): bytes
 * on the wire inside JoinGroup's protocol metadata and SyncGroup's assignment, opaque to the
 * coordinator, written out here as structured values. The coordinator never looks inside them
 * except to compare them for equality.
 */
import * as t from 'io-ts';
import { int, list, nullable, struct } from '../codec.js';

export const TopicPartitions = struct({ topic: t.string, partitions: list(int) });
export type TopicPartitions = t.TypeOf<typeof TopicPartitions>;

/** KIP-848 names a topic by id. */
export const TopicIdPartitions = struct({ topicId: t.string, partitions: list(int) });
export type TopicIdPartitions = t.TypeOf<typeof TopicIdPartitions>;

/** ConsumerProtocolSubscription (v1+): what a member offers in JoinGroup for each assignor. */
export const ConsumerProtocolSubscription = struct({
  topics: list(t.string),
  /** v1+: the partitions the member owns now (cooperative rebalancing; empty for eager). */
  ownedPartitions: list(TopicPartitions),
  /** v2+: the generation the owned partitions are from; -1 if none. */
  generationId: int,
  rackId: nullable(t.string),
});
export type ConsumerProtocolSubscription = t.TypeOf<typeof ConsumerProtocolSubscription>;

/** ConsumerProtocolAssignment: the leader's answer for one member, carried by SyncGroup. */
export const ConsumerProtocolAssignment = struct({ assignedPartitions: list(TopicPartitions) });
export type ConsumerProtocolAssignment = t.TypeOf<typeof ConsumerProtocolAssignment>;

/** `orders-0,1 audit-2`: the partitions by topic, on one line. */
export const renderByName = (list: readonly TopicPartitions[]): string => list.map((tp) => `${tp.topic}-${tp.partitions.join(',')}`).join(' ');
export const renderById = (list: readonly TopicIdPartitions[]): string => list.map((tp) => `${tp.topicId}-${tp.partitions.join(',')}`).join(' ');
/** A member id, or `new` for the empty id of a first join. */
export const renderMember = (memberId: string | null): string => (memberId === null || memberId === '' ? 'new' : memberId);
