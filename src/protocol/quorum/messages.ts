/**
 * The KRaft quorum's messages: Vote, BeginQuorumEpoch, EndQuorumEpoch and Fetch, with Kafka's own
 * field names (camelCase of VoteRequest.json, BeginQuorumEpochRequest.json, EndQuorumEpochRequest.json,
 * FetchRequest.json / FetchResponse.json), flattened to the one partition of the metadata log
 * (__cluster_metadata-0), plus the local client operation Propose and its answer.
 *
 * Each message has an io-ts codec (the boundary for traces and scenario files) and renders to one
 * line. `from` is stamped by the network, never trusted from the sender's payload.
 */
import * as t from 'io-ts';

/** A safe integer (int32 and int64 fields alike: offsets are numbers checked against MAX_SAFE_INTEGER). */
export const SafeInteger = new t.Type<number, number, unknown>(
  'SafeInteger',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u),
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) ? t.success(u) : t.failure(u, c)),
  (n) => n,
);
const int = SafeInteger;
const nodeId = SafeInteger;
const nullableNodeId = t.union([SafeInteger, t.null]);

/** A record of the metadata log as it travels in a Fetch response. */
export const LogRecord = t.type({ offset: int, epoch: int, value: t.string });
export type LogRecord = t.TypeOf<typeof LogRecord>;

export const VoteRequest = t.type({
  type: t.literal('VoteRequest'),
  candidateEpoch: int,
  candidateId: nodeId,
  lastOffsetEpoch: int,
  lastOffset: int,
});
export const VoteResponse = t.type({
  type: t.literal('VoteResponse'),
  errorCode: int,
  leaderId: int, // -1 when unknown
  leaderEpoch: int,
  voteGranted: t.boolean,
});
export const BeginQuorumEpochRequest = t.type({
  type: t.literal('BeginQuorumEpochRequest'),
  leaderId: nodeId,
  leaderEpoch: int,
});
export const BeginQuorumEpochResponse = t.type({
  type: t.literal('BeginQuorumEpochResponse'),
  errorCode: int,
  leaderId: int,
  leaderEpoch: int,
});
export const EndQuorumEpochRequest = t.type({
  type: t.literal('EndQuorumEpochRequest'),
  leaderId: nodeId,
  leaderEpoch: int,
  preferredSuccessors: t.array(nodeId),
});
export const EndQuorumEpochResponse = t.type({
  type: t.literal('EndQuorumEpochResponse'),
  errorCode: int,
  leaderId: int,
  leaderEpoch: int,
});
export const FetchRequest = t.type({
  type: t.literal('FetchRequest'),
  replicaId: nodeId,
  currentLeaderEpoch: int,
  fetchOffset: int,
  lastFetchedEpoch: int,
  /** The request header's correlation id: the answer carries it back, so a late or duplicated answer to an older fetch is recognised. */
  correlationId: int,
});
export const FetchResponse = t.type({
  type: t.literal('FetchResponse'),
  errorCode: int,
  correlationId: int,
  highWatermark: int,
  /** Set when the follower's log diverges: truncate to (epoch, endOffset). -1/-1 when absent. */
  divergingEpoch: t.type({ epoch: int, endOffset: int }),
  currentLeader: t.type({ leaderId: int, leaderEpoch: int }),
  records: t.array(LogRecord),
});
/** Local client operation: append a record to the metadata log (controller logic, next issue). */
export const Propose = t.type({ type: t.literal('Propose'), value: t.string });
export const ProposeResponse = t.type({
  type: t.literal('ProposeResponse'),
  value: t.string,
  errorCode: int,
  /** Offset the record was appended at; -1 when rejected. */
  offset: int,
  epoch: int,
  leaderId: int,
});

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
export type VoteRequest = t.TypeOf<typeof VoteRequest>;
export type VoteResponse = t.TypeOf<typeof VoteResponse>;
export type BeginQuorumEpochRequest = t.TypeOf<typeof BeginQuorumEpochRequest>;
export type BeginQuorumEpochResponse = t.TypeOf<typeof BeginQuorumEpochResponse>;
export type EndQuorumEpochRequest = t.TypeOf<typeof EndQuorumEpochRequest>;
export type EndQuorumEpochResponse = t.TypeOf<typeof EndQuorumEpochResponse>;
export type FetchRequest = t.TypeOf<typeof FetchRequest>;
export type FetchResponse = t.TypeOf<typeof FetchResponse>;
export type Propose = t.TypeOf<typeof Propose>;
export type ProposeResponse = t.TypeOf<typeof ProposeResponse>;

/** A message as delivered to a machine: the payload plus the sender, stamped by the network. */
export type Delivered<M> = M & { from: number };
export type QuorumEvent = Delivered<QuorumMessage>;

export const nullNodeId = nullableNodeId;
