import { readBatchHeader, readBatchHeaders, type RecordBatchView } from './batch.js';
import { RecordsDecodeError } from './errors.js';

export type ProduceRecordsCheck =
  | { ok: true; batch: RecordBatchView }
  | { ok: false; error: 'INVALID_RECORD' | 'UNSUPPORTED_COMPRESSION_TYPE' | 'CORRUPT_MESSAGE'; message: string };

/** The first Produce version that may carry zstd (KIP-110). */
const FIRST_ZSTD_PRODUCE_VERSION = 7;

/**
 * One partition's `records` in a Produce request (v3+, the only versions Kafka 4.0 serves), checked as
 * ProduceRequest.validateRecords does before the partition is appended: at least one batch, magic 2,
 * no zstd before v7, exactly one batch; then the batch's CRC (DefaultRecordBatch.ensureValid, on append).
 * A partial batch after the first is dropped as Kafka's batch iterator drops it. The answer is the
 * partition's error; the batch view is the bytes to append.
 */
export function validateProduceRecords(produceVersion: number, records: Uint8Array): ProduceRecordsCheck {
  try {
    const batches = readBatchHeaders(records, { verifyCrc: false, partialTrailingBatch: 'ignore' });
    const first = batches[0];
    if (first === undefined) {
      return { ok: false, error: 'INVALID_RECORD', message: `Produce requests with version ${produceVersion} must have at least one record batch per partition` };
    }
    if (first.header.compression === 'zstd' && produceVersion < FIRST_ZSTD_PRODUCE_VERSION) {
      return { ok: false, error: 'UNSUPPORTED_COMPRESSION_TYPE', message: `Produce requests with version ${produceVersion} are not allowed to use ZStandard compression` };
    }
    if (batches.length > 1) {
      return { ok: false, error: 'INVALID_RECORD', message: `Produce requests with version ${produceVersion} are only allowed to contain exactly one record batch per partition` };
    }
    readBatchHeader(first.bytes, first.position, true);
    return { ok: true, batch: first };
  } catch (error) {
    if (error instanceof RecordsDecodeError) return { ok: false, error: error.kafkaError, message: error.message };
    throw error;
  }
}
