/** CreateTopics (api key 19): one topic per request here, with its partition count, replication factor and configs. */
import * as t from 'io-ts';
import { int, nullable, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';

export const CreateTopicsRequest = struct({
  type: t.literal('CreateTopics'),
  correlationId: int,
  name: t.string,
  numPartitions: int,
  replicationFactor: int,
  configs: t.readonly(t.record(t.string, t.string)),
});
export type CreateTopicsRequest = t.TypeOf<typeof CreateTopicsRequest>;

export const CreateTopicsResponse = struct({
  type: t.literal('CreateTopicsResponse'),
  correlationId: int,
  name: t.string,
  errorCode: int,
  errorMessage: nullable(t.string),
  topicId: t.string,
});
export type CreateTopicsResponse = t.TypeOf<typeof CreateTopicsResponse>;

export const createTopicsSpecs = [
  messageSpec<CreateTopicsRequest>({
    type: 'CreateTopics', family: 'replication', kind: 'request', apiKey: 19, role: 'controller', pairedWith: 'CreateTopicsResponse', codec: CreateTopicsRequest,
    render: (m) => `CreateTopics ${m.name} partitions=${m.numPartitions} rf=${m.replicationFactor}`,
    errorResponse: (m, errorCode) => ({ type: 'CreateTopicsResponse', correlationId: m.correlationId, name: m.name, errorCode, errorMessage: null, topicId: '' }),
  }),
  messageSpec<CreateTopicsResponse>({
    type: 'CreateTopicsResponse', family: 'replication', kind: 'response', apiKey: 19, role: 'broker', pairedWith: 'CreateTopics', codec: CreateTopicsResponse,
    render: (m) => `CreateTopicsResponse${renderError(m.errorCode)} ${m.name}${m.errorCode === 0 ? ` id=${m.topicId}` : ` ${m.errorMessage ?? ''}`}`,
  }),
] as const;
