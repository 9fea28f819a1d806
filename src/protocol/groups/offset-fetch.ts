/** OffsetFetch (api key 9, v9+: KIP-848 member id and epoch): a member reads the group's committed offsets. */
import * as t from 'io-ts';
import { int, list, nullable, struct } from '../codec.js';
import { messageSpec, renderError, renderItemError, renderPartition } from '../message-spec.js';

export const OffsetFetchRequest = struct({
  type: t.literal('OffsetFetch'),
  correlationId: int,
  groupId: t.string,
  /** v9+ (KIP-848 members): the member's id and epoch; null / -1 otherwise. */
  memberId: nullable(t.string),
  memberEpoch: int,
  /** null: every committed partition of the group. */
  partitions: nullable(list(struct({ topic: t.string, partition: int }))),
  requireStable: t.boolean,
});
export type OffsetFetchRequest = t.TypeOf<typeof OffsetFetchRequest>;

export const OffsetFetchResponse = struct({
  type: t.literal('OffsetFetchResponse'),
  correlationId: int,
  /** Group-level error (coordinator errors, and member validation for KIP-848 members). */
  errorCode: int,
  /** committedOffset -1 (leader epoch -1, metadata '') for a partition with nothing committed. */
  partitions: list(struct({ topic: t.string, partition: int, committedOffset: int, committedLeaderEpoch: int, metadata: t.string, errorCode: int })),
});
export type OffsetFetchResponse = t.TypeOf<typeof OffsetFetchResponse>;

export const offsetFetchSpecs = [
  messageSpec<OffsetFetchRequest>({
    type: 'OffsetFetch', family: 'group', kind: 'request', apiKey: 9, role: 'coordinator', pairedWith: 'OffsetFetchResponse', codec: OffsetFetchRequest,
    render: (m) => `OffsetFetch ${m.groupId} ${m.partitions === null ? 'all' : `[${m.partitions.map(renderPartition).join(' ')}]`}${m.requireStable ? ' requireStable' : ''} #${m.correlationId}`,
    errorResponse: (m, errorCode) => ({ type: 'OffsetFetchResponse', correlationId: m.correlationId, errorCode, partitions: [] }),
  }),
  messageSpec<OffsetFetchResponse>({
    type: 'OffsetFetchResponse', family: 'group', kind: 'response', apiKey: 9, role: 'client', pairedWith: 'OffsetFetch', codec: OffsetFetchResponse,
    render: (m) =>
      `OffsetFetchResponse${renderError(m.errorCode)} [${m.partitions.map((p) => `${renderPartition(p)}=${p.committedOffset}${renderItemError(p.errorCode)}`).join(' ')}] #${m.correlationId}`,
  }),
] as const;
