/** InitProducerId (api key 22) for an idempotent producer (transactionalId null): a fresh producer id, epoch 0. */
import * as t from 'io-ts';
import { int, nullable, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';

export const InitProducerIdRequest = struct({
  type: t.literal('InitProducerId'),
  correlationId: int,
  transactionalId: nullable(t.string),
  transactionTimeoutMs: int,
  /** -1/-1 for a new producer (KIP-360 lets a producer name its current id and epoch). */
  producerId: int,
  producerEpoch: int,
});
export type InitProducerIdRequest = t.TypeOf<typeof InitProducerIdRequest>;

export const InitProducerIdResponse = struct({
  type: t.literal('InitProducerIdResponse'),
  correlationId: int,
  errorCode: int,
  producerId: int,
  producerEpoch: int,
});
export type InitProducerIdResponse = t.TypeOf<typeof InitProducerIdResponse>;

export const initProducerIdSpecs = [
  messageSpec<InitProducerIdRequest>({
    type: 'InitProducerId', family: 'replication', kind: 'request', apiKey: 22, role: 'broker', pairedWith: 'InitProducerIdResponse', codec: InitProducerIdRequest,
    render: (m) => `InitProducerId${m.transactionalId === null ? '' : ` transactionalId=${m.transactionalId}`} #${m.correlationId}`,
    errorResponse: (m, errorCode) => ({ type: 'InitProducerIdResponse', correlationId: m.correlationId, errorCode, producerId: -1, producerEpoch: -1 }),
  }),
  messageSpec<InitProducerIdResponse>({
    type: 'InitProducerIdResponse', family: 'replication', kind: 'response', apiKey: 22, role: 'client', pairedWith: 'InitProducerId', codec: InitProducerIdResponse,
    render: (m) => `InitProducerIdResponse${renderError(m.errorCode)}${m.errorCode === 0 ? ` pid=${m.producerId} epoch=${m.producerEpoch}` : ''} #${m.correlationId}`,
  }),
] as const;
