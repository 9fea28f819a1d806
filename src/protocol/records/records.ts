import {
  encodeAttributes,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  RECORDS_OFFSET,
  computeBatchCrc,
  dataViewOf,
  MAGIC_VALUE_V2,
  LOG_OVERHEAD,
  type RecordBatchView,
  type TimestampType,
  BASE_OFFSET_OFFSET,
  BATCH_LENGTH_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  MAGIC_OFFSET,
  CRC_OFFSET,
  ATTRIBUTES_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_ID_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  BASE_SEQUENCE_OFFSET,
  RECORDS_COUNT_OFFSET,
} from './batch.js';
import { codecs } from './compression/index.js';
import type { CompressionName } from './compression/codec.js';
import { RecordsDecodeError } from './errors.js';
import { RecordReader } from './reader.js';
import { RecordWriter } from './writer.js';

/**
 * A record of a v2 batch (DefaultRecord):
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint | key | valueLength varint | value | headersCount varint | headers
 * and each header: keyLength varint | key (UTF-8) | valueLength varint | value. A length of -1 is null.
 */
export interface RecordHeader {
  key: string;
  value: Uint8Array | null;
}

export interface DecodedRecord {
  /** Unused by Kafka (always 0 when written), kept as read. */
  attributes: number;
  timestampDelta: bigint;
  offsetDelta: number;
  /** Views into the batch (or into its decompressed records): no copy. */
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
  /** baseOffset + offsetDelta */
  offset: bigint;
  /** baseTimestamp + timestampDelta; maxTimestamp under LogAppendTime (DefaultRecord.readFrom). */
  timestamp: bigint;
  /** baseSequence + offsetDelta, wrapping at 2^31 (DefaultRecordBatch.incrementSequence); -1 without one. */
  sequence: number;
}

export interface DecodeBatchRecordsOptions {
  /** Decompressed records beyond this many bytes are refused before they are allocated. */
  maxUncompressedBytes: number;
}

/**
 * The smallest record: a one-byte length, attributes, timestampDelta, offsetDelta, keyLength,
 * valueLength and headersCount of one byte each. A records count is checked against it before decoding.
 */
export const MIN_RECORD_BYTES = 7;

/** The records of one batch, decompressed within the bound. Throws only RecordsDecodeError. */
export function decodeBatchRecords(batch: RecordBatchView, options: DecodeBatchRecordsOptions): DecodedRecord[] {
  const { header, bytes } = batch;
  // DefaultRecordBatch.iterator: a batch of no records (compaction leaves them to keep producer state)
  // is empty whatever follows its header; its codec is never run.
  if (header.recordsCount === 0) return [];
  const payload = bytes.subarray(RECORDS_OFFSET);
  let records: RecordReader;
  if (header.compression === 'none') {
    records = new RecordReader(bytes, RECORDS_OFFSET, bytes.length, 'invalid-record', 0, 'offset in the batch');
  } else {
    const inflated = decompressRecords(header.compression, payload, options.maxUncompressedBytes);
    records = new RecordReader(inflated, 0, inflated.length, 'invalid-record', 0, 'offset in the decompressed records');
  }
  if (header.recordsCount > records.remaining() / MIN_RECORD_BYTES) {
    throw records.fault(`record count ${header.recordsCount} cannot fit in ${records.remaining()} bytes of records`);
  }
  const logAppendTime = header.timestampType === 'LogAppendTime' ? header.maxTimestamp : undefined;
  const decoded: DecodedRecord[] = [];
  for (let i = 0; i < header.recordsCount; i++) {
    decoded.push(readRecord(records, header.baseOffset, header.baseTimestamp, header.baseSequence, logAppendTime));
  }
  if (records.remaining() !== 0) {
    throw records.fault(`incorrect declared batch size, ${records.remaining()} bytes remain after ${header.recordsCount} records`);
  }
  return decoded;
}

function decompressRecords(compression: Exclude<CompressionName, 'none'>, payload: Uint8Array, maxUncompressedBytes: number): Uint8Array {
  try {
    return codecs[compression].decompress(payload, maxUncompressedBytes);
  } catch (error) {
    if (error instanceof RecordsDecodeError) {
      // Codec offsets are within the compressed records: name the byte of the batch.
      throw new RecordsDecodeError(error.kind, error.offset + RECORDS_OFFSET, error.detail);
    }
    throw new RecordsDecodeError('decompression-failed', RECORDS_OFFSET, `${compression}: ${String(error)}`);
  }
}

function readRecord(reader: RecordReader, baseOffset: bigint, baseTimestamp: bigint, baseSequence: number, logAppendTime: bigint | undefined): DecodedRecord {
  const start = reader.pos;
  const bodyBytes = reader.varint();
  if (bodyBytes < 0 || bodyBytes > reader.remaining()) {
    throw reader.fault(`invalid record size: ${bodyBytes} bytes, with ${reader.remaining()} bytes left`, start);
  }
  const batchEnd = reader.end;
  const recordEnd = reader.pos + bodyBytes;
  // Fields are read within the record's declared size, so that a field cannot run into the next record.
  reader.end = recordEnd;
  const attributes = reader.int8();
  const timestampDelta = reader.varlong();
  const offsetDelta = reader.varint();
  const key = reader.nullableBytes(reader.varint(), 'key');
  const value = reader.nullableBytes(reader.varint(), 'value');
  const headers = readHeaders(reader);
  if (reader.pos !== recordEnd) {
    throw reader.fault(`invalid record size: expected to read ${bodyBytes} bytes in record payload, but read ${reader.pos - (recordEnd - bodyBytes)}`);
  }
  reader.end = batchEnd;
  return {
    attributes,
    timestampDelta,
    offsetDelta,
    key,
    value,
    headers,
    offset: baseOffset + BigInt(offsetDelta),
    timestamp: logAppendTime ?? baseTimestamp + timestampDelta,
    sequence: baseSequence >= 0 ? incrementSequence(baseSequence, offsetDelta) : NO_SEQUENCE,
  };
}

function readHeaders(reader: RecordReader): RecordHeader[] {
  const count = reader.varint();
  if (count < 0) throw reader.fault(`found invalid number of record headers ${count}`);
  // Each header takes at least two bytes (two lengths).
  if (count > reader.remaining() / 2) {
    throw reader.fault(`found invalid number of record headers: ${count} cannot fit in ${reader.remaining()} bytes`);
  }
  const headers: RecordHeader[] = [];
  for (let i = 0; i < count; i++) {
    const keyBytes = reader.varint();
    if (keyBytes < 0) throw reader.fault(`invalid negative header key size ${keyBytes}`);
    const key = reader.utf8(keyBytes, 'header key');
    const value = reader.nullableBytes(reader.varint(), 'header value');
    headers.push({ key, value });
  }
  return headers;
}

const INT32_MAX = 0x7fffffff;

/** DefaultRecordBatch.incrementSequence: sequences wrap from 2^31-1 to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

export interface RecordInput {
  attributes?: number;
  timestampDelta?: bigint;
  /** Defaults to the record's index in the batch. */
  offsetDelta?: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly RecordHeader[];
}

export interface RecordBatchInput {
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  compression?: CompressionName;
  /** Kafka's `compression.<codec>.level`; the codec's default when absent. */
  compressionLevel?: number;
  timestampType?: TimestampType;
  isTransactional?: boolean;
  isControl?: boolean;
  hasDeleteHorizon?: boolean;
  /** Defaults to the largest offsetDelta (0 for an empty batch). */
  lastOffsetDelta?: number;
  baseTimestamp: bigint;
  /** Defaults to baseTimestamp plus the largest timestampDelta. */
  maxTimestamp?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  records: readonly RecordInput[];
}

/** A whole v2 batch, CRC written (MemoryRecordsBuilder / DefaultRecordBatch.writeHeader). */
export function encodeRecordBatch(input: RecordBatchInput): Uint8Array {
  const compression = input.compression ?? 'none';
  const { recordBytes, lastOffsetDelta, maxTimestampDelta } = encodeRecords(input.records);
  // No records, no payload: as DefaultRecordBatch.writeEmptyHeader writes an empty batch.
  const payload = compression === 'none' || input.records.length === 0 ? recordBytes : codecs[compression].compress(recordBytes, input.compressionLevel);
  const batch = new Uint8Array(RECORDS_OFFSET + payload.length);
  const view = dataViewOf(batch);
  view.setBigInt64(BASE_OFFSET_OFFSET, input.baseOffset ?? 0n);
  view.setInt32(BATCH_LENGTH_OFFSET, batch.length - LOG_OVERHEAD);
  view.setInt32(PARTITION_LEADER_EPOCH_OFFSET, input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH);
  view.setInt8(MAGIC_OFFSET, MAGIC_VALUE_V2);
  view.setInt16(
    ATTRIBUTES_OFFSET,
    encodeAttributes({
      compression,
      timestampType: input.timestampType ?? 'CreateTime',
      isTransactional: input.isTransactional ?? false,
      isControl: input.isControl ?? false,
      hasDeleteHorizon: input.hasDeleteHorizon ?? false,
    }),
  );
  view.setInt32(LAST_OFFSET_DELTA_OFFSET, input.lastOffsetDelta ?? lastOffsetDelta);
  view.setBigInt64(BASE_TIMESTAMP_OFFSET, input.baseTimestamp);
  view.setBigInt64(MAX_TIMESTAMP_OFFSET, input.maxTimestamp ?? input.baseTimestamp + maxTimestampDelta);
  view.setBigInt64(PRODUCER_ID_OFFSET, input.producerId ?? NO_PRODUCER_ID);
  view.setInt16(PRODUCER_EPOCH_OFFSET, input.producerEpoch ?? NO_PRODUCER_EPOCH);
  view.setInt32(BASE_SEQUENCE_OFFSET, input.baseSequence ?? NO_SEQUENCE);
  view.setInt32(RECORDS_COUNT_OFFSET, input.records.length);
  batch.set(payload, RECORDS_OFFSET);
  view.setUint32(CRC_OFFSET, computeBatchCrc(batch));
  return batch;
}

function encodeRecords(records: readonly RecordInput[]): { recordBytes: Uint8Array; lastOffsetDelta: number; maxTimestampDelta: bigint } {
  const out = new RecordWriter(Math.max(64, records.length * 32));
  const body = new RecordWriter(64);
  let lastOffsetDelta = 0;
  let maxTimestampDelta = 0n;
  records.forEach((record, index) => {
    const offsetDelta = record.offsetDelta ?? index;
    const timestampDelta = record.timestampDelta ?? 0n;
    if (offsetDelta > lastOffsetDelta) lastOffsetDelta = offsetDelta;
    if (timestampDelta > maxTimestampDelta) maxTimestampDelta = timestampDelta;
    body.pos = 0;
    body.int8(record.attributes ?? 0);
    body.varlong(timestampDelta);
    body.varint(offsetDelta);
    body.nullableBytesWithLength(record.key);
    body.nullableBytesWithLength(record.value);
    const headers = record.headers ?? [];
    body.varint(headers.length);
    for (const header of headers) {
      body.utf8WithLength(header.key);
      body.nullableBytesWithLength(header.value);
    }
    const encoded = body.finish();
    out.varint(encoded.length);
    out.bytes(encoded);
  });
  return { recordBytes: out.finish(), lastOffsetDelta, maxTimestampDelta };
}
