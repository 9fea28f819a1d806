/** OffsetCommit (api key 8): a member commits its consumed positions; a flat list of partitions instead of Kafka's topic → partitions nesting. */
import * as t from 'io-ts';
import { int, list, nullable, struct } from '../codec.js';
import { messageSpec, renderItemError, renderPartition } from '../message-spec.js';
import { renderMember } from './consumer-protocol.js';

export const OffsetCommitPartition = struct({
  topic: t.string,
  partition: int,
  /** The next offset to consume. */
  committedOffset: int,
  committedLeaderEpoch: int,
  committedMetadata: nullable(t.string),
});
export type OffsetCommitPartition = t.TypeOf<typeof OffsetCommitPartition>;

export const OffsetCommitRequest = struct({
  type: t.literal('OffsetCommit'),
  correlationId: int,
  groupId: t.string,
  /** The classic generation, or the KIP-848 member epoch; -1 for a commit outside a generation. */
  generationIdOrMemberEpoch: int,
  memberId: t.string,
  groupInstanceId: nullable(t.string),
  partitions: list(OffsetCommitPartition),
});
export type OffsetCommitRequest = t.TypeOf<typeof OffsetCommitRequest>;

export const OffsetCommitResponse = struct({
  type: t.literal('OffsetCommitResponse'),
  correlationId: int,
  partitions: list(struct({ topic: t.string, partition: int, errorCode: int })),
});
export type OffsetCommitResponse = t.TypeOf<typeof OffsetCommitResponse>;

export const offsetCommitSpecs = [
  messageSpec<OffsetCommitRequest>({
    type: 'OffsetCommit', family: 'group', kind: 'request', apiKey: 8, role: 'coordinator', pairedWith: 'OffsetCommitResponse', codec: OffsetCommitRequest,
    render: (m) =>
      `OffsetCommit ${m.groupId} generation=${m.generationIdOrMemberEpoch} member=${renderMember(m.memberId)} [${m.partitions.map((p) => `${renderPartition(p)}=${p.committedOffset}`).join(' ')}] #${m.correlationId}`,
    // OffsetCommitRequest.getErrorResponse: the error on every partition; the response has no top-level error.
    errorResponse: (m, errorCode) => ({ type: 'OffsetCommitResponse', correlationId: m.correlationId, partitions: m.partitions.map((p) => ({ topic: p.topic, partition: p.partition, errorCode })) }),
  }),
  messageSpec<OffsetCommitResponse>({
    type: 'OffsetCommitResponse', family: 'group', kind: 'response', apiKey: 8, role: 'client', pairedWith: 'OffsetCommit', codec: OffsetCommitResponse,
    render: (m) => `OffsetCommitResponse [${m.partitions.map((p) => `${renderPartition(p)}${renderItemError(p.errorCode)}`).join(' ')}] #${m.correlationId}`,
  }),
] as const;
