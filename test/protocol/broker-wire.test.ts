/**
 * The remaining node-to-node messages on Kafka's wire (src/protocol/replication/wire/):
 * BrokerRegistration, the replicas' Fetch and the forwarded CreateTopics/DeleteTopics survive the
 * trip internal -> wire data -> frame bytes -> wire data -> internal, field for field, with the
 * correlation id in the header; replica Fetch records travel as Kafka record batches.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './quorum-wire-helpers.js';
import { specOf, type Message } from '../../src/protocol/registry.js';
import type { FetchRequestWire, FromWire } from '../../src/protocol/quorum/wire/index.js';
import * as w from '../../src/protocol/replication/wire/index.js';
import { wireTopicId } from '../../src/protocol/wire-topic-id.js';
import { modelBatchCodec } from '../../src/runtime/storage/batch-codec.js';
import type { BrokerRegistrationRequest, BrokerRegistrationResponse } from '../../src/protocol/replication/broker-registration.js';
import type { FetchRequest, FetchResponse } from '../../src/protocol/replication/fetch.js';
import type { RecordBatch } from '../../src/protocol/replication/record-batch.js';

const int32 = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const int64 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const CLUSTER = 'q1Sh-9_ISia_zwGINzRvyQ';

function roundTrip<T>(apiKey: number, version: number, correlationId: number, request: unknown, response: unknown): { request: T; requestCorrelationId: number; response: unknown } {
  const req = decodeRequest(encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: 'kspec-1' }, request));
  const res = decodeResponse(apiKey, version, encodeResponse(apiKey, version, { correlationId }, response));
  expect(res.header.correlationId).toBe(correlationId);
  return { request: req.body as T, requestCorrelationId: req.header.correlationId, response: res.body };
}

function expectAccepted<T extends Message>(result: FromWire<T>, original: T): void {
  expect(result).toEqual({ ok: true, message: original });
  if (result.ok) expect(specOf(result.message)?.codec.is(result.message)).toBe(true);
}

const topics = [{ topic: 'orders', topicId: 'orders~k3x9' }, { topic: '__consumer_offsets', topicId: '__consumer_offsets~a1' }];
const topicIds: w.WireTopicIds = {
  toWire: wireTopicId,
  fromWire: (uuid) => topics.find((t) => wireTopicId(t.topicId) === uuid),
};
const address = fc.constantFrom(...topics).chain((t) => fc.integer({ min: 0, max: 1000 }).map((partition) => ({ ...t, partition })));

describe('BrokerRegistration on the wire (api key 62)', () => {
  const incarnation = fc.oneof(
    fc.integer({ min: 0, max: 0x7fffffff }).map((n) => `inc-${n.toString(16)}`),
    fc.uint8Array({ minLength: 16, maxLength: 16 }).filter((b) => b.subarray(0, 12).some((x) => x !== 0)).map((b) => Buffer.from(b).toString('base64url')),
  );
  it('the request and the response come back field for field in every version, the incarnation as a Uuid', () => {
    const request = fc.record({ type: fc.constant('BrokerRegistration' as const), correlationId: int32, brokerId: int32, incarnationId: incarnation, rack: fc.option(fc.string({ maxLength: 8 }), { nil: null }) });
    const response = fc.record({ type: fc.constant('BrokerRegistrationResponse' as const), errorCode: fc.constantFrom(0, 41, 58, 101), brokerEpoch: fc.oneof(int64, fc.constant(-1)) });
    fc.assert(fc.property(request, response, fc.integer({ min: 0, max: 4 }), (req: BrokerRegistrationRequest, res, version) => {
      const answer: BrokerRegistrationResponse = { ...res, correlationId: req.correlationId };
      const wire = w.brokerRegistrationRequestToWire(req, { clusterId: CLUSTER, listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }] });
      const trip = roundTrip<w.BrokerRegistrationRequestWire>(62, version, req.correlationId, wire, w.brokerRegistrationResponseToWire(answer));
      expect(trip.request.listeners).toEqual([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 0 }]);
      expectAccepted(w.brokerRegistrationRequestFromWire(trip.request, trip.requestCorrelationId, { clusterId: CLUSTER }), req);
      expectAccepted(w.brokerRegistrationResponseFromWire(trip.response as never, req.correlationId), answer);
    }), { numRuns: 100 });
  });

  it('refuses another cluster (INCONSISTENT_CLUSTER_ID) and an incarnation that is no Uuid', () => {
    const req: BrokerRegistrationRequest = { type: 'BrokerRegistration', correlationId: 1, brokerId: 2, incarnationId: 'inc-ff', rack: null };
    expect(w.brokerRegistrationRequestFromWire(w.brokerRegistrationRequestToWire(req, { clusterId: 'other' }), 1, { clusterId: CLUSTER })).toMatchObject({ ok: false, errorCode: 104 });
    expect(() => w.brokerRegistrationRequestToWire({ ...req, incarnationId: 'not an id' }, { clusterId: CLUSTER })).toThrow(RangeError);
  });
});

describe('replica Fetch on the wire (api key 1, v13+)', () => {
  const batch = (baseOffset: number, epoch: number, values: string[]): RecordBatch => ({
    baseOffset, lastOffsetDelta: values.length - 1, partitionLeaderEpoch: epoch, producerId: 7, producerEpoch: 0, baseSequence: baseOffset, maxTimestamp: 1_700_000_000_000 + values.length - 1,
    records: values.map((value, i) => ({ offsetDelta: i, timestamp: 1_700_000_000_000 + i, key: i % 2 === 0 ? null : `k${i}`, value })),
  });
  const batches = fc.array(fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }), { maxLength: 4 }).map((groups) => {
    let offset = 0;
    return groups.map((values) => {
      const b = batch(offset, 3, values);
      offset += values.length;
      return b;
    });
  });

  it('the follower\'s request comes back field for field, the replica id in replicaId before v15 and in ReplicaState after', () => {
    fc.assert(fc.property(address, int32, int32, int64, fc.integer({ min: -1, max: 1000 }), int64, fc.integer({ min: -1, max: 1000 }), int64, fc.integer({ min: 13, max: 17 }),
      (a, correlationId, replicaId, replicaEpoch, currentLeaderEpoch, fetchOffset, lastFetchedEpoch, logStartOffset, version) => {
        const req: FetchRequest = { type: 'Fetch', ...a, correlationId, replicaId, replicaEpoch: version >= 15 ? replicaEpoch : -1, currentLeaderEpoch, fetchOffset, lastFetchedEpoch, logStartOffset };
        const trip = roundTrip<FetchRequestWire>(1, version, correlationId, w.replicaFetchRequestToWire(req, version, topicIds), { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [], nodeEndpoints: [] });
        expect(version >= 15 ? trip.request.replicaState.replicaId : trip.request.replicaId).toBe(replicaId);
        expect(trip.request.topics[0]?.topicId).toBe(wireTopicId(a.topicId));
        expectAccepted(w.replicaFetchRequestFromWire(trip.request, { version, correlationId: trip.requestCorrelationId }, topicIds), req);
      }), { numRuns: 100 });
  });

  it('the leader\'s answer comes back with its batches as record batches, divergence and leader included', () => {
    const diverging = fc.option(fc.record({ epoch: fc.integer({ min: 0, max: 1000 }), endOffset: int64 }), { nil: null });
    const leader = fc.option(fc.record({ leaderId: int32, leaderEpoch: int32 }), { nil: null });
    fc.assert(fc.property(address, int32, fc.constantFrom(0, 1, 6, 74), int64, int64, diverging, leader, batches, fc.integer({ min: 13, max: 17 }),
      (a, correlationId, errorCode, highWatermark, logStartOffset, divergingEpoch, currentLeader, bs, version) => {
        const answer: FetchResponse = { type: 'FetchResponse', ...a, correlationId, errorCode, highWatermark, logStartOffset, logEndOffset: -1, divergingEpoch, currentLeader, batches: bs };
        const data = w.replicaFetchResponseToWire(answer, topicIds, modelBatchCodec);
        const res = decodeResponse(1, version, encodeResponse(1, version, { correlationId }, data));
        const back = w.replicaFetchResponseFromWire(res.body as never, correlationId, topicIds, modelBatchCodec);
        expectAccepted(back, answer);
      }), { numRuns: 100 });
  });

  it('a leader\'s log end offset does not travel (Kafka\'s FetchResponse has none): it comes back unknown', () => {
    const answer: FetchResponse = { type: 'FetchResponse', ...topics[0]!, partition: 0, correlationId: 1, errorCode: 1, highWatermark: 5, logStartOffset: 0, logEndOffset: 9, divergingEpoch: null, currentLeader: null, batches: [] };
    const back = w.replicaFetchResponseFromWire(w.replicaFetchResponseToWire(answer, topicIds, modelBatchCodec), 1, topicIds, modelBatchCodec);
    expect(back).toMatchObject({ ok: true, message: { logEndOffset: -1, highWatermark: 5 } });
  });

  it('refuses a topic id the receiver does not know, more than one partition, torn records and versions before topic ids', () => {
    const req: FetchRequest = { type: 'Fetch', ...topics[0]!, partition: 0, correlationId: 1, replicaId: 2, replicaEpoch: -1, currentLeaderEpoch: 1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: 0 };
    const data = w.replicaFetchRequestToWire(req, 15, topicIds);
    expect(w.replicaFetchRequestFromWire(data, { version: 15, correlationId: 1 }, { ...topicIds, fromWire: () => undefined })).toMatchObject({ ok: false, errorCode: 100 });
    expect(w.replicaFetchRequestFromWire({ ...data, topics: [...data.topics, ...data.topics] }, { version: 15, correlationId: 1 }, topicIds)).toMatchObject({ ok: false, errorCode: 42 });
    expect(w.replicaFetchRequestFromWire(data, { version: 12, correlationId: 1 }, topicIds)).toMatchObject({ ok: false, errorCode: 42 });
    const answer = w.replicaFetchResponseToWire({ type: 'FetchResponse', ...topics[0]!, partition: 0, correlationId: 1, errorCode: 0, highWatermark: 1, logStartOffset: 0, logEndOffset: -1, divergingEpoch: null, currentLeader: null, batches: [batch(0, 1, ['a', 'b'])] }, topicIds, modelBatchCodec);
    const p = answer.responses[0]!.partitions[0]!;
    const torn = { ...answer, responses: [{ ...answer.responses[0]!, partitions: [{ ...p, records: flipLastByte(p.records!) }] }] };
    expect(w.replicaFetchResponseFromWire(torn, 1, topicIds, modelBatchCodec)).toMatchObject({ ok: false, errorCode: 2 });
  });

  it('a leader that does not know the topic id yet answers UNKNOWN_TOPIC_ID on the partition, and the follower reads a failed fetch it backs off from', () => {
    // Found in CI: a follower that heard of __consumer_offsets before its leader got a top-level
    // refusal it could not read as an answer, and its fetch waited for ever (the group never loaded).
    const req: FetchRequest = { type: 'Fetch', ...topics[1]!, partition: 1, correlationId: 7, replicaId: 2, replicaEpoch: -1, currentLeaderEpoch: 1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: 0 };
    const data = w.replicaFetchRequestToWire(req, 16, topicIds);
    const leaderIds = { ...topicIds, fromWire: () => undefined };
    const refused = w.replicaFetchRequestFromWire(data, { version: 16, correlationId: 7 }, leaderIds);
    expect(refused).toMatchObject({ ok: false, errorCode: 100 });
    const answer = w.replicaFetchPartitionRefusalToWire(data, 100)!;
    const res = decodeResponse(1, 16, encodeResponse(1, 16, { correlationId: 7 }, answer));
    expect(w.replicaFetchResponseFromWire(res.body as never, 7, topicIds, modelBatchCodec)).toMatchObject({
      ok: true, message: { type: 'FetchResponse', topic: '__consumer_offsets', partition: 1, correlationId: 7, errorCode: 100, batches: [] },
    });
  });
});

describe('forwarded CreateTopics and DeleteTopics (api keys 19, 20)', () => {
  it('CreateTopics and its answer come back field for field, the topic id through the receiver\'s metadata', () => {
    const configs = fc.dictionary(fc.constantFrom('cleanup.policy', 'retention.ms', 'min.insync.replicas'), fc.string({ maxLength: 6 }));
    fc.assert(fc.property(fc.constantFrom(...topics), int32, fc.integer({ min: -1, max: 100 }), fc.integer({ min: -1, max: 5 }), configs, fc.constantFrom(0, 36, 37), (t, correlationId, numPartitions, replicationFactor, cfg, errorCode) => {
      const req = { type: 'CreateTopics' as const, correlationId, name: t.topic, numPartitions, replicationFactor, configs: cfg };
      const answer = { type: 'CreateTopicsResponse' as const, correlationId, name: t.topic, errorCode, errorMessage: errorCode === 0 ? null : 'no', topicId: errorCode === 0 ? t.topicId : '' };
      const trip = roundTrip<never>(19, w.FORWARDED_CREATE_TOPICS_VERSION, correlationId, w.createTopicsRequestToWire(req, 30_000), w.createTopicsResponseToWire(answer, topicIds));
      expectAccepted(w.createTopicsRequestFromWire(trip.request, trip.requestCorrelationId), req);
      expectAccepted(w.createTopicsResponseFromWire(trip.response as never, correlationId, topicIds), answer);
    }), { numRuns: 60 });
  });

  it('DeleteTopics by name or by id and its answer come back field for field', () => {
    fc.assert(fc.property(fc.constantFrom(...topics), int32, fc.boolean(), fc.constantFrom(0, 3, 100), (t, correlationId, byId, errorCode) => {
      const req = { type: 'DeleteTopics' as const, correlationId, name: byId ? null : t.topic, topicId: byId ? t.topicId : null };
      const answer = { type: 'DeleteTopicsResponse' as const, correlationId, name: t.topic, topicId: t.topicId, errorCode, errorMessage: null };
      const trip = roundTrip<never>(20, w.FORWARDED_DELETE_TOPICS_VERSION, correlationId, w.deleteTopicsRequestToWire(req, 30_000, topicIds), w.deleteTopicsResponseToWire(answer, topicIds));
      expectAccepted(w.deleteTopicsRequestFromWire(trip.request, trip.requestCorrelationId, topicIds), req);
      expectAccepted(w.deleteTopicsResponseFromWire(trip.response as never, correlationId, topicIds), answer);
    }), { numRuns: 60 });
  });
});

describe('a DeleteTopics by a Uuid the broker has not seen yet', () => {
  it('reaches the controller as the client\'s Uuid, marked for the controller to resolve', () => {
    const uuid = wireTopicId('gone~zz');
    const req = { type: 'DeleteTopics' as const, correlationId: 4, name: null, topicId: `wire:${uuid}` };
    const data = w.deleteTopicsRequestToWire(req, 30_000, topicIds);
    expect(data.topics[0]?.topicId).toBe(uuid);
    expect(w.deleteTopicsRequestFromWire(data, 4, topicIds)).toEqual({ ok: true, message: req });
  });
});

function flipLastByte(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ 0xff;
  return copy;
}
