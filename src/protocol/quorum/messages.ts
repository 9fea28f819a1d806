/**
 * The KRaft quorum's messages: Vote, BeginQuorumEpoch, EndQuorumEpoch and Fetch, with Kafka's own
 * field names (camelCase of VoteRequest.json, BeginQuorumEpochRequest.json, EndQuorumEpochRequest.json,
 * FetchRequest.json / FetchResponse.json), flattened to the one partition of the metadata log
 * (__cluster_metadata-0), plus the local client operation Propose and its answer. Each API is its
 * own module (codec, type, renderer, error response, role); this one gathers them.
 *
 * `from` is stamped by the network, never trusted from the sender's payload.
 */
import * as t from 'io-ts';
import { BeginQuorumEpochRequest, BeginQuorumEpochResponse } from './begin-quorum-epoch.js';
import { EndQuorumEpochRequest, EndQuorumEpochResponse } from './end-quorum-epoch.js';
import { FetchRequest, FetchResponse } from './fetch.js';
import { Propose, ProposeResponse } from './propose.js';
import { VoteRequest, VoteResponse } from './vote.js';

export { SafeInteger } from '../codec.js';
export { VoteRequest, VoteResponse } from './vote.js';
export { BeginQuorumEpochRequest, BeginQuorumEpochResponse } from './begin-quorum-epoch.js';
export { EndQuorumEpochRequest, EndQuorumEpochResponse } from './end-quorum-epoch.js';
export { FetchRequest, FetchResponse, LogRecord } from './fetch.js';
export { Propose, ProposeResponse } from './propose.js';

export const QuorumMessage = t.union([
  VoteRequest,
  VoteResponse,
  BeginQuorumEpochRequest,
  BeginQuorumEpochResponse,
  EndQuorumEpochRequest,
  EndQuorumEpochResponse,
  FetchRequest,
  FetchResponse,
  Propose,
  ProposeResponse,
]);
export type QuorumMessage = t.TypeOf<typeof QuorumMessage>;

/** A message as delivered to a machine: the payload plus the sender, stamped by the network. */
export type Delivered<M> = M & { from: number };
export type QuorumEvent = Delivered<QuorumMessage>;
