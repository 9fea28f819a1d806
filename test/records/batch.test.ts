import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compressionNames,
  computeBatchCrc,
  decodeBatchRecords,
  encodeRecordBatch,
  readBatchHeaders,
  RecordsDecodeError,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  type RecordBatchInput,
  type RecordInput,
} from '../../src/protocol/records/index.js';

const MiB = 1 << 20;
const bound = { maxUncompressedBytes: MiB };
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const int16 = fc.integer({ min: -(2 ** 15), max: 2 ** 15 - 1 });
const nullableBytes = fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null });

const recordArb: fc.Arbitrary<RecordInput> = fc.record({
  attributes: fc.integer({ min: -128, max: 127 }),
  timestampDelta: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
  offsetDelta: int32,
  key: nullableBytes,
  value: nullableBytes,
  headers: fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 10 }), value: nullableBytes }), { maxLength: 3 }),
});

const batchArb: fc.Arbitrary<RecordBatchInput> = fc.record({
  baseOffset: int64,
  partitionLeaderEpoch: int32,
  compression: fc.constantFrom(...compressionNames),
  timestampType: fc.constantFrom('CreateTime' as const, 'LogAppendTime' as const),
  isTransactional: fc.boolean(),
  isControl: fc.boolean(),
  hasDeleteHorizon: fc.boolean(),
  lastOffsetDelta: int32,
  baseTimestamp: int64,
  maxTimestamp: int64,
  producerId: int64,
  producerEpoch: int16,
  baseSequence: int32,
  records: fc.array(recordArb, { maxLength: 8 }),
});

function decodeError(run: () => unknown): RecordsDecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof RecordsDecodeError) return error;
    throw new Error(`expected a RecordsDecodeError, got ${String(error)}`);
  }
  throw new Error('expected a RecordsDecodeError, decoding succeeded');
}

/** Cut or change a batch and make it well-formed again outside the records: batchLength and CRC. */
function reseal(batch: Uint8Array): Uint8Array {
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  view.setInt32(8, batch.length - 12);
  view.setUint32(17, computeBatchCrc(batch));
  return batch;
}

const simpleRecords = (count: number): RecordInput[] =>
  Array.from({ length: count }, (_, i) => ({ key: Uint8Array.of(i), value: new TextEncoder().encode(`value ${i}`), timestampDelta: BigInt(i * 10), headers: [{ key: 'h', value: Uint8Array.of(1, 2) }] }));

describe('RecordBatch v2: encode then decode', () => {
  it('round-trips every header field and record, for every codec and attribute combination', () => {
    fc.assert(
      fc.property(batchArb, (input) => {
        const bytes = encodeRecordBatch(input);
        const [batch, ...more] = readBatchHeaders(bytes);
        expect(more).toEqual([]);
        const { header } = batch!;
        expect(header).toMatchObject({
          baseOffset: input.baseOffset,
          batchLength: bytes.length - 12,
          partitionLeaderEpoch: input.partitionLeaderEpoch,
          magic: 2,
          compression: input.compression,
          timestampType: input.timestampType,
          isTransactional: input.isTransactional,
          isControl: input.isControl,
          hasDeleteHorizon: input.hasDeleteHorizon,
          lastOffsetDelta: input.lastOffsetDelta,
          baseTimestamp: input.baseTimestamp,
          maxTimestamp: input.maxTimestamp,
          producerId: input.producerId,
          producerEpoch: input.producerEpoch,
          baseSequence: input.baseSequence,
          recordsCount: input.records.length,
        });
        const records = decodeBatchRecords(batch!, bound);
        // Decompressed records are Buffers (a Uint8Array subclass): compare plain byte arrays.
        const plain = (bytes: Uint8Array | null) => bytes && Array.from(bytes);
        const normalize = (r: RecordInput) => ({
          attributes: r.attributes,
          timestampDelta: r.timestampDelta,
          offsetDelta: r.offsetDelta,
          key: plain(r.key),
          value: plain(r.value),
          headers: (r.headers ?? []).map((h) => ({ key: h.key, value: plain(h.value) })),
        });
        expect(records.map(normalize)).toEqual(input.records.map(normalize));
        records.forEach((record, i) => {
          const offsetDelta = input.records[i]!.offsetDelta!;
          expect(record.offset).toBe(input.baseOffset! + BigInt(offsetDelta));
          expect(record.timestamp).toBe(input.timestampType === 'LogAppendTime' ? input.maxTimestamp : input.baseTimestamp + input.records[i]!.timestampDelta!);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('re-encodes a decoded uncompressed batch to the same bytes', () => {
    fc.assert(
      fc.property(batchArb, (input) => {
        const bytes = encodeRecordBatch({ ...input, compression: 'none' });
        const [batch] = readBatchHeaders(bytes);
        const again = encodeRecordBatch({ ...batch!.header, records: decodeBatchRecords(batch!, bound) });
        expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it('reads several batches back to back, each a view of the input at its position', () => {
    const first = encodeRecordBatch({ baseOffset: 0n, baseTimestamp: 1n, records: simpleRecords(2) });
    const second = encodeRecordBatch({ baseOffset: 2n, baseTimestamp: 1n, compression: 'gzip', records: simpleRecords(3) });
    const both = new Uint8Array(first.length + second.length);
    both.set(first);
    both.set(second, first.length);
    const batches = readBatchHeaders(both);
    expect(batches.map((b) => [b.position, b.header.baseOffset, b.header.recordsCount])).toEqual([[0, 0n, 2], [first.length, 2n, 3]]);
    expect(batches[1]!.bytes.buffer).toBe(both.buffer);
  });

  it('a batch with no records is read without touching its codec (DefaultRecordBatch.iterator: count 0 is empty)', () => {
    // Compaction can leave a batch with no records; Kafka never inflates one.
    for (const compression of compressionNames) {
      const header = encodeRecordBatch({ baseTimestamp: 0n, compression, records: simpleRecords(1) }).slice(0, 61);
      new DataView(header.buffer).setInt32(57, 0);
      reseal(header);
      expect(decodeBatchRecords(readBatchHeaders(header)[0]!, bound)).toEqual([]);
    }
  });

  it('derives sequences with wrap-around at 2^31 (DefaultRecordBatch.incrementSequence)', () => {
    const bytes = encodeRecordBatch({ baseTimestamp: 0n, baseSequence: 2 ** 31 - 2, producerId: 1n, producerEpoch: 0, records: simpleRecords(4) });
    expect(decodeBatchRecords(readBatchHeaders(bytes)[0]!, bound).map((r) => r.sequence)).toEqual([2 ** 31 - 2, 2 ** 31 - 1, 0, 1]);
    const none = encodeRecordBatch({ baseTimestamp: 0n, records: simpleRecords(2) });
    expect(decodeBatchRecords(readBatchHeaders(none)[0]!, bound).map((r) => r.sequence)).toEqual([-1, -1]);
  });
});

describe('the CRC covers attributes to the end, not baseOffset, batchLength or partitionLeaderEpoch', () => {
  it('a flipped bit anywhere from attributes on is caught as corrupt (CORRUPT_MESSAGE)', () => {
    const bytes = encodeRecordBatch({ baseTimestamp: 5n, records: simpleRecords(3) });
    for (let i = 21; i < bytes.length; i++) {
      const copy = bytes.slice();
      copy[i]! ^= 0x01;
      const error = decodeError(() => readBatchHeaders(copy));
      expect([error.kind, error.offset, error.kafkaError]).toEqual(['corrupt', 17, 'CORRUPT_MESSAGE']);
    }
  });

  it('the broker assigns baseOffset and stamps the leader epoch in place, and the CRC still holds', () => {
    fc.assert(
      fc.property(batchArb, int64, int32, (input, baseOffset, epoch) => {
        const bytes = encodeRecordBatch(input);
        setBaseOffset(bytes, baseOffset);
        setPartitionLeaderEpoch(bytes, epoch);
        const [batch] = readBatchHeaders(bytes);
        expect([batch!.header.baseOffset, batch!.header.partitionLeaderEpoch]).toEqual([baseOffset, epoch]);
        expect(decodeBatchRecords(batch!, bound).map((r) => r.offset)).toEqual(input.records.map((r) => baseOffset + BigInt(r.offsetDelta!)));
      }),
      { numRuns: 50 },
    );
  });

  it('LogAppendTime rewrites the attributes and maxTimestamp and writes the CRC again', () => {
    const bytes = encodeRecordBatch({ baseTimestamp: 5n, records: simpleRecords(3) });
    setLogAppendTime(bytes, 1_700_000_000_000n);
    const [batch] = readBatchHeaders(bytes);
    expect([batch!.header.timestampType, batch!.header.maxTimestamp]).toEqual(['LogAppendTime', 1_700_000_000_000n]);
    expect(decodeBatchRecords(batch!, bound).map((r) => r.timestamp)).toEqual([1_700_000_000_000n, 1_700_000_000_000n, 1_700_000_000_000n]);
  });
});

describe('hostile batches are refused with a RecordsDecodeError', () => {
  const samples = compressionNames.map((compression) => encodeRecordBatch({ baseTimestamp: 9n, compression, records: simpleRecords(5) }));

  it('a batch cut at any byte is truncated (or ignored, as a Fetch response may end)', () => {
    for (const bytes of samples) {
      for (let length = 1; length < bytes.length; length++) {
        const prefix = bytes.subarray(0, length);
        expect(decodeError(() => readBatchHeaders(prefix)).kind).toBe('truncated');
        expect(readBatchHeaders(prefix, { partialTrailingBatch: 'ignore' })).toEqual([]);
      }
    }
  });

  it('records cut at any byte, with batchLength and CRC made right again, fail inside the batch', () => {
    for (const bytes of samples) {
      for (let length = 61; length < bytes.length; length++) {
        const cut = reseal(bytes.slice(0, length));
        const error = decodeError(() => decodeBatchRecords(readBatchHeaders(cut)[0]!, bound));
        expect(['invalid-record', 'decompression-failed']).toContain(error.kind);
      }
    }
  });

  it('any byte of the records changed, CRC made right again: decodes or throws RecordsDecodeError, nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, xor) => {
        const changed = bytes.slice();
        changed[61 + (at % (bytes.length - 61))]! ^= xor;
        reseal(changed);
        try {
          decodeBatchRecords(readBatchHeaders(changed)[0]!, bound);
        } catch (error) {
          expect(error).toBeInstanceOf(RecordsDecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('legacy message sets (magic 0 and 1) are refused as INVALID_RECORD, as Kafka 4.0 refuses them on produce', () => {
    for (const magic of [0, 1]) {
      const bytes = encodeRecordBatch({ baseTimestamp: 0n, records: simpleRecords(1) });
      bytes[16] = magic;
      const error = decodeError(() => readBatchHeaders(bytes));
      expect([error.kind, error.offset, error.kafkaError]).toEqual(['legacy-magic', 16, 'INVALID_RECORD']);
    }
    // A v0 message set as a 0.10 client sends it: offset, size 14+, crc, magic 0 at the same position.
    const v0 = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 14, 1, 2, 3, 4, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);
    expect(decodeError(() => readBatchHeaders(v0)).kind).toBe('legacy-magic');
  });

  it('an unknown magic, a batchLength below the header, or an unknown codec is refused', () => {
    const bytes = encodeRecordBatch({ baseTimestamp: 0n, records: simpleRecords(1) });
    const badMagic = bytes.slice();
    badMagic[16] = 3;
    expect(decodeError(() => readBatchHeaders(badMagic)).kind).toBe('corrupt');
    const short = bytes.slice();
    new DataView(short.buffer).setInt32(8, 40);
    expect(decodeError(() => readBatchHeaders(short)).kind).toBe('corrupt');
    const negative = bytes.slice();
    new DataView(negative.buffer).setInt32(8, -1);
    expect(decodeError(() => readBatchHeaders(negative)).kind).toBe('corrupt');
    const codec = bytes.slice();
    codec[22] = (codec[22]! & ~7) | 5;
    reseal(codec);
    expect(decodeError(() => readBatchHeaders(codec)).kind).toBe('unsupported-compression');
  });

  it('a records count past what the bytes can hold, or below zero, is refused before decoding', () => {
    for (const count of [1_000_000, -1, 6]) {
      const bytes = encodeRecordBatch({ baseTimestamp: 0n, records: simpleRecords(5) });
      new DataView(bytes.buffer).setInt32(57, count);
      reseal(bytes);
      const error = decodeError(() => decodeBatchRecords(readBatchHeaders(bytes)[0]!, bound));
      expect(error.kind).toBe('invalid-record');
    }
  });

  it('negative lengths other than the -1 null marker are refused', () => {
    // One record, key length -2 (zigzag 3), value null, no headers.
    const record = Uint8Array.of(0, 0, 0, 3, 1, 0);
    const bytes = encodeRecordBatch({ baseTimestamp: 0n, records: [{ key: null, value: null }] });
    const batch = new Uint8Array(61 + 1 + record.length);
    batch.set(bytes.subarray(0, 61));
    batch[61] = record.length * 2;
    batch.set(record, 62);
    reseal(batch);
    const error = decodeError(() => decodeBatchRecords(readBatchHeaders(batch)[0]!, bound));
    expect([error.kind, error.detail]).toEqual(['invalid-record', 'key has negative length -2 (offset in the batch)']);
  });

  it('bytes left over after the declared records are refused (InvalidRecordException)', () => {
    const bytes = encodeRecordBatch({ baseTimestamp: 0n, records: simpleRecords(3) });
    new DataView(bytes.buffer).setInt32(57, 2);
    reseal(bytes);
    expect(decodeError(() => decodeBatchRecords(readBatchHeaders(bytes)[0]!, bound)).detail).toMatch(/remain after 2 records/);
  });

  it('a compressed batch that inflates past maxUncompressedBytes is refused as too-large', () => {
    const bytes = encodeRecordBatch({ baseTimestamp: 0n, compression: 'zstd', records: [{ key: null, value: new Uint8Array(200_000) }] });
    const error = decodeError(() => decodeBatchRecords(readBatchHeaders(bytes)[0]!, { maxUncompressedBytes: 100_000 }));
    expect([error.kind, error.offset]).toEqual(['too-large', 61 + 5]);
  });
});
