/** AllocateProducerIds (api key 67, KIP-730): a broker leases the next block of producer ids from the controller. */
import * as t from 'io-ts';
import { int, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';

export const AllocateProducerIdsRequest = struct({
  type: t.literal('AllocateProducerIds'),
  correlationId: int,
  brokerId: int,
  brokerEpoch: int,
});
export type AllocateProducerIdsRequest = t.TypeOf<typeof AllocateProducerIdsRequest>;

export const AllocateProducerIdsResponse = struct({
  type: t.literal('AllocateProducerIdsResponse'),
  correlationId: int,
  errorCode: int,
  producerIdStart: int,
  producerIdLen: int,
});
export type AllocateProducerIdsResponse = t.TypeOf<typeof AllocateProducerIdsResponse>;

export const allocateProducerIdsSpecs = [
  messageSpec<AllocateProducerIdsRequest>({
    type: 'AllocateProducerIds', family: 'replication', kind: 'request', apiKey: 67, role: 'controller', pairedWith: 'AllocateProducerIdsResponse', codec: AllocateProducerIdsRequest,
    render: (m) => `AllocateProducerIds broker=${m.brokerId} epoch=${m.brokerEpoch}`,
    errorResponse: (m, errorCode) => ({ type: 'AllocateProducerIdsResponse', correlationId: m.correlationId, errorCode, producerIdStart: 0, producerIdLen: 0 }),
  }),
  messageSpec<AllocateProducerIdsResponse>({
    type: 'AllocateProducerIdsResponse', family: 'replication', kind: 'response', apiKey: 67, role: 'broker', pairedWith: 'AllocateProducerIds', codec: AllocateProducerIdsResponse,
    render: (m) => `AllocateProducerIdsResponse${renderError(m.errorCode)}${m.errorCode === 0 ? ` ids ${m.producerIdStart}..${m.producerIdStart + m.producerIdLen - 1}` : ''}`,
  }),
] as const;
