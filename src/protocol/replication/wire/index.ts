/**
 * The node layer's broker-to-controller messages on Kafka's wire, one module per API, each mapping
 * the machine's message to Kafka's generated message data and back, field by field.
 * BrokerRegistration and the replicas' Fetch are not mapped yet (docs/live.md).
 */
export * from './broker-heartbeat.js';
export * from './allocate-producer-ids.js';
export type { BrokerHeartbeatRequestData as BrokerHeartbeatRequestWire } from '../../wire/generated/BrokerHeartbeatRequest.js';
export type { BrokerHeartbeatResponseData as BrokerHeartbeatResponseWire } from '../../wire/generated/BrokerHeartbeatResponse.js';
export type { AllocateProducerIdsRequestData as AllocateProducerIdsRequestWire } from '../../wire/generated/AllocateProducerIdsRequest.js';
export type { AllocateProducerIdsResponseData as AllocateProducerIdsResponseWire } from '../../wire/generated/AllocateProducerIdsResponse.js';
export * from './alter-partition.js';
export type { AlterPartitionRequestData as AlterPartitionRequestWire } from '../../wire/generated/AlterPartitionRequest.js';
export type { AlterPartitionResponseData as AlterPartitionResponseWire } from '../../wire/generated/AlterPartitionResponse.js';
