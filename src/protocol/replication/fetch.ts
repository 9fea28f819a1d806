/**
 * Fetch (api key 1, v13+: topic ids, KIP-320 leader epochs, KIP-595 divergence): followers
 * (replicaId = broker id, with its broker epoch) and consumers (replicaId -1) read a partition.
 */
import * as t from 'io-ts';
import { int, list, nullable, partitionAddressProps, struct } from '../codec.js';
import { messageSpec, renderError, renderPartition, type Message } from '../message-spec.js';
import { RecordBatch } from './record-batch.js';

export const FetchRequest = struct({
  type: t.literal('Fetch'),
  ...partitionAddressProps,
  correlationId: int,
  replicaId: int,
  replicaEpoch: int,
  /** -1: not checked (consumers before KIP-320, and the pre-KIP-320 variants). */
  currentLeaderEpoch: int,
  fetchOffset: int,
  /** -1: no divergence check. */
  lastFetchedEpoch: int,
  logStartOffset: int,
});
export type FetchRequest = t.TypeOf<typeof FetchRequest>;

export const FetchResponse = struct({
  type: t.literal('FetchResponse'),
  ...partitionAddressProps,
  correlationId: int,
  errorCode: int,
  highWatermark: int,
  logStartOffset: int,
  logEndOffset: int,
  divergingEpoch: nullable(struct({ epoch: int, endOffset: int })),
  currentLeader: nullable(struct({ leaderId: int, leaderEpoch: int })),
  batches: list(RecordBatch),
});
export type FetchResponse = t.TypeOf<typeof FetchResponse>;

function renderFetchResponse(m: FetchResponse): string {
  const records = m.batches.flatMap((b) => b.records.map((r) => `${r.value}@${b.baseOffset + r.offsetDelta}`));
  const diverging = m.divergingEpoch === null ? '' : ` diverging=(epoch ${m.divergingEpoch.epoch}, end ${m.divergingEpoch.endOffset})`;
  return `FetchResponse${renderError(m.errorCode)} ${renderPartition(m)} hw=${m.highWatermark}${diverging}${records.length > 0 ? ` [${records.join(' ')}]` : ''} #${m.correlationId}`;
}

/** The quorum's FetchResponse shares the type name; this one names a partition. */
const isPartitionFetchResponse = (message: Message): boolean => 'topicId' in message;

export const fetchSpecs = [
  messageSpec<FetchRequest>({
    type: 'Fetch', family: 'replication', kind: 'request', apiKey: 1, role: 'replica', pairedWith: 'FetchResponse', codec: FetchRequest,
    render: (m) => `Fetch ${renderPartition(m)} offset=${m.fetchOffset} leaderEpoch=${m.currentLeaderEpoch} lastFetchedEpoch=${m.lastFetchedEpoch}${m.replicaId < 0 ? ' (consumer)' : ''} #${m.correlationId}`,
    // FetchResponse.INVALID_HIGH_WATERMARK and friends: -1 for every offset the broker cannot give.
    errorResponse: (m, errorCode) => ({
      type: 'FetchResponse', topic: m.topic, topicId: m.topicId, partition: m.partition, correlationId: m.correlationId, errorCode,
      highWatermark: -1, logStartOffset: -1, logEndOffset: -1, divergingEpoch: null, currentLeader: null, batches: [],
    }),
  }),
  messageSpec<FetchResponse>({
    type: 'FetchResponse', family: 'replication', kind: 'response', apiKey: 1, role: 'replica', pairedWith: 'Fetch', codec: FetchResponse,
    render: renderFetchResponse,
    claims: isPartitionFetchResponse,
  }),
] as const;
