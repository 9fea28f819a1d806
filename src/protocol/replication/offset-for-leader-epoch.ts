/** OffsetForLeaderEpoch (api key 23, KIP-101): the end offset of a leader epoch in the answering replica's log. */
import * as t from 'io-ts';
import { int, partitionAddressProps, struct } from '../codec.js';
import { messageSpec, renderError, renderPartition } from '../message-spec.js';

export const OffsetForLeaderEpochRequest = struct({
  type: t.literal('OffsetForLeaderEpoch'),
  ...partitionAddressProps,
  correlationId: int,
  replicaId: int,
  currentLeaderEpoch: int,
  leaderEpoch: int,
});
export type OffsetForLeaderEpochRequest = t.TypeOf<typeof OffsetForLeaderEpochRequest>;

export const OffsetForLeaderEpochResponse = struct({
  type: t.literal('OffsetForLeaderEpochResponse'),
  ...partitionAddressProps,
  correlationId: int,
  errorCode: int,
  leaderEpoch: int,
  endOffset: int,
});
export type OffsetForLeaderEpochResponse = t.TypeOf<typeof OffsetForLeaderEpochResponse>;

export const offsetForLeaderEpochSpecs = [
  messageSpec<OffsetForLeaderEpochRequest>({
    type: 'OffsetForLeaderEpoch', family: 'replication', kind: 'request', apiKey: 23, role: 'replica', pairedWith: 'OffsetForLeaderEpochResponse', codec: OffsetForLeaderEpochRequest,
    render: (m) => `OffsetForLeaderEpoch ${renderPartition(m)} epoch=${m.leaderEpoch} leaderEpoch=${m.currentLeaderEpoch} #${m.correlationId}`,
    errorResponse: (m, errorCode) => ({ type: 'OffsetForLeaderEpochResponse', topic: m.topic, topicId: m.topicId, partition: m.partition, correlationId: m.correlationId, errorCode, leaderEpoch: -1, endOffset: -1 }),
  }),
  messageSpec<OffsetForLeaderEpochResponse>({
    type: 'OffsetForLeaderEpochResponse', family: 'replication', kind: 'response', apiKey: 23, role: 'replica', pairedWith: 'OffsetForLeaderEpoch', codec: OffsetForLeaderEpochResponse,
    render: (m) => `OffsetForLeaderEpochResponse${renderError(m.errorCode)} ${renderPartition(m)} epoch=${m.leaderEpoch} end=${m.endOffset} #${m.correlationId}`,
  }),
] as const;
