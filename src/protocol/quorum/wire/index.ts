/**
 * The quorum's messages on Kafka's wire: one module per API (Vote, BeginQuorumEpoch,
 * EndQuorumEpoch, Fetch), each mapping the quorum machine's message to Kafka's generated message
 * data and back, field by field. `kspec node` speaks these between processes.
 */
export * from './partition.js';
export * from './vote.js';
export * from './begin-quorum-epoch.js';
export * from './end-quorum-epoch.js';
export * from './fetch.js';
export { encodeMetadataRecords, decodeMetadataRecords } from './metadata-records.js';
export type { VoteRequestData as VoteRequestWire } from '../../wire/generated/VoteRequest.js';
export type { VoteResponseData as VoteResponseWire } from '../../wire/generated/VoteResponse.js';
export type { BeginQuorumEpochRequestData as BeginQuorumEpochRequestWire } from '../../wire/generated/BeginQuorumEpochRequest.js';
export type { BeginQuorumEpochResponseData as BeginQuorumEpochResponseWire } from '../../wire/generated/BeginQuorumEpochResponse.js';
export type { EndQuorumEpochRequestData as EndQuorumEpochRequestWire } from '../../wire/generated/EndQuorumEpochRequest.js';
export type { EndQuorumEpochResponseData as EndQuorumEpochResponseWire } from '../../wire/generated/EndQuorumEpochResponse.js';
export type { FetchRequestData as FetchRequestWire } from '../../wire/generated/FetchRequest.js';
export type { FetchResponseData as FetchResponseWire } from '../../wire/generated/FetchResponse.js';
