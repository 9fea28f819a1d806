/** BrokerHeartbeat (api key 63): a registered broker keeps its session with the controller, and asks to be unfenced. */
import * as t from 'io-ts';
import { int, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';

export const BrokerHeartbeatRequest = struct({
  type: t.literal('BrokerHeartbeat'),
  correlationId: int,
  brokerId: int,
  brokerEpoch: int,
  currentMetadataOffset: int,
  wantFence: t.boolean,
});
export type BrokerHeartbeatRequest = t.TypeOf<typeof BrokerHeartbeatRequest>;

export const BrokerHeartbeatResponse = struct({
  type: t.literal('BrokerHeartbeatResponse'),
  correlationId: int,
  errorCode: int,
  isCaughtUp: t.boolean,
  isFenced: t.boolean,
});
export type BrokerHeartbeatResponse = t.TypeOf<typeof BrokerHeartbeatResponse>;

export const brokerHeartbeatSpecs = [
  messageSpec<BrokerHeartbeatRequest>({
    type: 'BrokerHeartbeat', family: 'replication', kind: 'request', apiKey: 63, role: 'controller', pairedWith: 'BrokerHeartbeatResponse', codec: BrokerHeartbeatRequest,
    render: (m) => `BrokerHeartbeat broker=${m.brokerId} epoch=${m.brokerEpoch} metadataOffset=${m.currentMetadataOffset}`,
    errorResponse: (m, errorCode) => ({ type: 'BrokerHeartbeatResponse', correlationId: m.correlationId, errorCode, isCaughtUp: false, isFenced: true }),
  }),
  messageSpec<BrokerHeartbeatResponse>({
    type: 'BrokerHeartbeatResponse', family: 'replication', kind: 'response', apiKey: 63, role: 'broker', pairedWith: 'BrokerHeartbeat', codec: BrokerHeartbeatResponse,
    render: (m) => `BrokerHeartbeatResponse${renderError(m.errorCode)} caughtUp=${m.isCaughtUp} fenced=${m.isFenced}`,
  }),
] as const;
