/** BrokerRegistration (api key 62): a starting broker registers with the controller and gets its broker epoch. */
import * as t from 'io-ts';
import { int, nullable, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';

export const BrokerRegistrationRequest = struct({
  type: t.literal('BrokerRegistration'),
  correlationId: int,
  brokerId: int,
  incarnationId: t.string,
  rack: nullable(t.string),
});
export type BrokerRegistrationRequest = t.TypeOf<typeof BrokerRegistrationRequest>;

export const BrokerRegistrationResponse = struct({
  type: t.literal('BrokerRegistrationResponse'),
  correlationId: int,
  errorCode: int,
  brokerEpoch: int,
});
export type BrokerRegistrationResponse = t.TypeOf<typeof BrokerRegistrationResponse>;

export const brokerRegistrationSpecs = [
  messageSpec<BrokerRegistrationRequest>({
    type: 'BrokerRegistration', family: 'replication', kind: 'request', apiKey: 62, role: 'controller', pairedWith: 'BrokerRegistrationResponse', codec: BrokerRegistrationRequest,
    render: (m) => `BrokerRegistration broker=${m.brokerId} incarnation=${m.incarnationId}`,
    errorResponse: (m, errorCode) => ({ type: 'BrokerRegistrationResponse', correlationId: m.correlationId, errorCode, brokerEpoch: -1 }),
  }),
  messageSpec<BrokerRegistrationResponse>({
    type: 'BrokerRegistrationResponse', family: 'replication', kind: 'response', apiKey: 62, role: 'broker', pairedWith: 'BrokerRegistration', codec: BrokerRegistrationResponse,
    render: (m) => `BrokerRegistrationResponse${renderError(m.errorCode)}${m.errorCode === 0 ? ` brokerEpoch=${m.brokerEpoch}` : ''}`,
  }),
] as const;
