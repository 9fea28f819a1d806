/**
 * `npm run bench:codec` (also the end of `npm run bench`): the wire codecs beside kafkajs 2.2.4's
 * own encoders and decoders, on the same inputs, in the same run.
 *
 * Rows: a Produce v7 request of 1,000 records of 100 bytes (uncompressed and with each codec the
 * records module has), a Fetch v11 response holding the same batch, and a Metadata v6 response for
 * 1,000 partitions. Encoding includes building the record batch (and compressing); decoding
 * includes decoding every record (and decompressing), on both sides. kafkajs has no Produce
 * request decoder and no response encoders, and compresses only gzip without plugins: those cells
 * say so. Ratio = ours / kafkajs in ops/s (above 1: ours is faster).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../src/protocol/wire/index.js';
import { decodeBatchRecords, encodeRecordBatch, readBatchHeaders, type CompressionName, type RecordInput } from '../src/protocol/records/index.js';

const require = createRequire(import.meta.url);
const KAFKAJS = join(dirname(require.resolve('kafkajs/package.json')), 'src', 'protocol');
const kjs = (path: string): any => require(join(KAFKAJS, path));
const kafkajsFrame = kjs('request.js') as (r: unknown) => Promise<{ buffer: Buffer }>;
const kafkajsProduceV7 = kjs('requests/produce/v7/request.js');
const kafkajsFetchV11 = kjs('requests/fetch/v11/response.js');
const kafkajsMetadataV6 = kjs('requests/metadata/v6/response.js');
const { Types: KafkajsCompression } = kjs('message/compression/index.js');

const RECORDS = 1000;
const VALUE_BYTES = 100;
const PARTITIONS = 1000;
const MAX_BATCH_BYTES = 64 << 20;
const SECONDS_PER_ROW = Number(process.env['KSPEC_BENCH_CODEC_SECONDS'] ?? 1);
const BASE_TIMESTAMP = 1_700_000_000_000;

/** Runs `fn` repeatedly for about SECONDS_PER_ROW (after a warm-up) and returns ops/s. */
async function opsPerSecond(fn: () => unknown): Promise<number> {
  const deadline = (ms: number) => performance.now() + ms;
  for (let end = deadline(200); performance.now() < end; ) await fn();
  let ops = 0;
  const started = performance.now();
  for (const end = deadline(SECONDS_PER_ROW * 1000); performance.now() < end; ops++) await fn();
  return ops / ((performance.now() - started) / 1000);
}

/** 100-byte values that compress like text, not like zeros. */
function value(i: number): Buffer {
  const text = `record ${i} of ${RECORDS}: user-${i % 37} viewed page /p/${(i * 7919) % 1000} `;
  return Buffer.from(text.repeat(4).slice(0, VALUE_BYTES));
}
const keys = Array.from({ length: RECORDS }, (_, i) => Buffer.from(`key-${i}`));
const values = Array.from({ length: RECORDS }, (_, i) => value(i));
const ourRecords: RecordInput[] = keys.map((key, i) => ({ key, value: values[i]!, timestampDelta: BigInt(i), headers: [] }));
const kafkajsMessages = keys.map((key, i) => ({ key, value: values[i]!, timestamp: BASE_TIMESTAMP + i, headers: {} }));

function ourBatch(compression: CompressionName): Uint8Array {
  return encodeRecordBatch({ baseTimestamp: BigInt(BASE_TIMESTAMP), compression, records: ourRecords });
}

function ourProduceRequest(compression: CompressionName): Uint8Array {
  const body = { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: 'bench', partitionData: [{ index: 0, records: ourBatch(compression) }] }] };
  return encodeRequest({ requestApiKey: 0, requestApiVersion: 7, correlationId: 1, clientId: 'bench' }, body);
}

function decodeAllRecords(records: Uint8Array | null): number {
  let n = 0;
  if (records === null) return n;
  for (const batch of readBatchHeaders(records)) n += decodeBatchRecords(batch, { maxUncompressedBytes: MAX_BATCH_BYTES }).length;
  return n;
}

async function kafkajsProduceRequest(compression: number): Promise<Buffer> {
  const request = kafkajsProduceV7({
    acks: -1,
    timeout: 30_000,
    compression,
    topicData: [{ topic: 'bench', partitions: [{ partition: 0, messages: kafkajsMessages }] }],
  });
  return (await kafkajsFrame({ correlationId: 1, clientId: 'bench', request })).buffer;
}

function fetchResponseBody(records: Uint8Array) {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'bench',
        partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 1000n, lastStableOffset: 1000n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records }],
      },
    ],
  };
}

function metadataResponseBody() {
  const brokers = [1, 2, 3].map((nodeId) => ({ nodeId, host: `broker-${nodeId}.example`, port: 9092, rack: null }));
  const topics = Array.from({ length: 10 }, (_, t) => ({
    errorCode: 0,
    name: `topic-${t}`,
    isInternal: false,
    partitions: Array.from({ length: PARTITIONS / 10 }, (_, p) => ({
      errorCode: 0,
      partitionIndex: p,
      leaderId: (p % 3) + 1,
      replicaNodes: [1, 2, 3],
      isrNodes: [1, 2, 3],
      offlineReplicas: [],
    })),
  }));
  return { throttleTimeMs: 0, brokers, clusterId: 'bench-cluster', controllerId: 1, topics };
}

interface Row {
  name: string;
  ours: number;
  kafkajs: number | string;
}

function render(rows: Row[]): void {
  const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
  console.log(`${'codec row'.padEnd(44)} ${'ours ops/s'.padStart(12)} ${'kafkajs ops/s'.padStart(14)} ${'ratio'.padStart(7)}`);
  for (const r of rows) {
    const theirs = typeof r.kafkajs === 'number' ? fmt(r.kafkajs) : r.kafkajs;
    const ratio = typeof r.kafkajs === 'number' ? `${(r.ours / r.kafkajs).toFixed(2)}x` : '';
    console.log(`${r.name.padEnd(44)} ${fmt(r.ours).padStart(12)} ${theirs.padStart(14)} ${ratio.padStart(7)}`);
  }
}

async function main(): Promise<void> {
  console.log(`kspec codec bench: node ${process.version}, ${RECORDS} records x ${VALUE_BYTES} B, ${PARTITIONS} partitions, ~${SECONDS_PER_ROW}s per cell`);
  const rows: Row[] = [];
  const kafkajsCodec: Partial<Record<CompressionName, number>> = { none: KafkajsCompression.None, gzip: KafkajsCompression.GZIP };
  const codecs: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

  for (const codec of codecs) {
    const k = kafkajsCodec[codec];
    rows.push({
      name: `Produce v7 request encode (${codec})`,
      ours: await opsPerSecond(() => ourProduceRequest(codec)),
      kafkajs: k === undefined ? 'no codec' : await opsPerSecond(() => kafkajsProduceRequest(k)),
    });
  }
  for (const codec of codecs) {
    const frame = ourProduceRequest(codec);
    const check = decodeAllRecords((decodeRequest(frame).body as any).topicData[0].partitionData[0].records);
    if (check !== RECORDS) throw new Error(`Produce (${codec}) decoded ${check} records`);
    rows.push({
      name: `Produce v7 request decode (${codec})`,
      ours: await opsPerSecond(() => decodeAllRecords((decodeRequest(frame).body as any).topicData[0].partitionData[0].records)),
      kafkajs: 'no decoder',
    });
  }
  for (const codec of codecs) {
    const batch = ourBatch(codec);
    rows.push({
      name: `Fetch v11 response encode (${codec} batch)`,
      ours: await opsPerSecond(() => encodeResponse(1, 11, { correlationId: 1 }, fetchResponseBody(ourBatch(codec)))),
      kafkajs: 'no encoder',
    });
    const frame = encodeResponse(1, 11, { correlationId: 1 }, fetchResponseBody(batch));
    const payload = Buffer.from(frame.subarray(4));
    const ourDecode = () => decodeAllRecords((decodeResponse(1, 11, frame).body as any).responses[0].partitions[0].records);
    const kafkajsDecode = async () => (await kafkajsFetchV11.decode(payload)).responses[0].partitions[0].messages.length;
    if (ourDecode() !== RECORDS) throw new Error(`Fetch (${codec}): ours decoded ${ourDecode()} records`);
    const kafkajsCan = codec === 'none' || codec === 'gzip';
    if (kafkajsCan && (await kafkajsDecode()) !== RECORDS) throw new Error(`Fetch (${codec}): kafkajs decoded a different count`);
    rows.push({
      name: `Fetch v11 response decode (${codec} batch)`,
      ours: await opsPerSecond(ourDecode),
      kafkajs: kafkajsCan ? await opsPerSecond(kafkajsDecode) : 'no codec',
    });
  }
  const metadata = metadataResponseBody();
  const metadataFrame = encodeResponse(3, 6, { correlationId: 1 }, metadata);
  const metadataPayload = Buffer.from(metadataFrame.subarray(4));
  rows.push({ name: `Metadata v6 response encode (${PARTITIONS} partitions)`, ours: await opsPerSecond(() => encodeResponse(3, 6, { correlationId: 1 }, metadata)), kafkajs: 'no encoder' });
  rows.push({
    name: `Metadata v6 response decode (${PARTITIONS} partitions)`,
    ours: await opsPerSecond(() => decodeResponse(3, 6, metadataFrame)),
    kafkajs: await opsPerSecond(() => kafkajsMetadataV6.decode(metadataPayload)),
  });
  render(rows);
}

await main();
