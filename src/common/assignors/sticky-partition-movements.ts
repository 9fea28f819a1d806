/**
 * AbstractStickyAssignor.PartitionMovements: the moves the general builder made, kept per topic
 * as (source → destination) member pairs so that a later move in the opposite direction returns a
 * partition to where it came from instead of moving a second one. Chains collapse: A→B then B→C is
 * recorded as A→C; A→B then B→A erases the record.
 *
 * Kafka takes "any" partition of a reversed pair (a HashSet's first element, a matter of chance);
 * we take the lowest partition number.
 */
import { topicPartitionKey, type TopicPartition } from './partitions.js';

interface ConsumerPair {
  readonly srcMemberId: string;
  readonly dstMemberId: string;
}

function pairKey(pair: ConsumerPair): string {
  return `${pair.srcMemberId}\u0000${pair.dstMemberId}`;
}

export class PartitionMovements {
  /** topic → pair key → the partitions moved along that pair. */
  private readonly partitionMovementsByTopic = new Map<string, Map<string, TopicPartition[]>>();
  /** partition key → its net move. */
  private readonly partitionMovements = new Map<string, ConsumerPair>();

  private removeMovementRecordOfPartition(partition: TopicPartition): ConsumerPair {
    const pair = this.partitionMovements.get(topicPartitionKey(partition))!;
    this.partitionMovements.delete(topicPartitionKey(partition));
    const forTopic = this.partitionMovementsByTopic.get(partition.topic)!;
    const moved = forTopic.get(pairKey(pair))!.filter((candidate) => candidate.partition !== partition.partition);
    if (moved.length === 0) forTopic.delete(pairKey(pair));
    else forTopic.set(pairKey(pair), moved);
    if (forTopic.size === 0) this.partitionMovementsByTopic.delete(partition.topic);
    return pair;
  }

  private addPartitionMovementRecord(partition: TopicPartition, pair: ConsumerPair): void {
    this.partitionMovements.set(topicPartitionKey(partition), pair);
    const forTopic = this.partitionMovementsByTopic.get(partition.topic) ?? new Map<string, TopicPartition[]>();
    this.partitionMovementsByTopic.set(partition.topic, forTopic);
    forTopic.set(pairKey(pair), [...(forTopic.get(pairKey(pair)) ?? []), partition]);
  }

  movePartition(partition: TopicPartition, oldConsumer: string, newConsumer: string): void {
    if (!this.partitionMovements.has(topicPartitionKey(partition))) {
      this.addPartitionMovementRecord(partition, { srcMemberId: oldConsumer, dstMemberId: newConsumer });
      return;
    }
    const existing = this.removeMovementRecordOfPartition(partition);
    if (existing.srcMemberId !== newConsumer) this.addPartitionMovementRecord(partition, { srcMemberId: existing.srcMemberId, dstMemberId: newConsumer });
  }

  /** getTheActualPartitionToBeMoved: prefer undoing an earlier move from newConsumer to (the origin of) oldConsumer. */
  partitionToBeMoved(partition: TopicPartition, oldConsumer: string, newConsumer: string): TopicPartition {
    const forTopic = this.partitionMovementsByTopic.get(partition.topic);
    if (forTopic === undefined) return partition;
    const origin = this.partitionMovements.get(topicPartitionKey(partition))?.srcMemberId ?? oldConsumer;
    const reversed = forTopic.get(pairKey({ srcMemberId: newConsumer, dstMemberId: origin }));
    if (reversed === undefined) return partition;
    return reversed.reduce((lowest, candidate) => (candidate.partition < lowest.partition ? candidate : lowest));
  }
}
