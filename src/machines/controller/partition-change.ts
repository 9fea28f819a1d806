/**
 * How the controller changes a partition's leader and ISR (ReplicationControlManager and
 * PartitionChangeBuilder), as pure functions from the metadata image to the records to write:
 *
 * - election: keep the leader if it is still in the ISR and usable; else the first usable replica
 *   in replica order that is in the ISR; else, only when the topic allows unclean election, the
 *   first usable replica at all (the ISR becomes just that replica: data may be lost); else none.
 * - a fenced broker leaves every ISR, except that an ISR never becomes empty: the last member
 *   stays and the partition goes leaderless until that broker returns;
 * - an unfenced broker is elected for the leaderless partitions whose ISR holds it;
 * - AlterPartition from a partition leader is checked in Kafka's order (leader epoch, leader,
 *   partition epoch, ISR shape, eligibility) before the ISR change is written;
 * - preferred leader election (auto.leader.rebalance.enable): leadership goes back to the first
 *   replica in replica order when it is in the ISR and unfenced; the ISR is unchanged.
 *
 * Eligible leader replicas (KIP-966), reassignment and controlled shutdown are not modelled yet.
 */
import type { ErrorName } from '../../protocol/errors.js';
import type { MetadataImage } from '../../common/metadata-image.js';
import { LEADER_UNCHANGED, NO_LEADER, type MetadataRecord, type PartitionRegistration } from '../../protocol/metadata/records.js';

export interface ElectionInput {
  readonly partition: PartitionRegistration;
  readonly targetIsr: readonly number[];
  readonly usable: (brokerId: number) => boolean;
  readonly uncleanLeaderElection: boolean;
}

/** The leader and ISR a change results in. */
export function electLeader({ partition, targetIsr, usable, uncleanLeaderElection }: ElectionInput): { leader: number; isr: readonly number[]; unclean: boolean } {
  if (partition.leader !== NO_LEADER && targetIsr.includes(partition.leader) && usable(partition.leader)) {
    return { leader: partition.leader, isr: targetIsr, unclean: false };
  }
  const clean = partition.replicas.find((r) => targetIsr.includes(r) && usable(r));
  if (clean !== undefined) return { leader: clean, isr: targetIsr, unclean: false };
  if (uncleanLeaderElection) {
    const any = partition.replicas.find(usable);
    if (any !== undefined) return { leader: any, isr: [any], unclean: true };
  }
  return { leader: NO_LEADER, isr: targetIsr, unclean: false };
}

/** The PartitionChangeRecord that moves `partition` to (leader, isr), or null when nothing changes. */
export function changeRecord(topicId: string, partitionId: number, partition: PartitionRegistration, next: { leader: number; isr: readonly number[]; unclean?: boolean }): MetadataRecord | null {
  const isrChanged = !sameMembers(partition.isr, next.isr);
  const leaderChanged = partition.leader !== next.leader;
  if (!isrChanged && !leaderChanged) return null;
  return {
    type: 'PartitionChangeRecord', topicId, partitionId, isr: isrChanged ? [...next.isr] : null, leader: leaderChanged ? next.leader : LEADER_UNCHANGED,
    ...(next.unclean === true ? { leaderRecoveryState: 1 as const } : {}),
  };
}

export interface TopicPolicy {
  /** unclean.leader.election.enable for a topic (off by default). */
  readonly uncleanLeaderElection: (topicId: string) => boolean;
}

export const noUnclean: TopicPolicy = { uncleanLeaderElection: () => false };

/** Records for fencing a broker: it leaves every ISR (never emptying one), leaders move, then the fence itself. */
export function fenceBroker(image: MetadataImage, brokerId: number, policy: TopicPolicy = noUnclean): MetadataRecord[] {
  const broker = image.brokers[String(brokerId)];
  if (broker === undefined) return [];
  const usable = (id: number): boolean => id !== brokerId && image.brokers[String(id)]?.fenced === false;
  const records: MetadataRecord[] = [];
  for (const topic of Object.values(image.topics)) {
    topic.partitions.forEach((partition, partitionId) => {
      if (!partition.isr.includes(brokerId) && partition.leader !== brokerId) return;
      const without = partition.isr.filter((r) => r !== brokerId);
      const targetIsr = without.length === 0 ? partition.isr : without;
      const next = electLeader({ partition, targetIsr, usable, uncleanLeaderElection: policy.uncleanLeaderElection(topic.topicId) });
      const record = changeRecord(topic.topicId, partitionId, partition, next);
      if (record !== null) records.push(record);
    });
  }
  records.push({ type: 'BrokerRegistrationChangeRecord', brokerId, brokerEpoch: broker.brokerEpoch, fenced: 1 });
  return records;
}

/** Records for unfencing a broker: the unfence, then leaders for leaderless partitions it can lead. */
export function unfenceBroker(image: MetadataImage, brokerId: number, policy: TopicPolicy = noUnclean): MetadataRecord[] {
  const broker = image.brokers[String(brokerId)];
  if (broker === undefined) return [];
  const records: MetadataRecord[] = [{ type: 'BrokerRegistrationChangeRecord', brokerId, brokerEpoch: broker.brokerEpoch, fenced: -1 }];
  const usable = (id: number): boolean => id === brokerId || image.brokers[String(id)]?.fenced === false;
  for (const topic of Object.values(image.topics)) {
    topic.partitions.forEach((partition, partitionId) => {
      if (partition.leader !== NO_LEADER) return;
      const next = electLeader({ partition, targetIsr: partition.isr, usable, uncleanLeaderElection: policy.uncleanLeaderElection(topic.topicId) });
      const record = changeRecord(topic.topicId, partitionId, partition, next);
      if (record !== null) records.push(record);
    });
  }
  return records;
}

/**
 * Records that move leadership back to each partition's preferred replica (the first in replica
 * order) where that replica is in the ISR and unfenced (ReplicationControlManager's
 * maybeBalancePartitionLeaders with a PREFERRED election), at most `maxElections` of them.
 */
export function balancePartitionLeaders(image: MetadataImage, maxElections: number): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const topic of Object.values(image.topics)) {
    topic.partitions.forEach((partition, partitionId) => {
      const preferred = partition.replicas[0];
      if (records.length >= maxElections || preferred === undefined || partition.leader === preferred) return;
      if (!partition.isr.includes(preferred) || image.brokers[String(preferred)]?.fenced !== false) return;
      const record = changeRecord(topic.topicId, partitionId, partition, { leader: preferred, isr: partition.isr });
      if (record !== null) records.push(record);
    });
  }
  return records;
}

export interface AlterPartitionRequest {
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly topicId: string;
  readonly partitionIndex: number;
  readonly leaderEpoch: number;
  readonly newIsr: readonly number[];
  readonly partitionEpoch: number;
  /** KIP-903: the broker epoch of each ISR member as the leader saw it (-1: not checked). */
  readonly newIsrWithEpochs?: readonly { readonly brokerId: number; readonly brokerEpoch: number }[];
}

export type AlterPartitionResult =
  | { readonly error: 'NONE'; readonly record: MetadataRecord | null }
  | { readonly error: Exclude<ErrorName, 'NONE'> };

/** AlterPartition at the controller (ReplicationControlManager.alterPartition, validateAlterPartitionData). */
export function alterPartition(image: MetadataImage, request: AlterPartitionRequest): AlterPartitionResult {
  const broker = image.brokers[String(request.brokerId)];
  if (broker === undefined || broker.brokerEpoch !== request.brokerEpoch) return { error: 'STALE_BROKER_EPOCH' };
  const topic = image.topics[request.topicId];
  const partition = topic?.partitions[request.partitionIndex];
  if (topic === undefined || partition === undefined) return { error: 'UNKNOWN_TOPIC_OR_PARTITION' };
  // A higher epoch than the controller knows means this controller is behind: the leader should find the new one.
  if (request.leaderEpoch > partition.leaderEpoch || request.partitionEpoch > partition.partitionEpoch) return { error: 'NOT_CONTROLLER' };
  if (request.leaderEpoch < partition.leaderEpoch) return { error: 'FENCED_LEADER_EPOCH' };
  if (request.brokerId !== partition.leader) return { error: 'INVALID_REQUEST' };
  if (request.partitionEpoch < partition.partitionEpoch) return { error: 'INVALID_UPDATE_VERSION' };
  const isrValid = new Set(request.newIsr).size === request.newIsr.length && request.newIsr.every((r) => partition.replicas.includes(r));
  if (!isrValid || !request.newIsr.includes(partition.leader)) return { error: 'INVALID_REQUEST' };
  if (request.newIsr.some((r) => image.brokers[String(r)] === undefined || image.brokers[String(r)]?.fenced === true)) return { error: 'INELIGIBLE_REPLICA' };
  // ReplicationControlManager.ineligibleReplicasForIsr (KIP-903): a member whose broker epoch is not
  // its registration's is a previous incarnation of the broker (it restarted, and may have lost what
  // that incarnation had fetched): not eligible.
  if ((request.newIsrWithEpochs ?? []).some((e) => e.brokerEpoch !== -1 && image.brokers[String(e.brokerId)]?.brokerEpoch !== e.brokerEpoch)) return { error: 'INELIGIBLE_REPLICA' };
  return { error: 'NONE', record: changeRecord(request.topicId, request.partitionIndex, partition, { leader: partition.leader, isr: request.newIsr }) };
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
