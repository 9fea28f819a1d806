/** Produce (api key 0): one batch of records for one partition, with acks 0, 1 or -1 (all). */
import * as t from 'io-ts';
import { int, list, nullable, partitionAddressProps, structWithOptional, struct } from '../codec.js';
import { messageSpec, renderError, renderPartition } from '../message-spec.js';

export const ProduceRequest = structWithOptional(
  {
    type: t.literal('Produce'),
    ...partitionAddressProps,
    correlationId: int,
    /** 0, 1 or -1 (all). */
    acks: int,
    timeoutMs: int,
    /** A null value is a tombstone (compacted topics such as __consumer_offsets). */
    /** `timestamp`: the record's CreateTime as the producer set it (absent: a client that set none; the append time stands in). */
    records: list(structWithOptional({ key: nullable(t.string), value: nullable(t.string) }, { timestamp: int })),
  },
  {
    /** The record batch's producer fields (absent, or -1: not an idempotent producer). */
    producerId: int,
    producerEpoch: int,
    baseSequence: int,
    /**
     * A batch from a real client (the live cluster's gateway): the header fields the replica
     * needs, and the opaque handle of its bytes (src/cluster/payloads.ts). `records` is then empty.
     */
    batch: struct({ payload: int, recordCount: int, maxTimestamp: int, sizeInBytes: int }),
  },
);
export type ProduceRequest = t.TypeOf<typeof ProduceRequest>;

export const ProduceResponse = struct({
  type: t.literal('ProduceResponse'),
  ...partitionAddressProps,
  correlationId: int,
  errorCode: int,
  baseOffset: int,
  logStartOffset: int,
});
export type ProduceResponse = t.TypeOf<typeof ProduceResponse>;

export const produceSpecs = [
  messageSpec<ProduceRequest>({
    type: 'Produce', family: 'replication', kind: 'request', apiKey: 0, role: 'replica', pairedWith: 'ProduceResponse', codec: ProduceRequest,
    render: (m) => `Produce ${renderPartition(m)} acks=${m.acks === -1 ? 'all' : m.acks} ${m.batch === undefined ? `[${m.records.map((r) => `${r.key ?? ''}=${r.value}`).join(' ')}]` : `(${m.batch.recordCount} records, ${m.batch.sizeInBytes} bytes)`} #${m.correlationId}`,
    errorResponse: (m, errorCode) => ({ type: 'ProduceResponse', topic: m.topic, topicId: m.topicId, partition: m.partition, correlationId: m.correlationId, errorCode, baseOffset: -1, logStartOffset: -1 }),
  }),
  messageSpec<ProduceResponse>({
    type: 'ProduceResponse', family: 'replication', kind: 'response', apiKey: 0, role: 'client', pairedWith: 'Produce', codec: ProduceResponse,
    render: (m) => `ProduceResponse${renderError(m.errorCode)} ${renderPartition(m)}${m.errorCode === 0 ? ` offset=${m.baseOffset}` : ''} #${m.correlationId}`,
  }),
] as const;

/** The records a Produce carries: its model records, or its wire batch's count. */
export const produceRecordCount = (m: ProduceRequest): number => m.batch?.recordCount ?? m.records.length;
