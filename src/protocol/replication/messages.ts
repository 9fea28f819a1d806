/**
 * The data-plane and broker-to-controller messages of the replication model, with the fields of
 * Kafka's schemas (Fetch v13+, Produce, ListOffsets, OffsetForLeaderEpoch, AlterPartition v3,
 * BrokerRegistration, BrokerHeartbeat, CreateTopics, DeleteTopics, Metadata, InitProducerId, AllocateProducerIds).
 * One partition per request: Kafka batches many partitions into one Fetch or Produce, which changes
 * message counts, not rules. Each API is its own module (codec, type, renderer, error response,
 * role); this one gathers their types.
 *
 * Every message names the partition by topic id and index; `correlationId` pairs a response with
 * its request, as on the wire.
 */
import type { AllocateProducerIdsRequest, AllocateProducerIdsResponse } from './allocate-producer-ids.js';
import type { AlterPartitionRequest, AlterPartitionResponse } from './alter-partition.js';
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse } from './broker-heartbeat.js';
import type { BrokerRegistrationRequest, BrokerRegistrationResponse } from './broker-registration.js';
import type { CreateTopicsRequest, CreateTopicsResponse } from './create-topics.js';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from './delete-topics.js';
import type { FetchRequest, FetchResponse } from './fetch.js';
import type { InitProducerIdRequest, InitProducerIdResponse } from './init-producer-id.js';
import type { ListOffsetsRequest, ListOffsetsResponse } from './list-offsets.js';
import type { MetadataRequest, MetadataResponse } from './metadata.js';
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from './offset-for-leader-epoch.js';
import type { ProduceRequest, ProduceResponse } from './produce.js';

export type { AllocateProducerIdsRequest, AllocateProducerIdsResponse } from './allocate-producer-ids.js';
export type { AlterPartitionRequest, AlterPartitionResponse } from './alter-partition.js';
export type { BrokerHeartbeatRequest, BrokerHeartbeatResponse } from './broker-heartbeat.js';
export type { BrokerRegistrationRequest, BrokerRegistrationResponse } from './broker-registration.js';
export type { CreateTopicsRequest, CreateTopicsResponse } from './create-topics.js';
export type { DeleteTopicsRequest, DeleteTopicsResponse } from './delete-topics.js';
export type { FetchRequest, FetchResponse } from './fetch.js';
export type { InitProducerIdRequest, InitProducerIdResponse } from './init-producer-id.js';
export { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type ListOffsetsRequest, type ListOffsetsResponse } from './list-offsets.js';
export type { MetadataRequest, MetadataResponse } from './metadata.js';
export type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from './offset-for-leader-epoch.js';
export type { ProduceRequest, ProduceResponse } from './produce.js';
export type { MetadataEntry } from '../metadata/records.js';

export interface PartitionAddress {
  readonly topic: string;
  readonly topicId: string;
  readonly partition: number;
}

export type ReplicationMessage =
  | FetchRequest | FetchResponse | OffsetForLeaderEpochRequest | OffsetForLeaderEpochResponse
  | ProduceRequest | ProduceResponse | ListOffsetsRequest | ListOffsetsResponse
  | AlterPartitionRequest | AlterPartitionResponse
  | BrokerRegistrationRequest | BrokerRegistrationResponse | BrokerHeartbeatRequest | BrokerHeartbeatResponse
  | CreateTopicsRequest | CreateTopicsResponse | DeleteTopicsRequest | DeleteTopicsResponse | MetadataRequest | MetadataResponse
  | InitProducerIdRequest | InitProducerIdResponse | AllocateProducerIdsRequest | AllocateProducerIdsResponse;

export const partitionKey = (address: { topic: string; partition: number }): string => `${address.topic}-${address.partition}`;
