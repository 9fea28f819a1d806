import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBatchRecords, encodeRecordBatch, readBatchHeaders } from '../../src/protocol/records/index.js';

// kafkajs 2.2.4's own RecordBatch v0 (magic 2) encoder and decoder: an implementation nobody here wrote.
const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (input: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (input: Record<string, unknown>) => unknown;
const decodeKafkajsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (decoder: unknown) => Promise<KafkajsBatch>;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => unknown;
const Long = require('kafkajs/src/utils/long.js') as { fromString(value: string): unknown };

interface KafkajsBatch {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  timestampType: number;
  records: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer> }[];
}

const compressionIds = { none: 0, gzip: 1 } as const;

const recordArb = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 30 }), { nil: null }),
  value: fc.option(fc.uint8Array({ maxLength: 60 }), { nil: null }),
  timestampDelta: fc.integer({ min: 0, max: 1_000_000 }),
  // kafkajs keeps headers in an object: keys are prefixed so none is integer-like (those sort first).
  headers: fc.uniqueArray(fc.record({ key: fc.string({ unit: 'grapheme-ascii', maxLength: 8 }).map((s) => `h-${s}`), value: fc.uint8Array({ maxLength: 10 }) }), {
    maxLength: 3,
    selector: (h) => h.key,
  }),
});

const batchArb = fc.record({
  compression: fc.constantFrom('none' as const, 'gzip' as const),
  baseOffset: fc.bigInt({ min: 0n, max: 2n ** 62n }),
  baseTimestamp: fc.bigInt({ min: 0n, max: 2n ** 45n }),
  partitionLeaderEpoch: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  isTransactional: fc.boolean(),
  producerId: fc.bigInt({ min: -1n, max: 2n ** 62n }),
  producerEpoch: fc.integer({ min: 0, max: 32767 }),
  baseSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  records: fc.array(recordArb, { minLength: 1, maxLength: 6 }),
});

const toBuffer = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes));

describe('record batches against kafkajs 2.2.4', () => {
  it('a batch kafkajs encodes decodes with ours, field for field (none and gzip)', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async (input) => {
        const maxTimestamp = input.baseTimestamp + BigInt(Math.max(...input.records.map((r) => r.timestampDelta)));
        const encoded = await RecordBatch({
          compression: compressionIds[input.compression],
          firstOffset: Long.fromString(String(input.baseOffset)),
          firstTimestamp: Long.fromString(String(input.baseTimestamp)),
          maxTimestamp: Long.fromString(String(maxTimestamp)),
          partitionLeaderEpoch: input.partitionLeaderEpoch,
          lastOffsetDelta: input.records.length - 1,
          transactional: input.isTransactional,
          producerId: Long.fromString(String(input.producerId)),
          producerEpoch: input.producerEpoch,
          firstSequence: input.baseSequence,
          records: input.records.map((r, i) =>
            Record({
              offsetDelta: i,
              timestampDelta: r.timestampDelta,
              key: toBuffer(r.key),
              value: toBuffer(r.value),
              headers: Object.fromEntries(r.headers.map((h) => [h.key, Buffer.from(h.value)])),
            }),
          ),
        });
        const [batch, ...rest] = readBatchHeaders(encoded.buffer);
        expect(rest).toEqual([]);
        expect(batch!.header).toMatchObject({
          baseOffset: input.baseOffset,
          partitionLeaderEpoch: input.partitionLeaderEpoch,
          compression: input.compression,
          timestampType: 'CreateTime',
          isTransactional: input.isTransactional,
          isControl: false,
          lastOffsetDelta: input.records.length - 1,
          baseTimestamp: input.baseTimestamp,
          maxTimestamp,
          producerId: input.producerId,
          producerEpoch: input.producerEpoch,
          baseSequence: input.baseSequence,
          recordsCount: input.records.length,
        });
        const records = decodeBatchRecords(batch!, { maxUncompressedBytes: 1 << 20 });
        expect(
          records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key && Array.from(r.key), value: r.value && Array.from(r.value), headers: r.headers.map((h) => ({ key: h.key, value: Array.from(h.value!) })) })),
        ).toEqual(
          input.records.map((r, i) => ({
            offset: input.baseOffset + BigInt(i),
            timestamp: input.baseTimestamp + BigInt(r.timestampDelta),
            key: r.key && Array.from(r.key),
            value: r.value && Array.from(r.value),
            headers: r.headers.map((h) => ({ key: h.key, value: Array.from(h.value) })),
          })),
        );
      }),
      { numRuns: 60 },
    );
  });

  it("a batch we encode decodes with kafkajs's decoder, field for field (none and gzip)", async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async (input) => {
        const bytes = encodeRecordBatch({
          ...input,
          records: input.records.map((r, i) => ({ offsetDelta: i, timestampDelta: BigInt(r.timestampDelta), key: r.key, value: r.value, headers: r.headers })),
        });
        const decoded = await decodeKafkajsBatch(new Decoder(Buffer.from(bytes)));
        const maxTimestamp = input.baseTimestamp + BigInt(Math.max(...input.records.map((r) => r.timestampDelta)));
        expect(decoded).toMatchObject({
          firstOffset: String(input.baseOffset),
          firstTimestamp: String(input.baseTimestamp),
          maxTimestamp: String(maxTimestamp),
          partitionLeaderEpoch: input.partitionLeaderEpoch,
          inTransaction: input.isTransactional,
          isControlBatch: false,
          lastOffsetDelta: input.records.length - 1,
          producerId: String(input.producerId),
          producerEpoch: input.producerEpoch,
          firstSequence: input.baseSequence,
        });
        expect(
          decoded.records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key && Array.from(r.key), value: r.value && Array.from(r.value), headers: Object.entries(r.headers).map(([key, value]) => ({ key, value: Array.from(value) })) })),
        ).toEqual(
          input.records.map((r, i) => ({
            offset: String(input.baseOffset + BigInt(i)),
            timestamp: String(input.baseTimestamp + BigInt(r.timestampDelta)),
            key: r.key && Array.from(r.key),
            value: r.value && Array.from(r.value),
            headers: r.headers.map((h) => ({ key: h.key, value: Array.from(h.value) })),
          })),
        );
      }),
      { numRuns: 60 },
    );
  });
});
