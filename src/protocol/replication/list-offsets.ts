/** ListOffsets (api key 2): the offset for a timestamp, or the earliest (-2) or latest (-1) offset. */
import * as t from 'io-ts';
import { int, partitionAddressProps, struct } from '../codec.js';
import { messageSpec, renderError, renderPartition } from '../message-spec.js';

/** ListOffsets timestamps: -2 earliest, -1 latest, else the first offset with a timestamp at least this. */
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export const ListOffsetsRequest = struct({
  type: t.literal('ListOffsets'),
  ...partitionAddressProps,
  correlationId: int,
  currentLeaderEpoch: int,
  timestamp: int,
});
export type ListOffsetsRequest = t.TypeOf<typeof ListOffsetsRequest>;

export const ListOffsetsResponse = struct({
  type: t.literal('ListOffsetsResponse'),
  ...partitionAddressProps,
  correlationId: int,
  errorCode: int,
  offset: int,
  timestamp: int,
  leaderEpoch: int,
});
export type ListOffsetsResponse = t.TypeOf<typeof ListOffsetsResponse>;

export const listOffsetsSpecs = [
  messageSpec<ListOffsetsRequest>({
    type: 'ListOffsets', family: 'replication', kind: 'request', apiKey: 2, role: 'replica', pairedWith: 'ListOffsetsResponse', codec: ListOffsetsRequest,
    render: (m) => `ListOffsets ${renderPartition(m)} timestamp=${m.timestamp} #${m.correlationId}`,
    errorResponse: (m, errorCode) => ({ type: 'ListOffsetsResponse', topic: m.topic, topicId: m.topicId, partition: m.partition, correlationId: m.correlationId, errorCode, offset: -1, timestamp: -1, leaderEpoch: -1 }),
  }),
  messageSpec<ListOffsetsResponse>({
    type: 'ListOffsetsResponse', family: 'replication', kind: 'response', apiKey: 2, role: 'client', pairedWith: 'ListOffsets', codec: ListOffsetsResponse,
    render: (m) => `ListOffsetsResponse${renderError(m.errorCode)} ${renderPartition(m)} offset=${m.offset} #${m.correlationId}`,
  }),
] as const;
