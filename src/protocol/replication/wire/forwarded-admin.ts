/**
 * CreateTopics (api key 19) and DeleteTopics (api key 20) as a broker hands a client's admin
 * request to the active controller (KRaft brokers forward them: ForwardingManager, then
 * ControllerApis.handleCreateTopics / handleDeleteTopics), one topic per request as the model
 * sends them. The machine's correlationId is the request header's.
 *
 * The model names a topic by its own id (`orders~k3x9`); a DeleteTopics by id carries the wire
 * Uuid, resolved by the receiver's metadata (`WireTopicIds`); the CreateTopics answer carries the
 * controller's id for the topic, which the broker's metadata learns with the topic's record.
 */
import type { CreateTopicsRequestData } from '../../wire/generated/CreateTopicsRequest.js';
import type { CreateTopicsResponseData } from '../../wire/generated/CreateTopicsResponse.js';
import type { DeleteTopicsRequestData } from '../../wire/generated/DeleteTopicsRequest.js';
import type { DeleteTopicsResponseData } from '../../wire/generated/DeleteTopicsResponse.js';
import { ZERO_UUID } from '../../wire/uuid.js';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../create-topics.js';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../delete-topics.js';
import { accepted, refused, type FromWire } from '../../quorum/wire/partition.js';
import type { WireTopicIds } from './replica-fetch.js';
import { WIRE_TOPIC_ID_PREFIX } from '../../wire-topic-id.js';

/** The model's id as a Uuid; a client's Uuid the broker forwarded unresolved goes back as it came. */
function topicUuid(topicId: string, topicIds: Pick<WireTopicIds, 'toWire'>): string {
  return topicId.startsWith(WIRE_TOPIC_ID_PREFIX) ? topicId.slice(WIRE_TOPIC_ID_PREFIX.length) : topicIds.toWire(topicId);
}

/** CreateTopics v5 (KIP-525) answers with the topic's configs and counts; v7 (KIP-516) with its id. */
export const FORWARDED_CREATE_TOPICS_VERSION = 7;
/** DeleteTopics v6 (KIP-516) names topics by id or name. */
export const FORWARDED_DELETE_TOPICS_VERSION = 6;

export function createTopicsRequestToWire(m: CreateTopicsRequest, timeoutMs: number): CreateTopicsRequestData {
  return {
    topics: [{
      name: m.name, numPartitions: m.numPartitions, replicationFactor: m.replicationFactor, assignments: [],
      configs: Object.entries(m.configs).map(([name, value]) => ({ name, value })),
    }],
    timeoutMs, validateOnly: false,
  };
}

export function createTopicsRequestFromWire(data: CreateTopicsRequestData, correlationId: number): FromWire<CreateTopicsRequest> {
  const only = data.topics[0];
  if (data.topics.length !== 1 || only === undefined) return refused('INVALID_REQUEST', 'one topic per forwarded CreateTopics, as the model sends them');
  if (data.validateOnly) return refused('INVALID_REQUEST', 'validateOnly is not modelled');
  if (only.assignments.length > 0) return refused('INVALID_REQUEST', 'manual replica assignments are not modelled');
  const configs: Record<string, string> = {};
  for (const c of only.configs) if (c.value !== null) configs[c.name] = c.value;
  return accepted({ type: 'CreateTopics', correlationId, name: only.name, numPartitions: only.numPartitions, replicationFactor: only.replicationFactor, configs });
}

/** The topic id travels as the model's id inside the answer (the broker's metadata names the topic the same way). */
export function createTopicsResponseToWire(m: CreateTopicsResponse, topicIds: Pick<WireTopicIds, 'toWire'>): CreateTopicsResponseData {
  return {
    throttleTimeMs: 0,
    topics: [{
      name: m.name, topicId: m.topicId === '' ? ZERO_UUID : topicIds.toWire(m.topicId), errorCode: m.errorCode, errorMessage: m.errorMessage,
      topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: null,
    }],
  };
}

/**
 * The id comes back as the model's id when the receiver's metadata already holds the topic, else
 * as '' (unknown): the broker's gateway looks the topic up by name once its metadata catches up.
 */
export function createTopicsResponseFromWire(data: CreateTopicsResponseData, correlationId: number, topicIds: WireTopicIds): FromWire<CreateTopicsResponse> {
  const only = data.topics[0];
  if (data.topics.length !== 1 || only === undefined) return refused('INVALID_REQUEST', 'one topic per forwarded CreateTopics answer');
  const topicId = only.topicId === ZERO_UUID ? '' : (topicIds.fromWire(only.topicId)?.topicId ?? '');
  return accepted({ type: 'CreateTopicsResponse', correlationId, name: only.name, errorCode: only.errorCode, errorMessage: only.errorMessage, topicId });
}

export function deleteTopicsRequestToWire(m: DeleteTopicsRequest, timeoutMs: number, topicIds: Pick<WireTopicIds, 'toWire'>): DeleteTopicsRequestData {
  return { topics: [{ name: m.name, topicId: m.topicId === null ? ZERO_UUID : topicUuid(m.topicId, topicIds) }], topicNames: [], timeoutMs };
}

export function deleteTopicsRequestFromWire(data: DeleteTopicsRequestData, correlationId: number, topicIds: WireTopicIds): FromWire<DeleteTopicsRequest> {
  const only = data.topics[0];
  if (data.topics.length !== 1 || only === undefined) return refused('INVALID_REQUEST', 'one topic per forwarded DeleteTopics, as the model sends them');
  if (only.topicId === ZERO_UUID) return accepted({ type: 'DeleteTopics', correlationId, name: only.name, topicId: null });
  // A Uuid the receiver does not know yet goes on as the client's Uuid: the controller resolves it (QuorumController.findTopicNames).
  const topicId = topicIds.fromWire(only.topicId)?.topicId ?? `${WIRE_TOPIC_ID_PREFIX}${only.topicId}`;
  return accepted({ type: 'DeleteTopics', correlationId, name: only.name, topicId });
}

export function deleteTopicsResponseToWire(m: DeleteTopicsResponse, topicIds: Pick<WireTopicIds, 'toWire'>): DeleteTopicsResponseData {
  return { throttleTimeMs: 0, responses: [{ name: m.name, topicId: m.topicId === '' ? ZERO_UUID : topicIds.toWire(m.topicId), errorCode: m.errorCode, errorMessage: m.errorMessage }] };
}

export function deleteTopicsResponseFromWire(data: DeleteTopicsResponseData, correlationId: number, topicIds: WireTopicIds): FromWire<DeleteTopicsResponse> {
  const only = data.responses[0];
  if (data.responses.length !== 1 || only === undefined) return refused('INVALID_REQUEST', 'one topic per forwarded DeleteTopics answer');
  const topicId = only.topicId === ZERO_UUID ? '' : (topicIds.fromWire(only.topicId)?.topicId ?? '');
  return accepted({ type: 'DeleteTopicsResponse', correlationId, name: only.name, topicId, errorCode: only.errorCode, errorMessage: only.errorMessage });
}
