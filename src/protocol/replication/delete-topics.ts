/**
 * DeleteTopics (api key 20): one topic per request here, named by name or by topic id (v6+), to
 * the active controller (ControllerApis.deleteTopics; QuorumController.findTopicIds resolves a
 * name, ReplicationControlManager.deleteTopic writes the RemoveTopicRecord).
 */
import * as t from 'io-ts';
import { int, nullable, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';

export const DeleteTopicsRequest = struct({
  type: t.literal('DeleteTopics'),
  correlationId: int,
  /** Exactly one of name and topicId is set. */
  name: nullable(t.string),
  topicId: nullable(t.string),
});
export type DeleteTopicsRequest = t.TypeOf<typeof DeleteTopicsRequest>;

export const DeleteTopicsResponse = struct({
  type: t.literal('DeleteTopicsResponse'),
  correlationId: int,
  /** The topic's name, null when it was named by an id the controller does not know. */
  name: nullable(t.string),
  /** '' when unknown. */
  topicId: t.string,
  errorCode: int,
  errorMessage: nullable(t.string),
});
export type DeleteTopicsResponse = t.TypeOf<typeof DeleteTopicsResponse>;

const named = (m: { name: string | null; topicId: string | null }): string => m.name ?? `id=${m.topicId ?? ''}`;

export const deleteTopicsSpecs = [
  messageSpec<DeleteTopicsRequest>({
    type: 'DeleteTopics', family: 'replication', kind: 'request', apiKey: 20, role: 'controller', pairedWith: 'DeleteTopicsResponse', codec: DeleteTopicsRequest,
    render: (m) => `DeleteTopics ${named(m)}`,
    errorResponse: (m, errorCode) => ({ type: 'DeleteTopicsResponse', correlationId: m.correlationId, name: m.name, topicId: m.topicId ?? '', errorCode, errorMessage: null }),
  }),
  messageSpec<DeleteTopicsResponse>({
    type: 'DeleteTopicsResponse', family: 'replication', kind: 'response', apiKey: 20, role: 'broker', pairedWith: 'DeleteTopics', codec: DeleteTopicsResponse,
    render: (m) => `DeleteTopicsResponse${renderError(m.errorCode)} ${named(m)}${m.errorCode === 0 ? '' : ` ${m.errorMessage ?? ''}`}`,
  }),
] as const;
