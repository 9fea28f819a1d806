/** FindCoordinator (api key 10, v4+): which broker coordinates a group (the leader of its __consumer_offsets partition). */
import * as t from 'io-ts';
import { int, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';

export const FindCoordinatorRequest = struct({
  type: t.literal('FindCoordinator'),
  correlationId: int,
  key: t.string,
  /** 0: group; 1: transaction (not modelled). */
  keyType: t.union([t.literal(0), t.literal(1)]),
});
export type FindCoordinatorRequest = t.TypeOf<typeof FindCoordinatorRequest>;

export const FindCoordinatorResponse = struct({
  type: t.literal('FindCoordinatorResponse'),
  correlationId: int,
  key: t.string,
  errorCode: int,
  /** The coordinator's broker id; -1 with an error. */
  nodeId: int,
});
export type FindCoordinatorResponse = t.TypeOf<typeof FindCoordinatorResponse>;

export const findCoordinatorSpecs = [
  messageSpec<FindCoordinatorRequest>({
    type: 'FindCoordinator', family: 'group', kind: 'request', apiKey: 10, role: 'broker', pairedWith: 'FindCoordinatorResponse', codec: FindCoordinatorRequest,
    render: (m) => `FindCoordinator ${m.keyType === 0 ? 'group' : 'transaction'}=${m.key} #${m.correlationId}`,
    errorResponse: (m, errorCode) => ({ type: 'FindCoordinatorResponse', correlationId: m.correlationId, key: m.key, errorCode, nodeId: -1 }),
  }),
  messageSpec<FindCoordinatorResponse>({
    type: 'FindCoordinatorResponse', family: 'group', kind: 'response', apiKey: 10, role: 'client', pairedWith: 'FindCoordinator', codec: FindCoordinatorResponse,
    render: (m) => `FindCoordinatorResponse${renderError(m.errorCode)} ${m.key}${m.errorCode === 0 ? ` coordinator=n${m.nodeId}` : ''} #${m.correlationId}`,
  }),
] as const;
