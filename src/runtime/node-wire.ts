/**
 * The node layer's messages between processes as Kafka request and response bodies: which API
 * and version each internal message travels as, and the mapping modules of src/protocol/*\/wire
 * that turn it into Kafka's message data and back. A table, one row per API; no Kafka rule is
 * decided here (a refusal is what the mapping module says Kafka's handler answers).
 *
 * Versions are the newest each side of kspec speaks (both ends are kspec): Fetch v16 carries the
 * replica id in ReplicaState and topics by id; the controller APIs their current versions.
 */
import * as quorum from '../protocol/quorum/wire/index.js';
import * as replication from '../protocol/replication/wire/index.js';
import { METADATA_TOPIC, METADATA_TOPIC_ID, type FromWire } from '../protocol/quorum/wire/index.js';
import type { BatchBytes, WireTopicIds } from '../protocol/replication/wire/index.js';
import type { ClusterMessage } from '../cluster/world.js';

export interface NodeWireContext {
  readonly clusterId: string;
  /** The local node's view of topic ids (its metadata image). */
  readonly topicIds: WireTopicIds;
  /** The log store's batch bytes (payload handles in, Kafka batches out). */
  readonly batches: BatchBytes;
  /** A broker's advertised listeners, for its registration. */
  readonly listeners?: readonly { name: string; host: string; port: number }[];
  /** Directory ids (Uuids) of the broker's log directories, for its registration. */
  readonly logDirs?: readonly string[];
}

/** How long a forwarded admin request may take at the controller (the client's own timeout is the gateway's). */
const FORWARDED_TIMEOUT_MS = 30_000;

export interface WireRequest {
  readonly apiKey: number;
  readonly version: number;
  readonly body: unknown;
}

/** The request as Kafka's body, or undefined when the message is no request kspec sends between processes. */
export function requestToWire(message: ClusterMessage, to: number, ctx: NodeWireContext): WireRequest | undefined {
  const voter = { clusterId: ctx.clusterId, voterId: to };
  switch (message.type) {
    case 'VoteRequest': return { apiKey: 52, version: 1, body: quorum.voteRequestToWire(message, voter) };
    case 'BeginQuorumEpochRequest': return { apiKey: 53, version: 1, body: quorum.beginQuorumEpochRequestToWire(message, voter) };
    case 'EndQuorumEpochRequest': return { apiKey: 54, version: 1, body: quorum.endQuorumEpochRequestToWire(message, voter) };
    case 'FetchRequest': return { apiKey: 1, version: 16, body: quorum.fetchRequestToWire(message, 16, { clusterId: ctx.clusterId }) };
    case 'Fetch': return { apiKey: 1, version: 16, body: replication.replicaFetchRequestToWire(message, 16, ctx.topicIds) };
    case 'BrokerRegistration': return { apiKey: 62, version: 4, body: replication.brokerRegistrationRequestToWire(message, { clusterId: ctx.clusterId, listeners: ctx.listeners ?? [], logDirs: ctx.logDirs ?? [] }) };
    case 'BrokerHeartbeat': return { apiKey: 63, version: 1, body: replication.brokerHeartbeatRequestToWire(message) };
    case 'AllocateProducerIds': return { apiKey: 67, version: 0, body: replication.allocateProducerIdsRequestToWire(message) };
    case 'AlterPartition': return { apiKey: 56, version: 3, body: replication.alterPartitionRequestToWire({ ...message, topicId: ctx.topicIds.toWire(message.topicId) }, 3) };
    case 'CreateTopics': return { apiKey: 19, version: replication.FORWARDED_CREATE_TOPICS_VERSION, body: replication.createTopicsRequestToWire(message, FORWARDED_TIMEOUT_MS) };
    case 'DeleteTopics': return { apiKey: 20, version: replication.FORWARDED_DELETE_TOPICS_VERSION, body: replication.deleteTopicsRequestToWire(message, FORWARDED_TIMEOUT_MS, ctx.topicIds) };
    default: return undefined;
  }
}

/** Which of the two Fetch families a Fetch body is: the quorum's (the metadata partition) or a replica's. */
export function isQuorumFetch(body: { topics: readonly { topic: string; topicId: string }[] }): boolean {
  const topic = body.topics[0];
  return topic !== undefined && (topic.topic === METADATA_TOPIC || topic.topicId === METADATA_TOPIC_ID);
}

/** A request body read off the wire, as the node layer's message (the correlation id is the header's). */
export function requestFromWire(apiKey: number, version: number, correlationId: number, body: unknown, ctx: NodeWireContext): FromWire<ClusterMessage> | undefined {
  const own = { clusterId: ctx.clusterId };
  const header = { version, correlationId };
  switch (apiKey) {
    case 52: return quorum.voteRequestFromWire(body as never, own);
    case 53: return quorum.beginQuorumEpochRequestFromWire(body as never, own);
    case 54: return quorum.endQuorumEpochRequestFromWire(body as never, version, own);
    case 1: return isQuorumFetch(body as never) ? quorum.fetchRequestFromWire(body as never, header, own) : replication.replicaFetchRequestFromWire(body as never, header, ctx.topicIds);
    case 62: return replication.brokerRegistrationRequestFromWire(body as never, correlationId, own);
    case 63: return replication.brokerHeartbeatRequestFromWire(body as never, correlationId);
    case 67: return replication.allocateProducerIdsRequestFromWire(body as never, correlationId);
    case 56: return withModelTopicId(replication.alterPartitionRequestFromWire(body as never, header, topicNameOf(ctx)), ctx);
    case 19: return replication.createTopicsRequestFromWire(body as never, correlationId);
    case 20: return replication.deleteTopicsRequestFromWire(body as never, correlationId, ctx.topicIds);
    default: return undefined;
  }
}

/** The node's answer as Kafka's response body. */
export function responseToWire(message: ClusterMessage, ctx: NodeWireContext): unknown {
  switch (message.type) {
    case 'VoteResponse': return quorum.voteResponseToWire(message);
    case 'BeginQuorumEpochResponse': return quorum.beginQuorumEpochResponseToWire(message);
    case 'EndQuorumEpochResponse': return quorum.endQuorumEpochResponseToWire(message);
    case 'FetchResponse': return 'topicId' in message ? replication.replicaFetchResponseToWire(message, ctx.topicIds, ctx.batches) : quorum.fetchResponseToWire(message);
    case 'BrokerRegistrationResponse': return replication.brokerRegistrationResponseToWire(message);
    case 'BrokerHeartbeatResponse': return replication.brokerHeartbeatResponseToWire(message);
    case 'AllocateProducerIdsResponse': return replication.allocateProducerIdsResponseToWire(message);
    case 'AlterPartitionResponse': return replication.alterPartitionResponseToWire({ ...message, topicId: ctx.topicIds.toWire(message.topicId) });
    case 'CreateTopicsResponse': return replication.createTopicsResponseToWire(message, ctx.topicIds);
    case 'DeleteTopicsResponse': return replication.deleteTopicsResponseToWire(message, ctx.topicIds);
    default: throw new Error(`${message.type} is no answer kspec sends between processes`);
  }
}

/**
 * The answer to a request the mapping refused, where Kafka's response has a top-level error code
 * for it (the quorum's handlers, Fetch, the controller's APIs); undefined: close the connection.
 */
export function refusalToWire(apiKey: number, errorCode: number, body?: unknown): unknown {
  // KafkaApis.handleFetchRequest: a partition whose topic id the leader does not know yet (the
  // follower heard of the topic first) is answered with UNKNOWN_TOPIC_ID for that partition, not
  // for the whole request, so the follower's fetcher backs off and fetches it again.
  if (apiKey === 1 && body !== undefined && !isQuorumFetch(body as never)) {
    const partitionError = replication.replicaFetchPartitionRefusalToWire(body as never, errorCode);
    if (partitionError !== undefined) return partitionError;
  }
  switch (apiKey) {
    case 52: return quorum.voteRefusalToWire(errorCode);
    case 53: return quorum.beginQuorumEpochRefusalToWire(errorCode);
    case 54: return quorum.endQuorumEpochRefusalToWire(errorCode);
    case 1: return quorum.fetchRefusalToWire(errorCode);
    case 62: return { throttleTimeMs: 0, errorCode, brokerEpoch: -1n };
    case 63: return { throttleTimeMs: 0, errorCode, isCaughtUp: false, isFenced: true, shouldShutDown: false };
    case 67: return { throttleTimeMs: 0, errorCode, producerIdStart: -1n, producerIdLen: 0 };
    case 56: return { throttleTimeMs: 0, errorCode, topics: [] };
    default: return undefined;
  }
}

/** What the sender remembers of a request it sent, to read the answer. */
export interface SentRequest {
  readonly apiKey: number;
  readonly version: number;
  /** The sending machine's own correlation id (the wire's is the transport's). */
  readonly correlationId: number | undefined;
  readonly quorumFetch: boolean;
}

export function responseFromWire(sent: SentRequest, body: unknown, ctx: NodeWireContext): FromWire<ClusterMessage> {
  const correlationId = sent.correlationId ?? -1;
  switch (sent.apiKey) {
    case 52: return quorum.voteResponseFromWire(body as never);
    case 53: return quorum.beginQuorumEpochResponseFromWire(body as never);
    case 54: return quorum.endQuorumEpochResponseFromWire(body as never);
    case 1: return sent.quorumFetch ? quorum.fetchResponseFromWire(body as never, correlationId) : replication.replicaFetchResponseFromWire(body as never, correlationId, ctx.topicIds, ctx.batches);
    case 62: return replication.brokerRegistrationResponseFromWire(body as never, correlationId);
    case 63: return replication.brokerHeartbeatResponseFromWire(body as never, correlationId);
    case 67: return replication.allocateProducerIdsResponseFromWire(body as never, correlationId);
    case 56: return withModelTopicId(replication.alterPartitionResponseFromWire(body as never, correlationId, topicNameOf(ctx)), ctx);
    case 19: return replication.createTopicsResponseFromWire(body as never, correlationId, ctx.topicIds);
    case 20: return replication.deleteTopicsResponseFromWire(body as never, correlationId, ctx.topicIds);
    default: throw new Error(`api key ${sent.apiKey} is no request kspec sends between processes`);
  }
}

function topicNameOf(ctx: NodeWireContext): (wireTopicId: string) => string | undefined {
  return (wireTopicId) => ctx.topicIds.fromWire(wireTopicId)?.topic;
}

/** AlterPartition's mapping names the topic by the wire Uuid; the machines know it by the model's id. */
function withModelTopicId<M extends ClusterMessage & { topicId: string }>(result: FromWire<M>, ctx: NodeWireContext): FromWire<M> {
  if (!result.ok) return result;
  const topicId = ctx.topicIds.fromWire(result.message.topicId)?.topicId ?? result.message.topicId;
  return { ok: true, message: { ...result.message, topicId } };
}
