/**
 * Kafka's record batches (magic 2) and their compression codecs. A Produce request's `records` are
 * read with readBatchHeaders (headers, views of the bytes, no decompression) so the log can keep the
 * batches as received; decodeBatchRecords inflates and reads records within a bound. See docs/wire.md.
 */
export {
  readBatchHeaders,
  readBatchHeader,
  computeBatchCrc,
  setBaseOffset,
  setPartitionLeaderEpoch,
  setLogAppendTime,
  lastOffsetOf,
  RECORD_BATCH_OVERHEAD,
  NO_PRODUCER_ID,
  NO_PRODUCER_EPOCH,
  NO_SEQUENCE,
  NO_PARTITION_LEADER_EPOCH,
  NO_TIMESTAMP,
  type RecordBatchHeader,
  type RecordBatchView,
  type ReadBatchHeadersOptions,
  type TimestampType,
} from './batch.js';
export {
  decodeBatchRecords,
  encodeRecordBatch,
  incrementSequence,
  type DecodedRecord,
  type DecodeBatchRecordsOptions,
  type RecordHeader,
  type RecordInput,
  type RecordBatchInput,
} from './records.js';
export { decodeControlRecord, endTransactionMarkerRecord, leaderChangeRecord, controlRecordTypes, type ControlRecord } from './control.js';
export { RecordsDecodeError, kafkaErrorForRecordsDecodeError, type RecordsDecodeErrorKind } from './errors.js';
export { codecs, compressionIds, compressionNames, type CompressionName } from './compression/index.js';
export { crc32c } from './crc32c.js';
export { int64ToSafeNumber } from './int64.js';
export { validateProduceRecords, type ProduceRecordsCheck } from './produce.js';
