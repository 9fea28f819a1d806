/** EndQuorumEpoch (api key 54): a resigning leader asks the voters to elect one of its preferred successors. */
import * as t from 'io-ts';
import { int, list, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';
import { renderLeader } from './leader.js';

export const EndQuorumEpochRequest = struct({
  type: t.literal('EndQuorumEpochRequest'),
  leaderId: int,
  leaderEpoch: int,
  preferredSuccessors: list(int),
});
export type EndQuorumEpochRequest = t.TypeOf<typeof EndQuorumEpochRequest>;

export const EndQuorumEpochResponse = struct({
  type: t.literal('EndQuorumEpochResponse'),
  errorCode: int,
  leaderId: int,
  leaderEpoch: int,
});
export type EndQuorumEpochResponse = t.TypeOf<typeof EndQuorumEpochResponse>;

export const endQuorumEpochSpecs = [
  messageSpec<EndQuorumEpochRequest>({
    type: 'EndQuorumEpochRequest', family: 'quorum', kind: 'request', apiKey: 54, role: 'quorum', pairedWith: 'EndQuorumEpochResponse', codec: EndQuorumEpochRequest,
    render: (m) => `EndQuorumEpoch epoch=${m.leaderEpoch} leader=n${m.leaderId} successors=[${m.preferredSuccessors.map((n) => `n${n}`).join(' ')}]`,
    errorResponse: (m, errorCode) => ({ type: 'EndQuorumEpochResponse', errorCode, leaderId: -1, leaderEpoch: m.leaderEpoch }),
  }),
  messageSpec<EndQuorumEpochResponse>({
    type: 'EndQuorumEpochResponse', family: 'quorum', kind: 'response', apiKey: 54, role: 'quorum', pairedWith: 'EndQuorumEpochRequest', codec: EndQuorumEpochResponse,
    render: (m) => `EndQuorumEpochResponse epoch=${m.leaderEpoch} leader=${renderLeader(m.leaderId)}${renderError(m.errorCode)}`,
  }),
] as const;
