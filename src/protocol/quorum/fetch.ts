/**
 * Fetch (api key 1) as the quorum uses it: a follower or observer reads the metadata log
 * (__cluster_metadata-0) from the leader, which answers with records, its high watermark, and the
 * divergence point when the follower's log has diverged (KafkaRaftClient.handleFetchRequest).
 */
import * as t from 'io-ts';
import { int, list, struct } from '../codec.js';
import { messageSpec, renderError, type Message } from '../message-spec.js';
import { renderLeader } from './leader.js';

/** A record of the metadata log as it travels in a Fetch response. */
export const LogRecord = struct({ offset: int, epoch: int, value: t.string });
export type LogRecord = t.TypeOf<typeof LogRecord>;

export const FetchRequest = struct({
  type: t.literal('FetchRequest'),
  replicaId: int,
  currentLeaderEpoch: int,
  fetchOffset: int,
  lastFetchedEpoch: int,
  /** The request header's correlation id: the answer carries it back, so a late or duplicated answer to an older fetch is recognised. */
  correlationId: int,
});
export type FetchRequest = t.TypeOf<typeof FetchRequest>;

export const FetchResponse = struct({
  type: t.literal('FetchResponse'),
  errorCode: int,
  correlationId: int,
  highWatermark: int,
  /** Set when the follower's log diverges: truncate to (epoch, endOffset). -1/-1 when absent. */
  divergingEpoch: struct({ epoch: int, endOffset: int }),
  currentLeader: struct({ leaderId: int, leaderEpoch: int }),
  records: list(LogRecord),
});
export type FetchResponse = t.TypeOf<typeof FetchResponse>;

function renderFetchResponse(m: FetchResponse): string {
  const diverging = m.divergingEpoch.epoch >= 0 ? ` diverging=${m.divergingEpoch.endOffset}@${m.divergingEpoch.epoch}` : '';
  const records = m.records.length === 0 ? '' : ` records=${m.records[0]?.offset}..${m.records[m.records.length - 1]?.offset}`;
  return `FetchResponse epoch=${m.currentLeader.leaderEpoch} leader=${renderLeader(m.currentLeader.leaderId)} hw=${m.highWatermark}${records}${diverging}${renderError(m.errorCode)}`;
}

/** The replicas' FetchResponse shares the type name; theirs names a partition, the quorum's does not. */
const isQuorumFetchResponse = (message: Message): boolean => !('topicId' in message);

export const quorumFetchSpecs = [
  messageSpec<FetchRequest>({
    type: 'FetchRequest', family: 'quorum', kind: 'request', apiKey: 1, role: 'quorum', pairedWith: 'FetchResponse', codec: FetchRequest,
    render: (m) => `Fetch offset=${m.fetchOffset} lastFetchedEpoch=${m.lastFetchedEpoch} epoch=${m.currentLeaderEpoch}`,
    errorResponse: (m, errorCode) => ({
      type: 'FetchResponse', errorCode, correlationId: m.correlationId, highWatermark: -1,
      divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: -1, leaderEpoch: -1 }, records: [],
    }),
  }),
  messageSpec<FetchResponse>({
    type: 'FetchResponse', family: 'quorum', kind: 'response', apiKey: 1, role: 'quorum', pairedWith: 'FetchRequest', codec: FetchResponse,
    render: renderFetchResponse,
    claims: isQuorumFetchResponse,
  }),
] as const;
