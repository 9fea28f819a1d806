/**
 * The gateway's Kafka rules as a client meets them over TCP, with kspec's own codecs: which APIs
 * and versions are served (KIP-511), what closes a connection, Metadata and auto-creation, and a
 * produced batch fetched back byte for byte with the offset and leader epoch the leader gave it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecordBatch, readBatchHeader } from '../../src/protocol/records/index.js';
import { encodeRequest } from '../../src/protocol/wire/index.js';
import { servedApis } from '../../src/cluster/gateway/api-versions.js';
import type { LiveCluster } from '../../src/runtime/cluster.js';
import { fitRequest, RawClient, startTestCluster } from './helpers.js';

let cluster: LiveCluster;
const port = (i = 0): number => cluster.brokers[i]!.port;

beforeAll(async () => {
  cluster = await startTestCluster(['socket.request.max.bytes=1048576']);
}, 40_000);
afterAll(async () => cluster?.close());

type Body = Record<string, any>;

describe('ApiVersions (KIP-511)', () => {
  it('advertises exactly the APIs and versions the gateway serves', async () => {
    const client = await RawClient.open(port());
    const answer = await client.request<Body>(18, 3, fitRequest(18, 3, { clientSoftwareName: 'kspec-test', clientSoftwareVersion: '1' }));
    client.close();
    expect(answer?.['errorCode']).toBe(0);
    const advertised = (answer?.['apiKeys'] as Body[]).map((k) => [k['apiKey'], k['minVersion'], k['maxVersion']]);
    expect(advertised).toEqual(servedApis().map((a) => [a.apiKey, a.minVersion, a.maxVersion]));
    expect(advertised.map((a) => a[0])).toEqual(expect.arrayContaining([0, 1, 2, 3, 18, 19, 22]));
  });

  it('answers an ApiVersions version it does not know in v0 with UNSUPPORTED_VERSION and its versions', async () => {
    const client = await RawClient.open(port());
    // v99 of ApiVersions: the header says so; the body is whatever v3 would carry.
    const frame = encodeRequest({ requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: 'x' }, fitRequest(18, 3, {}));
    const patched = Buffer.from(frame);
    patched.writeInt16BE(99, 2);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(patched.length);
    client.sendRaw(Buffer.concat([prefix, patched]));
    const response = await client.nextFrame();
    client.close();
    expect(response).not.toBeNull();
    const { decodeResponse } = await import('../../src/protocol/wire/index.js');
    const body = decodeResponse(18, 0, response!).body as Body;
    expect(body['errorCode']).toBe(35);
    expect((body['apiKeys'] as Body[]).length).toBe(servedApis().length);
    expect(response!.readInt32BE(0)).toBe(7);
  });

  it('closes the connection for an API it does not serve, and for a version outside the served range', async () => {
    const vote = await RawClient.open(port());
    expect(await vote.request(52, 0, fitRequest(52, 0, { topics: [] }))).toBeNull();
    const oldProduce = await RawClient.open(port());
    expect(await oldProduce.request(0, 2, fitRequest(0, 2, { acks: 1, timeoutMs: 1000, topicData: [] }))).toBeNull();
  });
});

describe('connections', () => {
  it('closes a connection whose size prefix passes socket.request.max.bytes, before reading the frame', async () => {
    const client = await RawClient.open(port());
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(2 * 1024 * 1024);
    client.sendRaw(prefix);
    await client.closedPromise;
    expect(client.closed).toBe(true);
  });

  it('a malformed frame closes that connection only', async () => {
    const bad = await RawClient.open(port());
    const good = await RawClient.open(port());
    bad.sendRaw(Buffer.from([0, 0, 0, 3, 0, 3, 0]));
    await bad.closedPromise;
    const answer = await good.request<Body>(3, 12, fitRequest(3, 12, { topics: [] }));
    good.close();
    expect(answer?.['brokers']).toHaveLength(3);
  });

  it('answers requests of one connection in order, one at a time', async () => {
    const client = await RawClient.open(port());
    const answers = await Promise.all([1, 2, 3].map(() => client.request<Body>(3, 12, fitRequest(3, 12, { topics: null }))));
    client.close();
    expect(answers.every((a) => a !== null)).toBe(true);
  });
});

describe('int64 values past 2^53 (found by the live fuzz test: they closed the connection as a kspec bug)', () => {
  it('InitProducerId naming such a producer id is answered INVALID_REQUEST, and the connection stays open', async () => {
    const client = await RawClient.open(port());
    const answer = await client.request<Body>(22, 4, fitRequest(22, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: 2n ** 62n, producerEpoch: 0 }));
    expect(answer?.['errorCode']).toBe(42);
    expect(await client.request<Body>(18, 3, fitRequest(18, 3, {}))).not.toBeNull();
    client.close();
  });
});

describe('Metadata', () => {
  it('auto-creates an unknown topic (LEADER_NOT_AVAILABLE first), with num.partitions', async () => {
    const client = await RawClient.open(port());
    const ask = () => client.request<Body>(3, 12, fitRequest(3, 12, { topics: [{ name: 'auto-made' }], allowAutoTopicCreation: true }));
    const first = await ask();
    expect(first?.['topics'][0]['errorCode']).toBe(5);
    let topic: Body | undefined;
    for (let i = 0; i < 100 && topic?.['errorCode'] !== 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      topic = (await ask())?.['topics'][0];
    }
    client.close();
    expect(topic?.['errorCode']).toBe(0);
    expect(topic?.['partitions']).toHaveLength(1);
    expect(topic?.['topicId']).not.toBe('AAAAAAAAAAAAAAAAAAAAAA');
  });

  it('does not create a topic the request does not allow to be created', async () => {
    const client = await RawClient.open(port());
    const answer = await client.request<Body>(3, 12, fitRequest(3, 12, { topics: [{ name: 'never-made' }], allowAutoTopicCreation: false }));
    client.close();
    expect(answer?.['topics'][0]['errorCode']).toBe(3);
  });
});

describe('Produce and Fetch keep the batch as received', () => {
  const topic = 'bytes';
  let leaderPort = 0;
  let follower = 0;
  let topicId = '';

  beforeAll(async () => {
    const client = await RawClient.open(port());
    const created = await client.request<Body>(19, 7, fitRequest(19, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 3 }], timeoutMs: 10_000 }));
    expect(created?.['topics'][0]['errorCode']).toBe(0);
    let partition: Body | undefined;
    for (let i = 0; i < 100 && !(partition?.['leaderId'] > 0); i++) {
      await new Promise((r) => setTimeout(r, 50));
      const described = (await client.request<Body>(3, 12, fitRequest(3, 12, { topics: [{ name: topic }] })))?.['topics'][0];
      partition = described?.['partitions'][0];
      topicId = described?.['topicId'];
    }
    client.close();
    const leader = partition?.['leaderId'] as number;
    leaderPort = cluster.brokers.find((b) => b.id === leader)!.port;
    follower = cluster.brokers.find((b) => b.id !== leader)!.port;
  });

  const batch = (): Uint8Array => encodeRecordBatch({
    baseTimestamp: 1_700_000_000_000n, records: [{ key: Buffer.from('k'), value: Buffer.from('v1') }, { key: null, value: Buffer.from('v2') }],
  });
  const produce = (records: Uint8Array, acks = -1) => fitRequest(0, 9, { acks, timeoutMs: 5_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });

  it('a follower refuses the write with NOT_LEADER_OR_FOLLOWER', async () => {
    const client = await RawClient.open(follower);
    const answer = await client.request<Body>(0, 9, produce(batch()));
    client.close();
    expect(answer?.['responses'][0]['partitionResponses'][0]['errorCode']).toBe(6);
  });

  it('a batch whose CRC does not match is refused with CORRUPT_MESSAGE', async () => {
    const bytes = batch();
    bytes[bytes.length - 1]! ^= 0xff;
    const client = await RawClient.open(leaderPort);
    const answer = await client.request<Body>(0, 9, produce(bytes));
    client.close();
    expect(answer?.['responses'][0]['partitionResponses'][0]['errorCode']).toBe(2);
  });

  it('the leader appends at the log end; a fetch returns the same bytes with the base offset and leader epoch written in', async () => {
    const client = await RawClient.open(leaderPort);
    const sent = batch();
    const first = await client.request<Body>(0, 9, produce(sent));
    const second = await client.request<Body>(0, 9, produce(batch()));
    expect(first?.['responses'][0]['partitionResponses'][0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(second?.['responses'][0]['partitionResponses'][0]).toMatchObject({ errorCode: 0, baseOffset: 2n });
    const fetched = await client.request<Body>(1, 11, fitRequest(1, 11, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    }));
    client.close();
    const partition = fetched?.['responses'][0]['partitions'][0] as Body;
    expect(partition['errorCode']).toBe(0);
    expect(partition['highWatermark']).toBe(4n);
    const records = partition['records'] as Uint8Array;
    expect(records.length).toBe(2 * sent.length);
    const header = readBatchHeader(records.subarray(0, sent.length));
    expect(header.baseOffset).toBe(0n);
    expect(header.partitionLeaderEpoch).toBeGreaterThanOrEqual(0);
    // Everything from the magic byte on (the CRC and the records it covers) is the client's, unchanged.
    expect(Buffer.from(records.subarray(16, sent.length))).toEqual(Buffer.from(sent.subarray(16)));
    expect(readBatchHeader(records.subarray(sent.length)).baseOffset).toBe(2n);
  });

  it('a client cannot fetch as a follower: a replica id it names (v11 replicaId, v15 ReplicaState) is ignored, and it reads up to the high watermark as a consumer (CVE-2018-1288)', async () => {
    const client = await RawClient.open(leaderPort);
    const partitions = [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }];
    // A follower fetch from a node outside the assignment would be refused (NOT_LEADER_OR_FOLLOWER), and
    // one from a replica would move its fetch state and the ISR: a client gets the consumer's answer instead.
    const v11 = await client.request<Body>(1, 11, fitRequest(1, 11, { replicaId: 7777, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, topics: [{ topic, partitions }] }));
    const v15 = await client.request<Body>(1, 15, fitRequest(1, 15, {
      replicaState: { replicaId: 7777, replicaEpoch: 3n }, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20,
      topics: [{ topicId, partitions }],
    }));
    client.close();
    for (const answer of [v11, v15]) {
      const partition = answer?.['responses'][0]['partitions'][0] as Body;
      expect(partition['errorCode']).toBe(0);
      expect(partition['highWatermark']).toBe(4n);
      expect((partition['records'] as Uint8Array).length).toBeGreaterThan(0);
    }
  });

  it('a fetch at the log end waits up to maxWaitMs for data (DelayedFetch), and returns as soon as a write commits', async () => {
    const reader = await RawClient.open(leaderPort);
    const writer = await RawClient.open(leaderPort);
    const started = Date.now();
    const empty = await reader.request<Body>(1, 11, fitRequest(1, 11, {
      maxWaitMs: 300, minBytes: 1, maxBytes: 1 << 20, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 4n, partitionMaxBytes: 1 << 20 }] }],
    }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((empty?.['responses'][0]['partitions'][0]['records'] as Uint8Array).length).toBe(0);
    const waiting = reader.request<Body>(1, 11, fitRequest(1, 11, {
      maxWaitMs: 10_000, minBytes: 1, maxBytes: 1 << 20, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 4n, partitionMaxBytes: 1 << 20 }] }],
    }));
    const writeStarted = Date.now();
    await writer.request<Body>(0, 9, produce(batch()));
    const woken = await waiting;
    expect(Date.now() - writeStarted).toBeLessThan(5_000);
    expect((woken?.['responses'][0]['partitions'][0]['records'] as Uint8Array).length).toBeGreaterThan(0);
    reader.close();
    writer.close();
  });
});
