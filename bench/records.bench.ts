/**
 * Record batch codec speed: encode and decode of one batch of 1,000 records of 100 bytes, uncompressed
 * and with each codec, beside kafkajs 2.2.4's RecordBatch encoder/decoder where it has the codec
 * (none, gzip). Run: npx tsx bench/records.bench.ts
 */
import { createRequire } from 'node:module';
import { compressionNames, decodeBatchRecords, encodeRecordBatch, readBatchHeaders, type RecordInput } from '../src/protocol/records/index.js';

const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const decodeKafkajsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
const Decoder = require('kafkajs/src/protocol/decoder.js');

const RECORDS = 1000;
const VALUE_BYTES = 100;
let seed = 42;
const nextByte = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) % 64 + 32; // printable, compressible like text
const records: RecordInput[] = Array.from({ length: RECORDS }, (_, i) => ({
  key: new TextEncoder().encode(`key-${i % 100}`),
  value: Uint8Array.from({ length: VALUE_BYTES }, nextByte),
  offsetDelta: i,
  timestampDelta: BigInt(i),
}));

async function time(run: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await run();
  const iterations = 200;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await run();
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

const rows: string[] = [];
const row = (what: string, ours: number, theirs?: number) =>
  rows.push(`${what.padEnd(22)} ${ours.toFixed(0).padStart(7)} µs${theirs === undefined ? '' : `   kafkajs ${theirs.toFixed(0).padStart(7)} µs   kafkajs/ours ${(theirs / ours).toFixed(2)}`}`);

for (const compression of compressionNames) {
  const bytes = encodeRecordBatch({ baseTimestamp: 1_700_000_000_000n, compression, records });
  const encode = await time(() => encodeRecordBatch({ baseTimestamp: 1_700_000_000_000n, compression, records }));
  const decode = await time(() => decodeBatchRecords(readBatchHeaders(bytes)[0]!, { maxUncompressedBytes: 1 << 24 }));
  let theirEncode: number | undefined;
  let theirDecode: number | undefined;
  if (compression === 'none' || compression === 'gzip') {
    const kafkajsInput = () => ({
      compression: compression === 'gzip' ? 1 : 0,
      firstTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_999,
      lastOffsetDelta: RECORDS - 1,
      records: records.map((r, i) => KafkajsRecord({ offsetDelta: i, timestampDelta: i, key: Buffer.from(r.key!), value: Buffer.from(r.value!) })),
    });
    theirEncode = await time(() => RecordBatch(kafkajsInput()));
    const buffer = Buffer.from(bytes);
    theirDecode = await time(() => decodeKafkajsBatch(new Decoder(buffer)));
  }
  row(`encode ${compression} (${bytes.length} B)`, encode, theirEncode);
  row(`decode ${compression}`, decode, theirDecode);
}
console.log(`one batch of ${RECORDS} records of ${VALUE_BYTES} bytes, node ${process.version}`);
for (const line of rows) console.log(line);
