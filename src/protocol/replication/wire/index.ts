/**
 * The node layer's broker-to-controller messages on Kafka's wire, one module per API, each mapping
 * the machine's message to Kafka's generated message data and back, field by field: to the
 * controller (BrokerRegistration, BrokerHeartbeat, AllocateProducerIds, AlterPartition, forwarded CreateTopics
 * and DeleteTopics) and between brokers (the replicas' Fetch).
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
export * from './broker-registration.js';
export * from './replica-fetch.js';
export * from './forwarded-admin.js';
export type { BrokerRegistrationRequestData as BrokerRegistrationRequestWire } from '../../wire/generated/BrokerRegistrationRequest.js';
export type { BrokerRegistrationResponseData as BrokerRegistrationResponseWire } from '../../wire/generated/BrokerRegistrationResponse.js';
