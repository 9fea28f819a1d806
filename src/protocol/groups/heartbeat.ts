/** Heartbeat (api key 12): a classic member keeps its session, and learns that a rebalance started. */
import * as t from 'io-ts';
import { int, nullable, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';
import { renderMember } from './consumer-protocol.js';

export const HeartbeatRequest = struct({
  type: t.literal('Heartbeat'),
  correlationId: int,
  groupId: t.string,
  generationId: int,
  memberId: t.string,
  groupInstanceId: nullable(t.string),
});
export type HeartbeatRequest = t.TypeOf<typeof HeartbeatRequest>;

export const HeartbeatResponse = struct({ type: t.literal('HeartbeatResponse'), correlationId: int, errorCode: int });
export type HeartbeatResponse = t.TypeOf<typeof HeartbeatResponse>;

export const heartbeatSpecs = [
  messageSpec<HeartbeatRequest>({
    type: 'Heartbeat', family: 'group', kind: 'request', apiKey: 12, role: 'coordinator', pairedWith: 'HeartbeatResponse', codec: HeartbeatRequest,
    render: (m) => `Heartbeat ${m.groupId} generation=${m.generationId} member=${renderMember(m.memberId)} #${m.correlationId}`,
    errorResponse: (m, errorCode) => ({ type: 'HeartbeatResponse', correlationId: m.correlationId, errorCode }),
  }),
  messageSpec<HeartbeatResponse>({
    type: 'HeartbeatResponse', family: 'group', kind: 'response', apiKey: 12, role: 'client', pairedWith: 'Heartbeat', codec: HeartbeatResponse,
    render: (m) => `HeartbeatResponse${renderError(m.errorCode)} #${m.correlationId}`,
  }),
] as const;
