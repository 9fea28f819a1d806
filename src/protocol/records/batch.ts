import { crc32c } from './crc32c.js';
import { RecordsDecodeError } from './errors.js';
import { compressionNames, type CompressionName } from './compression/codec.js';

/**
 * The v2 record batch header (magic 2, KIP-98), byte offsets as in Kafka's DefaultRecordBatch:
 *
 *   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 *   attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
 *   producerId int64 | producerEpoch int16 | baseSequence int32 | recordsCount int32 | records...
 *
 * batchLength counts the bytes after itself. The CRC32C covers attributes to the end of the batch, so
 * the broker can assign baseOffset and stamp partitionLeaderEpoch without recomputing it.
 */
export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;
/** DefaultRecordBatch.RECORD_BATCH_OVERHEAD */
export const RECORD_BATCH_OVERHEAD = RECORDS_OFFSET;
/** Records.LOG_OVERHEAD: baseOffset and batchLength, which batchLength does not count. */
export const LOG_OVERHEAD = 12;
/** LegacyRecord.RECORD_OVERHEAD_V0: the smallest batchLength any magic allows (ByteBufferLogInputStream). */
const LEGACY_RECORD_OVERHEAD_V0 = 14;
export const MAGIC_VALUE_V2 = 2;

const COMPRESSION_CODEC_MASK = 0x07;
const TIMESTAMP_TYPE_MASK = 0x08;
const TRANSACTIONAL_FLAG_MASK = 0x10;
const CONTROL_FLAG_MASK = 0x20;
const DELETE_HORIZON_FLAG_MASK = 0x40;

/** RecordBatch.NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_SEQUENCE, NO_PARTITION_LEADER_EPOCH, NO_TIMESTAMP */
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1n;

/** Kafka's TimestampType names. */
export type TimestampType = 'CreateTime' | 'LogAppendTime';

/** The header of one batch, decoded; int64 fields are bigint, as in the wire codecs. */
export interface RecordBatchHeader {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: 2;
  /** As stored (unsigned). */
  crc: number;
  attributes: number;
  compression: CompressionName;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  /** Attribute bit 6 (KIP-534): baseTimestamp holds the delete horizon of a compacted batch. */
  hasDeleteHorizon: boolean;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** One batch as received: its header and a view (not a copy) of its bytes, to store as they are. */
export interface RecordBatchView {
  header: RecordBatchHeader;
  bytes: Uint8Array;
  /** Where the batch starts in the input of readBatchHeaders. */
  position: number;
}

export interface ReadBatchHeadersOptions {
  /** Check each batch's CRC32C (default true): Kafka's DefaultRecordBatch.ensureValid on append. */
  verifyCrc?: boolean;
  /**
   * A batch cut off at the end of the input. A Fetch response may legally end with one (the broker
   * fills up to the requested bytes and the consumer skips the partial batch: 'ignore'); in a Produce
   * request it is an error ('reject', the default).
   */
  partialTrailingBatch?: 'reject' | 'ignore';
}

/**
 * The batches in `bytes` (a Produce request's or a Fetch response's `records`), headers decoded, none
 * decompressed. Order of checks as Kafka's ByteBufferLogInputStream.nextBatch then ensureValid: the
 * size floor, the magic, then whether the batch is all there, then the CRC.
 */
export function readBatchHeaders(bytes: Uint8Array, options: ReadBatchHeadersOptions = {}): RecordBatchView[] {
  const verifyCrc = options.verifyCrc ?? true;
  const ignorePartial = options.partialTrailingBatch === 'ignore';
  const view = dataViewOf(bytes);
  const batches: RecordBatchView[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const remaining = bytes.length - pos;
    if (remaining < LOG_OVERHEAD) {
      if (ignorePartial) break;
      throw new RecordsDecodeError('truncated', pos, `${remaining} bytes left, too few for a batch's offset and length`);
    }
    const batchLength = view.getInt32(pos + BATCH_LENGTH_OFFSET);
    if (batchLength < LEGACY_RECORD_OVERHEAD_V0) {
      throw new RecordsDecodeError('corrupt', pos + BATCH_LENGTH_OFFSET, `batchLength ${batchLength} is below the minimum ${LEGACY_RECORD_OVERHEAD_V0}`);
    }
    if (remaining <= MAGIC_OFFSET) {
      if (ignorePartial) break;
      throw new RecordsDecodeError('truncated', pos, `${remaining} bytes left, too few to reach the magic byte`);
    }
    checkMagic(view.getInt8(pos + MAGIC_OFFSET), pos + MAGIC_OFFSET);
    const sizeInBytes = LOG_OVERHEAD + batchLength;
    if (sizeInBytes < RECORD_BATCH_OVERHEAD) {
      throw new RecordsDecodeError('corrupt', pos + BATCH_LENGTH_OFFSET, `batch size ${sizeInBytes} is smaller than the minimum allowed overhead ${RECORD_BATCH_OVERHEAD}`);
    }
    if (sizeInBytes > remaining) {
      if (ignorePartial) break;
      throw new RecordsDecodeError('truncated', pos + BATCH_LENGTH_OFFSET, `batchLength ${batchLength} runs past the end: ${remaining - LOG_OVERHEAD} bytes follow it`);
    }
    const batchBytes = bytes.subarray(pos, pos + sizeInBytes);
    batches.push({ header: readBatchHeader(batchBytes, pos, verifyCrc), bytes: batchBytes, position: pos });
    pos += sizeInBytes;
  }
  return batches;
}

function checkMagic(magic: number, at: number): void {
  if (magic === MAGIC_VALUE_V2) return;
  if (magic === 0 || magic === 1) {
    // Kafka 4.0 (KIP-896) serves Produce v3+ only, and ProduceRequest.validateRecords refuses a batch
    // whose magic is not 2 with InvalidRecordException: INVALID_RECORD for that partition.
    throw new RecordsDecodeError('legacy-magic', at, `magic v${magic} message sets are not accepted: produce requires record batches with magic 2`);
  }
  throw new RecordsDecodeError('corrupt', at, `invalid magic ${magic}`);
}

/** The header of one whole v2 batch (`batch` is exactly the batch). */
export function readBatchHeader(batch: Uint8Array, position = 0, verifyCrc = true): RecordBatchHeader {
  if (batch.length < RECORD_BATCH_OVERHEAD) {
    throw new RecordsDecodeError('truncated', position, `${batch.length} bytes, fewer than the ${RECORD_BATCH_OVERHEAD}-byte batch header`);
  }
  const view = dataViewOf(batch);
  checkMagic(view.getInt8(MAGIC_OFFSET), position + MAGIC_OFFSET);
  const crc = view.getUint32(CRC_OFFSET);
  if (verifyCrc) {
    const computed = computeBatchCrc(batch);
    if (computed !== crc) {
      throw new RecordsDecodeError('corrupt', position + CRC_OFFSET, `record batch is corrupt (stored crc = ${crc}, computed crc = ${computed})`);
    }
  }
  const attributes = view.getInt16(ATTRIBUTES_OFFSET);
  const codecId = attributes & COMPRESSION_CODEC_MASK;
  const compression = compressionNames[codecId];
  if (compression === undefined) {
    throw new RecordsDecodeError('unsupported-compression', position + ATTRIBUTES_OFFSET, `unknown compression type id ${codecId}`);
  }
  const recordsCount = view.getInt32(RECORDS_COUNT_OFFSET);
  if (recordsCount < 0) {
    throw new RecordsDecodeError('invalid-record', position + RECORDS_COUNT_OFFSET, `found invalid record count ${recordsCount} in magic v2 batch`);
  }
  return {
    baseOffset: view.getBigInt64(BASE_OFFSET_OFFSET),
    batchLength: view.getInt32(BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: view.getInt32(PARTITION_LEADER_EPOCH_OFFSET),
    magic: MAGIC_VALUE_V2,
    crc,
    attributes,
    compression,
    timestampType: (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_FLAG_MASK) !== 0,
    lastOffsetDelta: view.getInt32(LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: view.getBigInt64(BASE_TIMESTAMP_OFFSET),
    maxTimestamp: view.getBigInt64(MAX_TIMESTAMP_OFFSET),
    producerId: view.getBigInt64(PRODUCER_ID_OFFSET),
    producerEpoch: view.getInt16(PRODUCER_EPOCH_OFFSET),
    baseSequence: view.getInt32(BASE_SEQUENCE_OFFSET),
    recordsCount,
  };
}

/** CRC32C from attributes to the end (DefaultRecordBatch.computeChecksum). */
export function computeBatchCrc(batch: Uint8Array): number {
  return crc32c(batch.subarray(ATTRIBUTES_OFFSET));
}

export interface BatchAttributes {
  compression: CompressionName;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  hasDeleteHorizon: boolean;
}

/** DefaultRecordBatch.computeAttributes */
export function encodeAttributes(attributes: BatchAttributes): number {
  let bits = compressionNames.indexOf(attributes.compression);
  if (attributes.timestampType === 'LogAppendTime') bits |= TIMESTAMP_TYPE_MASK;
  if (attributes.isTransactional) bits |= TRANSACTIONAL_FLAG_MASK;
  if (attributes.isControl) bits |= CONTROL_FLAG_MASK;
  if (attributes.hasDeleteHorizon) bits |= DELETE_HORIZON_FLAG_MASK;
  return bits;
}

// In-place rewrites, on the bytes of one batch (a RecordBatchView's `bytes`), as the broker does on
// append. The header object read before is stale afterwards: read it again if needed.

/** The leader assigns offsets (LogValidator, in place for v2): baseOffset is outside the CRC. */
export function setBaseOffset(batch: Uint8Array, baseOffset: bigint): void {
  dataViewOf(batch).setBigInt64(BASE_OFFSET_OFFSET, baseOffset);
}

/** The leader stamps its epoch (DefaultRecordBatch.setPartitionLeaderEpoch): outside the CRC too. */
export function setPartitionLeaderEpoch(batch: Uint8Array, partitionLeaderEpoch: number): void {
  dataViewOf(batch).setInt32(PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
}

/**
 * message.timestamp.type=LogAppendTime: the broker sets the timestamp type bit and maxTimestamp, which
 * the CRC covers, so the CRC is written again (DefaultRecordBatch.setMaxTimestamp).
 */
export function setLogAppendTime(batch: Uint8Array, timestampMs: bigint): void {
  const view = dataViewOf(batch);
  view.setInt16(ATTRIBUTES_OFFSET, view.getInt16(ATTRIBUTES_OFFSET) | TIMESTAMP_TYPE_MASK);
  view.setBigInt64(MAX_TIMESTAMP_OFFSET, timestampMs);
  view.setUint32(CRC_OFFSET, computeBatchCrc(batch));
}

/** The offset of the batch's last record (RecordBatch.lastOffset). */
export function lastOffsetOf(header: RecordBatchHeader): bigint {
  return header.baseOffset + BigInt(header.lastOffsetDelta);
}

export function dataViewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
