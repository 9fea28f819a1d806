/**
 * The one error record-batch decoding throws. Anything else escaping a decoder is a bug (the tests and
 * the fuzzer treat it as a crash).
 */
export type RecordsDecodeErrorKind =
  /** Fewer bytes than the batch header or `batchLength` says there are. */
  | 'truncated'
  /** CRC mismatch, a magic byte Kafka does not know, a batch smaller than its header. */
  | 'corrupt'
  /** A malformed record inside a well-formed batch: sizes, counts, negative lengths, leftovers. */
  | 'invalid-record'
  /** A magic 0 or 1 message set: Kafka 4.0 no longer accepts them on produce. */
  | 'legacy-magic'
  /** Compression codec bits 5, 6 or 7. */
  | 'unsupported-compression'
  /** The codec refused the compressed bytes. */
  | 'decompression-failed'
  /** The records would inflate past `maxUncompressedBytes`; refused before the output is allocated. */
  | 'too-large';

/**
 * The Kafka error a broker answers for each kind. `corrupt` and `invalid-record` are Kafka's own
 * (CorruptRecordException and InvalidRecordException, org.apache.kafka.common.record.DefaultRecordBatch
 * and DefaultRecord); `legacy-magic` is ProduceRequest.validateRecords' InvalidRecordException. Kafka
 * has no configured inflation bound and surfaces codec failures as a KafkaException
 * (UNKNOWN_SERVER_ERROR); naming them CORRUPT_MESSAGE is this project's choice, so that a client sees
 * the batch, not the broker, is at fault.
 */
export const kafkaErrorForRecordsDecodeError = {
  truncated: 'CORRUPT_MESSAGE',
  corrupt: 'CORRUPT_MESSAGE',
  'invalid-record': 'INVALID_RECORD',
  'legacy-magic': 'INVALID_RECORD',
  'unsupported-compression': 'CORRUPT_MESSAGE',
  'decompression-failed': 'CORRUPT_MESSAGE',
  'too-large': 'CORRUPT_MESSAGE',
} as const satisfies Record<RecordsDecodeErrorKind, string>;

export class RecordsDecodeError extends Error {
  override readonly name = 'RecordsDecodeError';
  constructor(
    readonly kind: RecordsDecodeErrorKind,
    /** Byte offset of the fault: in the input of `readBatchHeaders`, or in the batch, or (for a
     * compressed batch's records) in the decompressed records, as the message says. */
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`${kind} at byte ${offset}: ${detail}`);
  }

  get kafkaError(): (typeof kafkaErrorForRecordsDecodeError)[RecordsDecodeErrorKind] {
    return kafkaErrorForRecordsDecodeError[this.kind];
  }
}
