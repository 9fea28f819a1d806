/**
 * A quick micro-bench of the generated wire codecs beside kafkajs 2.2.4's own Encoder/Decoder on
 * the same messages (the full codec rows of `npm run bench` belong to bench/codec*.ts). Each row
 * is the best of 5 rounds, so that a busy machine's noise inflates both sides less.
 *
 *   npx tsx bench/wire-micro.bench.ts
 */
import { createRequire } from 'node:module';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../src/protocol/wire/index.js';

const require = createRequire(import.meta.url);
const KafkaJsEncoder = require('kafkajs/src/protocol/encoder') as new () => KafkaJsEncoderApi;
const kafkaJsMetadataV5 = require('kafkajs/src/protocol/requests/metadata/v5/response') as { decode: (b: Buffer) => Promise<unknown> };
interface KafkaJsEncoderApi {
  buffer: Buffer;
  writeInt16(v: number): KafkaJsEncoderApi; writeInt32(v: number): KafkaJsEncoderApi; writeBoolean(v: boolean): KafkaJsEncoderApi;
  writeString(v: string | null): KafkaJsEncoderApi; writeArray(v: unknown[]): KafkaJsEncoderApi; writeBuffer(v: Buffer): KafkaJsEncoderApi;
}

function microsPerOp(iterations: number, run: () => unknown): number {
  for (let i = 0; i < Math.min(iterations, 200); i++) run();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
  return best;
}

function row(name: string, kspec: number, kafkajs?: number): void {
  const ratio = kafkajs === undefined ? '' : `  kafkajs/kspec ${(kafkajs / kspec).toFixed(2)}`;
  console.log(`${name.padEnd(58)} kspec ${kspec.toFixed(1).padStart(8)} µs${kafkajs === undefined ? '' : `  kafkajs ${kafkajs.toFixed(1).padStart(8)} µs`}${ratio}`);
}

// Metadata v5 response: 3 brokers, 10 topics of 100 partitions, 3 replicas each.
const metadata = {
  throttleTimeMs: 0, clusterId: 'cluster-abc', controllerId: 1, clusterAuthorizedOperations: -2147483648,
  brokers: [0, 1, 2].map((nodeId) => ({ nodeId, host: `broker-${nodeId}.example.com`, port: 9092, rack: null })),
  topics: Array.from({ length: 10 }, (_, t) => ({
    errorCode: 0, name: `topic-${t}`, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', isInternal: false, topicAuthorizedOperations: -2147483648,
    partitions: Array.from({ length: 100 }, (_, p) => ({ errorCode: 0, partitionIndex: p, leaderId: p % 3, leaderEpoch: -1, replicaNodes: [0, 1, 2], isrNodes: [0, 1, 2], offlineReplicas: [] })),
  })),
};
const metadataFrame = encodeResponse(3, 5, { correlationId: 1 }, metadata);
const metadataBody = Buffer.from(metadataFrame.subarray(4)); // kafkajs's decoder starts after the correlation id
row('Metadata v5 response decode, 1,000 partitions',
  microsPerOp(300, () => decodeResponse(3, 5, metadataFrame)),
  microsPerOp(300, () => kafkaJsMetadataV5.decode(metadataBody)));
row('Metadata v5 response encode, 1,000 partitions (kafkajs: Encoder)',
  microsPerOp(300, () => encodeResponse(3, 5, { correlationId: 1 }, metadata)),
  microsPerOp(300, () => new KafkaJsEncoder().writeInt32(1).writeInt32(0)
    .writeArray(metadata.brokers.map((b) => new KafkaJsEncoder().writeInt32(b.nodeId).writeString(b.host).writeInt32(b.port).writeString(b.rack)))
    .writeString(metadata.clusterId).writeInt32(1)
    .writeArray(metadata.topics.map((t) => new KafkaJsEncoder().writeInt16(0).writeString(t.name).writeBoolean(false)
      .writeArray(t.partitions.map((p) => new KafkaJsEncoder().writeInt16(0).writeInt32(p.partitionIndex).writeInt32(p.leaderId)
        .writeArray(p.replicaNodes).writeArray(p.isrNodes).writeArray(p.offlineReplicas))))).buffer));

// Produce v3 request around one 100 kB batch (the batch itself is bench/records.bench.ts's business).
const records = new Uint8Array(1000 * 100 + 61);
const produce = { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records }] }] };
const produceHeader = { requestApiKey: 0, requestApiVersion: 3, correlationId: 1, clientId: 'c' };
const recordsBuffer = Buffer.from(records.buffer);
row('Produce v3 request encode, one 100 kB batch (kafkajs: Encoder)',
  microsPerOp(300, () => encodeRequest(produceHeader, produce)),
  microsPerOp(300, () => new KafkaJsEncoder().writeInt16(0).writeInt16(3).writeInt32(1).writeString('c').writeString(null).writeInt16(-1).writeInt32(30000)
    .writeArray([new KafkaJsEncoder().writeString('orders').writeArray([new KafkaJsEncoder().writeInt32(0).writeInt32(recordsBuffer.length).writeBuffer(recordsBuffer)])]).buffer));
const produceFrame = encodeRequest(produceHeader, produce);
row('Produce v3 request decode, one 100 kB batch (a view, no copy)', microsPerOp(3000, () => decodeRequest(produceFrame)));

const heartbeat = { groupId: 'group-1', generationId: 5, memberId: 'member-abc', groupInstanceId: null };
const heartbeatHeader = { requestApiKey: 12, requestApiVersion: 4, correlationId: 1, clientId: 'c' };
const heartbeatFrame = encodeRequest(heartbeatHeader, heartbeat);
row('Heartbeat v4 request encode', microsPerOp(20000, () => encodeRequest(heartbeatHeader, heartbeat)));
row('Heartbeat v4 request decode', microsPerOp(20000, () => decodeRequest(heartbeatFrame)));
