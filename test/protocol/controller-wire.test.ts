/**
 * The broker-to-controller messages on Kafka's wire (src/protocol/replication/wire/): BrokerHeartbeat
 * and AllocateProducerIds survive the trip through Kafka's frames field by field, the correlation
 * id riding in the header, and what comes back is a message the registry's codec accepts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './quorum-wire-helpers.js';
import { specOf, type Message } from '../../src/protocol/registry.js';
import type { FromWire } from '../../src/protocol/quorum/wire/index.js';
import * as w from '../../src/protocol/replication/wire/index.js';
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse } from '../../src/protocol/replication/broker-heartbeat.js';
import type { AlterPartitionRequest, AlterPartitionResponse } from '../../src/protocol/replication/alter-partition.js';
import type { AllocateProducerIdsRequest, AllocateProducerIdsResponse } from '../../src/protocol/replication/allocate-producer-ids.js';

const int32 = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const int64 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

function roundTrip<T>(apiKey: number, version: number, correlationId: number, request: unknown, response: unknown): { request: T; requestCorrelationId: number; response: unknown } {
  const req = decodeRequest(encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: 'kspec-broker-1' }, request));
  const res = decodeResponse(apiKey, version, encodeResponse(apiKey, version, { correlationId }, response));
  expect(res.header.correlationId).toBe(correlationId);
  return { request: req.body as T, requestCorrelationId: req.header.correlationId, response: res.body };
}

function expectAccepted<T extends Message>(result: FromWire<T>, original: T): void {
  expect(result).toEqual({ ok: true, message: original });
  if (result.ok) expect(specOf(result.message)?.codec.is(result.message)).toBe(true);
}

describe('BrokerHeartbeat on the wire (api key 63)', () => {
  it('the request and the response come back field for field in v0 and v1', () => {
    const request = fc.record({ type: fc.constant('BrokerHeartbeat' as const), correlationId: int32, brokerId: int32, brokerEpoch: int64, currentMetadataOffset: int64, wantFence: fc.boolean() });
    const response = fc.record({ type: fc.constant('BrokerHeartbeatResponse' as const), errorCode: fc.constantFrom(0, 41, 77, 103), isCaughtUp: fc.boolean(), isFenced: fc.boolean() });
    fc.assert(fc.property(request, response, fc.constantFrom(0, 1), (req: BrokerHeartbeatRequest, res, version) => {
      const answer: BrokerHeartbeatResponse = { ...res, correlationId: req.correlationId };
      const trip = roundTrip<w.BrokerHeartbeatRequestWire>(63, version, req.correlationId, w.brokerHeartbeatRequestToWire(req), w.brokerHeartbeatResponseToWire(answer));
      expectAccepted(w.brokerHeartbeatRequestFromWire(trip.request, trip.requestCorrelationId), req);
      expectAccepted(w.brokerHeartbeatResponseFromWire(trip.response as never, req.correlationId), answer);
    }), { numRuns: 100 });
  });

  it('refuses what the model does not have: a controlled shutdown, offline log directories', () => {
    const data = w.brokerHeartbeatRequestToWire({ type: 'BrokerHeartbeat', correlationId: 1, brokerId: 1, brokerEpoch: 5, currentMetadataOffset: 9, wantFence: false });
    expect(w.brokerHeartbeatRequestFromWire({ ...data, wantShutDown: true }, 1)).toMatchObject({ ok: false, errorCode: 42 });
    expect(w.brokerHeartbeatRequestFromWire({ ...data, offlineLogDirs: ['AAAAAAAAAAAAAAAAAAAAAA'] }, 1)).toMatchObject({ ok: false, errorCode: 42 });
    expect(w.brokerHeartbeatRequestFromWire({ ...data, brokerEpoch: 2n ** 60n }, 1)).toMatchObject({ ok: false, errorCode: 42 });
  });
});

describe('AllocateProducerIds on the wire (api key 67)', () => {
  it('the request and the response come back field for field in v0', () => {
    const request = fc.record({ type: fc.constant('AllocateProducerIds' as const), correlationId: int32, brokerId: int32, brokerEpoch: int64 });
    const response = fc.record({ type: fc.constant('AllocateProducerIdsResponse' as const), errorCode: fc.constantFrom(0, 41, 77), producerIdStart: int64, producerIdLen: int32 });
    fc.assert(fc.property(request, response, (req: AllocateProducerIdsRequest, res) => {
      const answer: AllocateProducerIdsResponse = { ...res, correlationId: req.correlationId };
      const trip = roundTrip<w.AllocateProducerIdsRequestWire>(67, 0, req.correlationId, w.allocateProducerIdsRequestToWire(req), w.allocateProducerIdsResponseToWire(answer));
      expectAccepted(w.allocateProducerIdsRequestFromWire(trip.request, trip.requestCorrelationId), req);
      expectAccepted(w.allocateProducerIdsResponseFromWire(trip.response as never, req.correlationId), answer);
    }), { numRuns: 100 });
  });
});

describe('AlterPartition on the wire (api key 56)', () => {
  const topics = new Map([['AAAAAAAAAAAAAAAAAAAAAg', 'orders'], ['AAAAAAAAAAAAAAAAAAAAAw', '__consumer_offsets']]);
  const topicNameOf = (topicId: string) => topics.get(topicId);
  const address = fc.constantFrom(...[...topics].map(([topicId, topic]) => ({ topicId, topic }))).chain((t) => int32.map((partition) => ({ ...t, partition })));
  const isr = fc.uniqueArray(int32, { maxLength: 5 });
  it('the request (newIsr at v2, newIsrWithEpochs at v3) and the response come back field for field, the topic named from its id', () => {
    fc.assert(fc.property(address, int32, int32, int64, int32, isr, int32, fc.constantFrom(2, 3), fc.array(fc.oneof(fc.constant(-1), int64), { minLength: 5, maxLength: 5 }), (a, correlationId, brokerId, brokerEpoch, leaderEpoch, newIsr, partitionEpoch, version, epochs) => {
      // KIP-903: v3 carries each member's broker epoch; v2 has none to carry.
      const newIsrWithEpochs = newIsr.map((member, i) => ({ brokerId: member, brokerEpoch: epochs[i] as number }));
      const req: AlterPartitionRequest = { type: 'AlterPartition', ...a, correlationId, brokerId, brokerEpoch, leaderEpoch, newIsr, partitionEpoch, ...(version === 3 ? { newIsrWithEpochs } : {}) };
      const answer: AlterPartitionResponse = { type: 'AlterPartitionResponse', ...a, correlationId, errorCode: 0, leaderId: brokerId, leaderEpoch, isr: newIsr, partitionEpoch: (partitionEpoch + 1) % 2 ** 31 };
      const trip = roundTrip<w.AlterPartitionRequestWire>(56, version, correlationId, w.alterPartitionRequestToWire(req, version), w.alterPartitionResponseToWire(answer));
      const partition = trip.request.topics[0]!.partitions[0]!;
      expect(version === 3 ? partition.newIsr : partition.newIsrWithEpochs).toEqual([]);
      expectAccepted(w.alterPartitionRequestFromWire(trip.request, { version, correlationId: trip.requestCorrelationId }, topicNameOf), req);
      expectAccepted(w.alterPartitionResponseFromWire(trip.response as never, correlationId, topicNameOf), answer);
    }), { numRuns: 100 });
  });

  it('refuses a topic id the metadata does not know (UNKNOWN_TOPIC_ID) and versions before topic ids', () => {
    const req: AlterPartitionRequest = { type: 'AlterPartition', topic: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAg', partition: 0, correlationId: 3, brokerId: 1, brokerEpoch: 4, leaderEpoch: 2, newIsr: [1, 2], partitionEpoch: 7 };
    expect(w.alterPartitionRequestFromWire(w.alterPartitionRequestToWire(req, 3), { version: 3, correlationId: 3 }, () => undefined)).toMatchObject({ ok: false, errorCode: 100 });
    expect(w.alterPartitionRequestFromWire(w.alterPartitionRequestToWire(req, 1), { version: 1, correlationId: 3 }, topicNameOf)).toMatchObject({ ok: false, errorCode: 42 });
  });
});
