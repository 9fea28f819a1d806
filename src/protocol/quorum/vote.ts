/** Vote (api key 52, VoteRequest.json / VoteResponse.json): a candidate asks a voter for its vote in an epoch. */
import * as t from 'io-ts';
import { int, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';
import { renderLeader } from './leader.js';

export const VoteRequest = struct({
  type: t.literal('VoteRequest'),
  candidateEpoch: int,
  candidateId: int,
  lastOffsetEpoch: int,
  lastOffset: int,
});
export type VoteRequest = t.TypeOf<typeof VoteRequest>;

export const VoteResponse = struct({
  type: t.literal('VoteResponse'),
  errorCode: int,
  /** -1 when unknown. */
  leaderId: int,
  leaderEpoch: int,
  voteGranted: t.boolean,
});
export type VoteResponse = t.TypeOf<typeof VoteResponse>;

export const voteSpecs = [
  messageSpec<VoteRequest>({
    type: 'VoteRequest', family: 'quorum', kind: 'request', apiKey: 52, role: 'quorum', pairedWith: 'VoteResponse', codec: VoteRequest,
    render: (m) => `VoteRequest epoch=${m.candidateEpoch} candidate=n${m.candidateId} last=${m.lastOffset}@${m.lastOffsetEpoch}`,
    errorResponse: (m, errorCode) => ({ type: 'VoteResponse', errorCode, leaderId: -1, leaderEpoch: m.candidateEpoch, voteGranted: false }),
  }),
  messageSpec<VoteResponse>({
    type: 'VoteResponse', family: 'quorum', kind: 'response', apiKey: 52, role: 'quorum', pairedWith: 'VoteRequest', codec: VoteResponse,
    render: (m) => `VoteResponse epoch=${m.leaderEpoch} ${m.voteGranted ? 'granted' : 'rejected'} leader=${renderLeader(m.leaderId)}${renderError(m.errorCode)}`,
  }),
] as const;
