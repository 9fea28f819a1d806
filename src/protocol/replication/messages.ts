/**
 * The data-plane and broker-to-controller messages of the replication model, with the fields of
 * Kafka's schemas (Fetch v13+, Produce, ListOffsets, OffsetForLeaderEpoch, AlterPartition v3,
 * BrokerRegistration, BrokerHeartbeat, CreateTopics, Metadata). One partition per request: Kafka
 * batches many partitions into one Fetch or Produce, which changes message counts, not rules.
 *
 * Every message names the partition by topic id and index; `correlationId` pairs a response with
 * its request, as on the wire.
 */
import type { RecordBatch } from '../../log/partition-log.js';
import type { MetadataRecord, PartitionRegistration } from '../../machines/controller/metadata.js';

export interface PartitionAddress {
  readonly topic: string;
  readonly topicId: string;
  readonly partition: number;
}

/** Fetch: followers (replicaId = broker id, with its broker epoch) and consumers (replicaId -1). */
export interface FetchRequest extends PartitionAddress {
  readonly type: 'Fetch';
  readonly correlationId: number;
  readonly replicaId: number;
  readonly replicaEpoch: number;
  /** -1: not checked (consumers before KIP-320, and the pre-KIP-320 variants). */
  readonly currentLeaderEpoch: number;
  readonly fetchOffset: number;
  /** -1: no divergence check. */
  readonly lastFetchedEpoch: number;
  readonly logStartOffset: number;
}

export interface FetchResponse extends PartitionAddress {
  readonly type: 'FetchResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly divergingEpoch: { readonly epoch: number; readonly endOffset: number } | null;
  readonly currentLeader: { readonly leaderId: number; readonly leaderEpoch: number } | null;
  readonly batches: readonly RecordBatch[];
}

/** OffsetForLeaderEpoch (KIP-101): the end offset of a leader epoch in the answering replica's log. */
export interface OffsetForLeaderEpochRequest extends PartitionAddress {
  readonly type: 'OffsetForLeaderEpoch';
  readonly correlationId: number;
  readonly replicaId: number;
  readonly currentLeaderEpoch: number;
  readonly leaderEpoch: number;
}

export interface OffsetForLeaderEpochResponse extends PartitionAddress {
  readonly type: 'OffsetForLeaderEpochResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly leaderEpoch: number;
  readonly endOffset: number;
}

export interface ProduceRequest extends PartitionAddress {
  readonly type: 'Produce';
  readonly correlationId: number;
  /** 0, 1 or -1 (all). */
  readonly acks: number;
  readonly timeoutMs: number;
  /** A null value is a tombstone (compacted topics such as __consumer_offsets). */
  readonly records: readonly { readonly key: string | null; readonly value: string | null }[];
  /** The record batch's producer fields (absent, or -1: not an idempotent producer). */
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
}

export interface ProduceResponse extends PartitionAddress {
  readonly type: 'ProduceResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly baseOffset: number;
  readonly logStartOffset: number;
}

/** ListOffsets timestamps: -2 earliest, -1 latest, else the first offset with a timestamp at least this. */
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export interface ListOffsetsRequest extends PartitionAddress {
  readonly type: 'ListOffsets';
  readonly correlationId: number;
  readonly currentLeaderEpoch: number;
  readonly timestamp: number;
}

export interface ListOffsetsResponse extends PartitionAddress {
  readonly type: 'ListOffsetsResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly leaderEpoch: number;
}

export interface AlterPartitionRequest extends PartitionAddress {
  readonly type: 'AlterPartition';
  readonly correlationId: number;
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly leaderEpoch: number;
  readonly newIsr: readonly number[];
  readonly partitionEpoch: number;
}

export interface AlterPartitionResponse extends PartitionAddress {
  readonly type: 'AlterPartitionResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly partitionEpoch: number;
}

export interface BrokerRegistrationRequest {
  readonly type: 'BrokerRegistration';
  readonly correlationId: number;
  readonly brokerId: number;
  readonly incarnationId: string;
  readonly rack: string | null;
}

export interface BrokerRegistrationResponse {
  readonly type: 'BrokerRegistrationResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly brokerEpoch: number;
}

export interface BrokerHeartbeatRequest {
  readonly type: 'BrokerHeartbeat';
  readonly correlationId: number;
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly currentMetadataOffset: number;
  readonly wantFence: boolean;
}

export interface BrokerHeartbeatResponse {
  readonly type: 'BrokerHeartbeatResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly isCaughtUp: boolean;
  readonly isFenced: boolean;
}

export interface CreateTopicsRequest {
  readonly type: 'CreateTopics';
  readonly correlationId: number;
  readonly name: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface CreateTopicsResponse {
  readonly type: 'CreateTopicsResponse';
  readonly correlationId: number;
  readonly name: string;
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly topicId: string;
}

export interface MetadataRequest {
  readonly type: 'Metadata';
  readonly correlationId: number;
}

export interface MetadataResponse {
  readonly type: 'MetadataResponse';
  readonly correlationId: number;
  readonly controllerId: number;
  readonly topics: readonly { readonly name: string; readonly topicId: string; readonly partitions: readonly PartitionRegistration[] }[];
}

/** InitProducerId for an idempotent producer (transactionalId null): a fresh producer id, epoch 0. */
export interface InitProducerIdRequest {
  readonly type: 'InitProducerId';
  readonly correlationId: number;
  readonly transactionalId: string | null;
  readonly transactionTimeoutMs: number;
  /** -1/-1 for a new producer (KIP-360 lets a producer name its current id and epoch). */
  readonly producerId: number;
  readonly producerEpoch: number;
}

export interface InitProducerIdResponse {
  readonly type: 'InitProducerIdResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly producerId: number;
  readonly producerEpoch: number;
}

/** Broker to controller: lease the next block of producer ids (KIP-730). */
export interface AllocateProducerIdsRequest {
  readonly type: 'AllocateProducerIds';
  readonly correlationId: number;
  readonly brokerId: number;
  readonly brokerEpoch: number;
}

export interface AllocateProducerIdsResponse {
  readonly type: 'AllocateProducerIdsResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly producerIdStart: number;
  readonly producerIdLen: number;
}

export type BrokerRequest = FetchRequest | OffsetForLeaderEpochRequest | ProduceRequest | ListOffsetsRequest;
export type PartitionResponse = FetchResponse | OffsetForLeaderEpochResponse | AlterPartitionResponse;
export type ControllerRequest = AlterPartitionRequest | BrokerRegistrationRequest | BrokerHeartbeatRequest | CreateTopicsRequest;

export type ReplicationMessage =
  | FetchRequest | FetchResponse | OffsetForLeaderEpochRequest | OffsetForLeaderEpochResponse
  | ProduceRequest | ProduceResponse | ListOffsetsRequest | ListOffsetsResponse
  | AlterPartitionRequest | AlterPartitionResponse
  | BrokerRegistrationRequest | BrokerRegistrationResponse | BrokerHeartbeatRequest | BrokerHeartbeatResponse
  | CreateTopicsRequest | CreateTopicsResponse | MetadataRequest | MetadataResponse
  | InitProducerIdRequest | InitProducerIdResponse | AllocateProducerIdsRequest | AllocateProducerIdsResponse;

/** How a metadata record travels in the quorum's log: one controller decision per entry. */
export interface MetadataEntry {
  /** The proposing controller's id for the decision, so it can answer once it commits. */
  readonly id: string;
  readonly records: readonly MetadataRecord[];
}

export const partitionKey = (address: { topic: string; partition: number }): string => `${address.topic}-${address.partition}`;
