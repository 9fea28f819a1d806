/**
 * What every quorum API shares on the wire: the one partition the KRaft quorum replicates
 * (`__cluster_metadata-0`, topic id Uuid.METADATA_TOPIC_ID), the cluster id check, and the
 * refusals KafkaRaftClient answers before it reads a request's partition (handleVoteRequest,
 * handleBeginQuorumEpochRequest, handleEndQuorumEpochRequest, handleFetchRequest: an inconsistent
 * cluster id is INCONSISTENT_CLUSTER_ID, anything but exactly that one partition INVALID_REQUEST).
 */
import { errorCode } from '../../errors.js';

/** Topic.CLUSTER_METADATA_TOPIC_NAME */
export const METADATA_TOPIC = '__cluster_metadata';
export const METADATA_PARTITION = 0;
/** Uuid.METADATA_TOPIC_ID: the uuid 0/1 as Kafka's base64 text. */
export const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

/** A wire message the node layer cannot take: answer it (or drop the answer) with this error. */
export interface QuorumWireRefusal {
  readonly ok: false;
  readonly errorCode: number;
  readonly reason: string;
}

export type FromWire<T> = { readonly ok: true; readonly message: T } | QuorumWireRefusal;

export const accepted = <T>(message: T): FromWire<T> => ({ ok: true, message });

export function refused(name: 'INCONSISTENT_CLUSTER_ID' | 'INVALID_REQUEST', reason: string): QuorumWireRefusal {
  return { ok: false, errorCode: errorCode(name), reason };
}

/** KafkaRaftClient.hasValidClusterId: a request without a cluster id is taken (older senders), a different one is not. */
export function clusterIdProblem(clusterId: string | null, ownClusterId: string): QuorumWireRefusal | undefined {
  if (clusterId === null || clusterId === ownClusterId) return undefined;
  return refused('INCONSISTENT_CLUSTER_ID', `cluster id ${clusterId}, this quorum's is ${ownClusterId}`);
}

interface TopicOf<P> {
  readonly topicName?: string;
  readonly topic?: string;
  readonly topicId?: string;
  readonly partitions: readonly P[];
}

/**
 * RaftUtil.hasValidTopicPartition: exactly one topic holding exactly the metadata partition (by
 * name, or by topic id where the version carries one).
 */
export function onlyMetadataPartition<P extends { partitionIndex?: number; partition?: number }>(topics: readonly TopicOf<P>[]): P | QuorumWireRefusal {
  const topic = topics[0];
  if (topics.length !== 1 || topic === undefined || topic.partitions.length !== 1) return refused('INVALID_REQUEST', `${topics.length} topic(s); the quorum serves one partition, ${METADATA_TOPIC}-${METADATA_PARTITION}`);
  const name = topic.topicName ?? topic.topic ?? '';
  const byId = topic.topicId !== undefined && topic.topicId === METADATA_TOPIC_ID;
  if (name !== METADATA_TOPIC && !byId) return refused('INVALID_REQUEST', `topic '${name}' is not ${METADATA_TOPIC}`);
  const partition = topic.partitions[0] as P;
  const index = partition.partitionIndex ?? partition.partition;
  if (index !== METADATA_PARTITION) return refused('INVALID_REQUEST', `partition ${index} is not ${METADATA_PARTITION}`);
  return partition;
}

export const isRefusal = (value: unknown): value is QuorumWireRefusal => typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;

/** An int64 from the wire as the model's safe integer, or a refusal. */
export function safeOffset(value: bigint, field: string): number | QuorumWireRefusal {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return refused('INVALID_REQUEST', `${field} ${value} is beyond 2^53`);
  return Number(value);
}
