import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBatchRecords, encodeRecordBatch, readBatchHeader, type RecordBatchView } from '../../src/protocol/records/index.js';

// Produce requests and Fetch responses captured from real clients (librdkafka's kcat and
// confluent-kafka, kafka-python, kafkajs) against librdkafka's mock cluster: batches written by
// compressors nobody here wrote. librdkafka writes raw snappy (no xerial header), the LZ4 frame with
// FLG 0x60 BD 0x40, and zstd frames without a content size.
const CORPUS = join(import.meta.dirname, '../fixtures/wire-corpus');
const present = existsSync(CORPUS);

/** Every v2 batch in a frame: found where a batch's length fits and its CRC32C holds. */
function batchesIn(frame: Uint8Array): RecordBatchView[] {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const found: RecordBatchView[] = [];
  for (let at = 0; at + 61 <= frame.length; at++) {
    if (frame[at + 16] !== 2) continue;
    const batchLength = view.getInt32(at + 8);
    if (batchLength < 49 || at + 12 + batchLength > frame.length) continue;
    const bytes = frame.subarray(at, at + 12 + batchLength);
    try {
      found.push({ header: readBatchHeader(bytes, at), bytes, position: at });
      at += 12 + batchLength - 1;
    } catch {
      // Not a batch here (the CRC does not hold): keep scanning.
    }
  }
  return found;
}

describe.skipIf(!present)('record batches from real clients (test/fixtures/wire-corpus)', () => {
  const frames = present ? readdirSync(CORPUS).filter((name) => /-k0v\d+\.req\.bin$|-k1v\d+\.res\.bin$/.test(name)) : [];
  const batches = frames.flatMap((name) => batchesIn(new Uint8Array(readFileSync(join(CORPUS, name)))).map((batch) => ({ name, batch })));

  it('holds batches in every codec', () => {
    expect(new Set(batches.map(({ batch }) => batch.header.compression))).toEqual(new Set(['none', 'gzip', 'snappy', 'lz4', 'zstd']));
  });

  it('every batch decodes to its declared count of records, each with the text value its client sent', () => {
    for (const { name, batch } of batches) {
      const records = decodeBatchRecords(batch, { maxUncompressedBytes: 1 << 20 });
      expect(records.length, name).toBe(batch.header.recordsCount);
      for (const record of records) {
        expect(new TextDecoder().decode(record.value!), name).toMatch(/^(value \d+ x*|kafka-python \d+|confluent \d+|acks -?\d+|no key)$/);
        expect(record.offset).toBe(batch.header.baseOffset + BigInt(record.offsetDelta));
      }
    }
  });

  it('our encoder writes the same bytes as the client for every uncompressed batch', () => {
    const uncompressed = batches.filter(({ batch }) => batch.header.compression === 'none');
    expect(uncompressed.length).toBeGreaterThan(0);
    for (const { name, batch } of uncompressed) {
      const again = encodeRecordBatch({ ...batch.header, records: decodeBatchRecords(batch, { maxUncompressedBytes: 1 << 20 }) });
      expect(Buffer.from(again).equals(Buffer.from(batch.bytes)), name).toBe(true);
    }
  });
});

if (!present) {
  describe('record batches from real clients', () => {
    it.skip('skipped: test/fixtures/wire-corpus is absent (captured by npm run capture:corpus)', () => {});
  });
}
