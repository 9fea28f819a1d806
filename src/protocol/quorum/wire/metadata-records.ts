/**
 * The metadata log's records as the bytes of a Fetch response: v2 record batches, one per run of
 * records of one epoch, the epoch in partitionLeaderEpoch and each record's value (the model's
 * metadata record text) as the record value, as KafkaMetadataLog hands the leader's batches out.
 */
import { decodeBatchRecords, encodeRecordBatch, readBatchHeaders } from '../../records/index.js';
import type { LogRecord } from '../fetch.js';

/** Decompressed bytes a batch may claim before it is refused (the model's metadata batches are small). */
const MAX_UNCOMPRESSED_BATCH_BYTES = 64 * 1024 * 1024;

export function encodeMetadataRecords(records: readonly LogRecord[]): Uint8Array {
  const batches: Uint8Array[] = [];
  let run: LogRecord[] = [];
  const flush = (): void => {
    const first = run[0];
    if (first === undefined) return;
    batches.push(encodeRecordBatch({
      baseOffset: BigInt(first.offset), partitionLeaderEpoch: first.epoch, baseTimestamp: 0n,
      records: run.map((r, i) => ({ offsetDelta: i, timestampDelta: 0n, key: null, value: Buffer.from(r.value, 'utf8') })),
    }));
    run = [];
  };
  for (const record of records) {
    const previous = run[run.length - 1];
    if (previous !== undefined && (previous.epoch !== record.epoch || previous.offset + 1 !== record.offset)) flush();
    run.push(record);
  }
  flush();
  return Buffer.concat(batches);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The records of a Fetch response's batches; throws on a corrupt batch or a record without a value. A trailing partial batch is skipped, as a fetcher skips it. */
export function decodeMetadataRecords(bytes: Uint8Array | null): LogRecord[] {
  if (bytes === null || bytes.length === 0) return [];
  const out: LogRecord[] = [];
  for (const view of readBatchHeaders(bytes, { partialTrailingBatch: 'ignore' })) {
    const epoch = view.header.partitionLeaderEpoch;
    for (const r of decodeBatchRecords(view, { maxUncompressedBytes: MAX_UNCOMPRESSED_BATCH_BYTES })) {
      if (r.value === null) throw new Error(`a metadata record without a value at offset ${r.offset}`);
      out.push({ offset: Number(r.offset), epoch, value: utf8.decode(r.value) });
    }
  }
  return out;
}
