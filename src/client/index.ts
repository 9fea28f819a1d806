/** kspec's own wire client (src/client/): what the conformance checks need, not a full client. */
export { KafkaClient, ApiKey, apiVersionsFrame, decodeApiVersions, type ClusterMetadata, type TopicMetadata, type PartitionMetadata, type Endpoint, type VersionRange, type ClientOptions } from './client.js';
export { BrokerConnection, type Response } from './connection.js';
export { requestBody, type Partial } from './body.js';
export { ConnectError, RequestTimeoutError, DisconnectedError, ResponseDecodeError, UnsupportedApiError, isIndefinite } from './errors.js';
