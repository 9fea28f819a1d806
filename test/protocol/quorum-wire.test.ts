/**
 * The quorum's messages on Kafka's wire (src/protocol/quorum/wire/): every message the quorum
 * machine sends survives the trip through Kafka's frames in every version the quorum speaks, field
 * by field, and what comes back is a message the registry's codec accepts; requests for another
 * cluster or another partition are refused with the errors KafkaRaftClient gives.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, readBatchHeadersOf } from './quorum-wire-helpers.js';
import { specOf } from '../../src/protocol/registry.js';
import type { Message } from '../../src/protocol/registry.js';
import * as q from '../../src/protocol/quorum/wire/index.js';
import type { VoteRequest, VoteResponse } from '../../src/protocol/quorum/vote.js';
import type { BeginQuorumEpochRequest, BeginQuorumEpochResponse } from '../../src/protocol/quorum/begin-quorum-epoch.js';
import type { EndQuorumEpochRequest, EndQuorumEpochResponse } from '../../src/protocol/quorum/end-quorum-epoch.js';
import type { FetchRequest, FetchResponse, LogRecord } from '../../src/protocol/quorum/fetch.js';

const clusterId = 'R-De_uz9PkJwAn9Kn1JlzQ';
const id = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const epoch = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const offset = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const errorCode = fc.constantFrom(0, 6, 74, 75, 94);
const leaderId = fc.integer({ min: -1, max: 2 ** 31 - 1 });

/** A request through a frame at `version` and back into the machine's message. */
function viaRequest<T>(apiKey: number, version: number, body: unknown): { body: T; correlationId: number } {
  const frame = encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId: 17, clientId: 'kspec-node-101' }, body);
  const decoded = decodeRequest(frame);
  expect(decoded.trailingBytes).toBe(0);
  return { body: decoded.body as T, correlationId: decoded.header.correlationId };
}

function viaResponse<T>(apiKey: number, version: number, body: unknown, correlationId = 17): T {
  const decoded = decodeResponse(apiKey, version, encodeResponse(apiKey, version, { correlationId }, body));
  expect(decoded.header.correlationId).toBe(correlationId);
  return decoded.body as T;
}

function expectAccepted<T extends Message>(result: q.FromWire<T>, original: T): void {
  expect(result).toEqual({ ok: true, message: original });
  if (result.ok) expect(specOf(result.message)?.codec.is(result.message)).toBe(true);
}

describe('Vote on the wire (api key 52)', () => {
  const request = fc.record({ type: fc.constant('VoteRequest' as const), candidateEpoch: epoch, candidateId: id, lastOffsetEpoch: epoch, lastOffset: offset });
  const response = fc.record({ type: fc.constant('VoteResponse' as const), errorCode, leaderId, leaderEpoch: epoch, voteGranted: fc.boolean() });
  it('a VoteRequest and a VoteResponse come back field for field in v0 and v1', () => {
    fc.assert(fc.property(request, response, id, fc.constantFrom(0, 1), (req: VoteRequest, res: VoteResponse, voterId, version) => {
      expectAccepted(q.voteRequestFromWire(viaRequest<q.VoteRequestWire>(52, version, q.voteRequestToWire(req, { clusterId, voterId })).body, { clusterId }), req);
      expectAccepted(q.voteResponseFromWire(viaResponse(52, version, q.voteResponseToWire(res))), res);
    }), { numRuns: 100 });
  });
});

describe('BeginQuorumEpoch on the wire (api key 53)', () => {
  const request = fc.record({ type: fc.constant('BeginQuorumEpochRequest' as const), leaderId: id, leaderEpoch: epoch });
  const response = fc.record({ type: fc.constant('BeginQuorumEpochResponse' as const), errorCode, leaderId, leaderEpoch: epoch });
  it('the request and the response come back field for field in v0 and v1', () => {
    fc.assert(fc.property(request, response, id, fc.constantFrom(0, 1), (req: BeginQuorumEpochRequest, res: BeginQuorumEpochResponse, voterId, version) => {
      expectAccepted(q.beginQuorumEpochRequestFromWire(viaRequest<q.BeginQuorumEpochRequestWire>(53, version, q.beginQuorumEpochRequestToWire(req, { clusterId, voterId })).body, { clusterId }), req);
      expectAccepted(q.beginQuorumEpochResponseFromWire(viaResponse(53, version, q.beginQuorumEpochResponseToWire(res))), res);
    }), { numRuns: 100 });
  });
});

describe('EndQuorumEpoch on the wire (api key 54)', () => {
  const request = fc.record({ type: fc.constant('EndQuorumEpochRequest' as const), leaderId: id, leaderEpoch: epoch, preferredSuccessors: fc.array(id, { maxLength: 5 }) });
  const response = fc.record({ type: fc.constant('EndQuorumEpochResponse' as const), errorCode, leaderId, leaderEpoch: epoch });
  it('the request (successors in preferredSuccessors at v0, preferredCandidates at v1) and the response come back field for field', () => {
    fc.assert(fc.property(request, response, fc.constantFrom(0, 1), (req: EndQuorumEpochRequest, res: EndQuorumEpochResponse, version) => {
      const sent = viaRequest<ReturnType<typeof q.endQuorumEpochRequestToWire>>(54, version, q.endQuorumEpochRequestToWire(req, { clusterId }));
      // Each version carries the successors in its own field only.
      if (version === 0) expect(sent.body.topics[0]!.partitions[0]!.preferredCandidates).toEqual([]);
      else expect(sent.body.topics[0]!.partitions[0]!.preferredSuccessors).toEqual([]);
      expectAccepted(q.endQuorumEpochRequestFromWire(sent.body, version, { clusterId }), req);
      expectAccepted(q.endQuorumEpochResponseFromWire(viaResponse(54, version, q.endQuorumEpochResponseToWire(res))), res);
    }), { numRuns: 100 });
  });
});

/** Metadata log records: consecutive offsets from `start`, epochs never decreasing. */
const logRecords = fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.tuple(fc.nat(2), fc.string({ maxLength: 30 })), { maxLength: 12 }), epoch.map((e) => e % 1000)).map(([start, steps, firstEpoch]) => {
  let e = firstEpoch;
  return steps.map(([bump, value], i): LogRecord => ({ offset: start + i, epoch: (e += bump === 0 ? 1 : 0), value }));
});

describe('Fetch on the wire as the quorum uses it (api key 1)', () => {
  const request = fc.record({ type: fc.constant('FetchRequest' as const), replicaId: id, currentLeaderEpoch: epoch, fetchOffset: offset, lastFetchedEpoch: epoch, correlationId: fc.integer({ min: 0, max: 2 ** 31 - 1 }) });
  const response = fc.record({
    type: fc.constant('FetchResponse' as const), errorCode, correlationId: fc.integer({ min: 0, max: 2 ** 31 - 1 }), highWatermark: offset,
    divergingEpoch: fc.oneof(fc.constant({ epoch: -1, endOffset: -1 }), fc.record({ epoch, endOffset: offset })),
    currentLeader: fc.record({ leaderId, leaderEpoch: epoch }), records: logRecords,
  });
  it('the request and the response, records included, come back field for field in v12 to v17', () => {
    fc.assert(fc.property(request, response, fc.integer({ min: 12, max: 17 }), (req: FetchRequest, res: FetchResponse, version) => {
      const frame = encodeRequest({ requestApiKey: 1, requestApiVersion: version, correlationId: req.correlationId, clientId: 'raft-client' }, q.fetchRequestToWire(req, version, { clusterId }));
      const decoded = decodeRequest(frame);
      expectAccepted(q.fetchRequestFromWire(decoded.body as never, { version, correlationId: decoded.header.correlationId }, { clusterId }), req);
      expectAccepted(q.fetchResponseFromWire(viaResponse(1, version, q.fetchResponseToWire(res), res.correlationId), res.correlationId), res);
    }), { numRuns: 100 });
  });

  it('writes one record batch per run of one epoch, the epoch as its partitionLeaderEpoch', () => {
    fc.assert(fc.property(logRecords, (records) => {
      const batches = readBatchHeadersOf(q.encodeMetadataRecords(records));
      const runs = records.filter((r, i) => i === 0 || records[i - 1]!.epoch !== r.epoch);
      expect(batches.map((b) => [Number(b.baseOffset), b.partitionLeaderEpoch])).toEqual(runs.map((r) => [r.offset, r.epoch]));
    }));
  });

  it('refuses a fetch older than v12, which has no lastFetchedEpoch', () => {
    const data = q.fetchRequestToWire({ type: 'FetchRequest', replicaId: 1, currentLeaderEpoch: 3, fetchOffset: 10, lastFetchedEpoch: 2, correlationId: 5 }, 11, { clusterId });
    expect(q.fetchRequestFromWire(data, { version: 11, correlationId: 5 }, { clusterId })).toMatchObject({ ok: false, errorCode: 42 });
  });
});

describe('requests the quorum refuses whole (KafkaRaftClient)', () => {
  const vote: VoteRequest = { type: 'VoteRequest', candidateEpoch: 4, candidateId: 102, lastOffsetEpoch: 3, lastOffset: 57 };
  it('another cluster id is INCONSISTENT_CLUSTER_ID; no cluster id is taken', () => {
    const data = q.voteRequestToWire(vote, { clusterId: 'AAAAAAAAAAAAAAAAAAAAAA', voterId: 101 });
    expect(q.voteRequestFromWire(data, { clusterId })).toMatchObject({ ok: false, errorCode: 104 });
    expect(q.voteRequestFromWire({ ...data, clusterId: null }, { clusterId })).toEqual({ ok: true, message: vote });
  });

  it('another topic, another partition, or more than one partition is INVALID_REQUEST', () => {
    const data = q.voteRequestToWire(vote, { clusterId, voterId: 101 });
    const topic = data.topics[0]!;
    const partition = topic.partitions[0]!;
    expect(q.voteRequestFromWire({ ...data, topics: [{ ...topic, topicName: 'orders' }] }, { clusterId })).toMatchObject({ ok: false, errorCode: 42 });
    expect(q.voteRequestFromWire({ ...data, topics: [{ ...topic, partitions: [{ ...partition, partitionIndex: 1 }] }] }, { clusterId })).toMatchObject({ ok: false, errorCode: 42 });
    expect(q.voteRequestFromWire({ ...data, topics: [{ ...topic, partitions: [partition, partition] }] }, { clusterId })).toMatchObject({ ok: false, errorCode: 42 });
    expect(q.voteRequestFromWire({ ...data, topics: [] }, { clusterId })).toMatchObject({ ok: false, errorCode: 42 });
  });

  it('a response refused whole carries its top-level error back as a refusal', () => {
    expect(q.voteResponseFromWire(viaResponse(52, 1, q.voteRefusalToWire(104)))).toMatchObject({ ok: false, errorCode: 104 });
    expect(q.fetchResponseFromWire(viaResponse(1, 17, q.fetchRefusalToWire(42)), 17)).toMatchObject({ ok: false, errorCode: 42 });
  });
});
