/**
 * A record batch as the model stores and fetches it (magic v2, DefaultRecordBatch): one producer's
 * records, appended and fetched whole. Keys and values are strings here; the wire codecs turn them
 * into bytes.
 */
import * as t from 'io-ts';
import { int, list, nullable, struct, structWithOptional } from '../codec.js';

export const BatchRecord = struct({
  offsetDelta: int,
  timestamp: int,
  key: nullable(t.string),
  value: nullable(t.string),
});
export type BatchRecord = t.TypeOf<typeof BatchRecord>;

export const RecordBatch = structWithOptional(
  {
    baseOffset: int,
    lastOffsetDelta: int,
    partitionLeaderEpoch: int,
    /** -1 (with epoch -1 and sequence -1): not written by an idempotent producer. */
    producerId: int,
    producerEpoch: int,
    baseSequence: int,
    maxTimestamp: int,
    /** The model's records; empty for a batch whose bytes came from the wire (`payload`). */
    records: list(BatchRecord),
  },
  {
    /**
     * A batch received from a real client: its bytes are kept as received by the node layer
     * (src/cluster/payloads.ts) under this opaque handle, never in a message or a machine's context.
     */
    payload: int,
    /** The wire batch's size (its records are not here to count). */
    sizeInBytes: int,
  },
);
export type RecordBatch = t.TypeOf<typeof RecordBatch>;

export const lastOffsetOf = (batch: RecordBatch): number => batch.baseOffset + batch.lastOffsetDelta;

/** The records a batch holds: its model records, or the count its header gives (lastOffsetDelta + 1) for a wire batch. */
export const recordCountOf = (batch: RecordBatch): number => (batch.payload === undefined ? batch.records.length : batch.lastOffsetDelta + 1);
