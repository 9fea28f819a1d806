/**
 * A record batch as the model stores and fetches it (magic v2, DefaultRecordBatch): one producer's
 * records, appended and fetched whole. Keys and values are strings here; the wire codecs turn them
 * into bytes.
 */
import * as t from 'io-ts';
import { int, list, nullable, struct } from '../codec.js';

export const BatchRecord = struct({
  offsetDelta: int,
  timestamp: int,
  key: nullable(t.string),
  value: nullable(t.string),
});
export type BatchRecord = t.TypeOf<typeof BatchRecord>;

export const RecordBatch = struct({
  baseOffset: int,
  lastOffsetDelta: int,
  partitionLeaderEpoch: int,
  /** -1 (with epoch -1 and sequence -1): not written by an idempotent producer. */
  producerId: int,
  producerEpoch: int,
  baseSequence: int,
  maxTimestamp: int,
  records: list(BatchRecord),
});
export type RecordBatch = t.TypeOf<typeof RecordBatch>;

export const lastOffsetOf = (batch: RecordBatch): number => batch.baseOffset + batch.lastOffsetDelta;
