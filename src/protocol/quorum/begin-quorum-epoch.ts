/** BeginQuorumEpoch (api key 53): a new leader tells the voters it won the epoch. */
import * as t from 'io-ts';
import { int, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';
import { renderLeader } from './leader.js';

export const BeginQuorumEpochRequest = struct({
  type: t.literal('BeginQuorumEpochRequest'),
  leaderId: int,
  leaderEpoch: int,
});
export type BeginQuorumEpochRequest = t.TypeOf<typeof BeginQuorumEpochRequest>;

export const BeginQuorumEpochResponse = struct({
  type: t.literal('BeginQuorumEpochResponse'),
  errorCode: int,
  leaderId: int,
  leaderEpoch: int,
});
export type BeginQuorumEpochResponse = t.TypeOf<typeof BeginQuorumEpochResponse>;

export const beginQuorumEpochSpecs = [
  messageSpec<BeginQuorumEpochRequest>({
    type: 'BeginQuorumEpochRequest', family: 'quorum', kind: 'request', apiKey: 53, role: 'quorum', pairedWith: 'BeginQuorumEpochResponse', codec: BeginQuorumEpochRequest,
    render: (m) => `BeginQuorumEpoch epoch=${m.leaderEpoch} leader=n${m.leaderId}`,
    errorResponse: (m, errorCode) => ({ type: 'BeginQuorumEpochResponse', errorCode, leaderId: -1, leaderEpoch: m.leaderEpoch }),
  }),
  messageSpec<BeginQuorumEpochResponse>({
    type: 'BeginQuorumEpochResponse', family: 'quorum', kind: 'response', apiKey: 53, role: 'quorum', pairedWith: 'BeginQuorumEpochRequest', codec: BeginQuorumEpochResponse,
    render: (m) => `BeginQuorumEpochResponse epoch=${m.leaderEpoch} leader=${renderLeader(m.leaderId)}${renderError(m.errorCode)}`,
  }),
] as const;
