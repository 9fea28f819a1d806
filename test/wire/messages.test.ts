/**
 * Every message in every valid version, from arbitraries drawn from the same schemas: values
 * round-trip (decode(encode(x)) equals x) and canonical bytes re-encode byte for byte
 * (encode(decode(b)) is b for b = encode(x)). WIRE_RUNS=200 for a longer run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apis, arbitraryBody, arbitraryMessage, decodeMessage, decodeRequest, decodeRequestHeader, decodeResponse,
  encodeMessage, encodeRequest, encodeResponse, messages, requestHeaderVersion, responseHeaderVersion, wireEqual,
  type MessageCodec,
} from '../../src/protocol/wire/index.js';

const RUNS = Number(process.env.WIRE_RUNS ?? 4);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

describe('every request and response round-trips in every version', () => {
  it('covers the 88 APIs of the schemas, each with a request and a response', () => {
    expect(apis.length).toBe(88);
    expect(apis.map((a) => a.name)).toEqual(expect.arrayContaining([
      'Produce', 'Fetch', 'ListOffsets', 'Metadata', 'OffsetCommit', 'OffsetFetch', 'FindCoordinator', 'JoinGroup', 'Heartbeat',
      'LeaveGroup', 'SyncGroup', 'DescribeGroups', 'ListGroups', 'SaslHandshake', 'ApiVersions', 'CreateTopics', 'DeleteTopics',
      'DeleteRecords', 'InitProducerId', 'OffsetForLeaderEpoch', 'DescribeConfigs', 'CreatePartitions', 'DeleteGroups',
      'IncrementalAlterConfigs', 'Vote', 'BeginQuorumEpoch', 'EndQuorumEpoch', 'DescribeCluster', 'AlterPartition',
      'BrokerRegistration', 'BrokerHeartbeat', 'AllocateProducerIds', 'ConsumerGroupHeartbeat', 'ConsumerGroupDescribe',
    ]));
  });

  it('an API whose newest version is still in development says so (latestVersionUnstable)', () => {
    expect(apis.find((a) => a.name === 'ConsumerGroupHeartbeat')?.latestVersionUnstable).toBe(true);
    expect(apis.find((a) => a.name === 'ListOffsets')?.latestVersionUnstable).toBe(false); // the schema says false explicitly
    expect(apis.find((a) => a.name === 'Metadata')?.latestVersionUnstable).toBe(false);
  });

  for (const api of apis) {
    it(`${api.name} (key ${api.apiKey}) v${api.minVersion}-${api.maxVersion}`, () => {
      for (let version = api.minVersion; version <= api.maxVersion; version++) {
        const header = { requestApiKey: api.apiKey, requestApiVersion: version, correlationId: 42, clientId: requestHeaderVersion(api.apiKey, version) === 0 ? '' : 'kspec' };
        fc.assert(fc.property(arbitraryBody(api.apiKey, version, 'request'), (body) => {
          const frame = encodeRequest(header, body);
          const decoded = decodeRequest(frame, { strict: true });
          expect(decoded.header).toEqual(header);
          expect(wireEqual(decoded.body, body)).toBe(true);
          expect(sameBytes(encodeRequest(decoded.header, decoded.body), frame)).toBe(true);
        }), { numRuns: RUNS, seed: api.apiKey * 100 + version });
        fc.assert(fc.property(arbitraryBody(api.apiKey, version, 'response'), (body) => {
          const frame = encodeResponse(api.apiKey, version, { correlationId: -7 }, body);
          const decoded = decodeResponse(api.apiKey, version, frame, { strict: true });
          expect(decoded.header.correlationId).toBe(-7);
          expect(wireEqual(decoded.body, body)).toBe(true);
          expect(sameBytes(encodeResponse(api.apiKey, version, decoded.header, decoded.body), frame)).toBe(true);
        }), { numRuns: RUNS, seed: api.apiKey * 100 + version + 50 });
      }
    });
  }

  it('the data schemas (consumer protocol, KRaft control records) round-trip too', () => {
    const data: readonly MessageCodec<unknown>[] = messages.otherCodecs;
    expect(data.map((m) => m.schema.name)).toEqual(expect.arrayContaining(['ConsumerProtocolAssignment', 'LeaderChangeMessage', 'VotersRecord', 'RequestHeader']));
    for (const codec of data) {
      for (let version = codec.schema.validVersions[0]; version <= codec.schema.validVersions[1]; version++) {
        fc.assert(fc.property(arbitraryMessage(codec, version), (value) => {
          const bytes = encodeMessage(codec, version, value);
          const decoded = decodeMessage(codec, version, bytes, { strict: true });
          expect(wireEqual(decoded, value)).toBe(true);
          expect(sameBytes(encodeMessage(codec, version, decoded), bytes)).toBe(true);
        }), { numRuns: RUNS, seed: version });
      }
    }
  });
});

describe('header versions (ApiMessageTypeGenerator.generateHeaderVersion)', () => {
  it('flexible requests use header v2 and flexible responses v1, else v1 and v0', () => {
    // Metadata is flexible from v9.
    expect([requestHeaderVersion(3, 8), requestHeaderVersion(3, 9)]).toEqual([1, 2]);
    expect([responseHeaderVersion(3, 8), responseHeaderVersion(3, 9)]).toEqual([0, 1]);
  });

  it('ApiVersions responses always use header v0 (KIP-511)', () => {
    expect(responseHeaderVersion(18, 3)).toBe(0);
    const frame = encodeResponse(18, 3, { correlationId: 1 }, { errorCode: 0, apiKeys: [], throttleTimeMs: 0 });
    // correlation id, then the body's error code: no tagged-field byte after the correlation id.
    expect(Buffer.from(frame.subarray(0, 6)).toString('hex')).toBe('000000010000');
  });

  it('ControlledShutdown v0 has a request header without a client id', () => {
    expect(requestHeaderVersion(7, 0)).toBe(0);
    expect(requestHeaderVersion(7, 1)).toBe(1);
  });

  it('the header of an ApiVersions request of a version the broker does not know still decodes (KIP-511)', () => {
    const known = encodeRequest({ requestApiKey: 18, requestApiVersion: 3, correlationId: 5, clientId: 'c' }, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
    const future = Uint8Array.from(known);
    future[3] = 99; // version 99
    const { header, bodyOffset } = decodeRequestHeader(future);
    expect(header).toMatchObject({ requestApiKey: 18, requestApiVersion: 99, correlationId: 5, clientId: 'c' });
    expect(bodyOffset).toBe(decodeRequestHeader(known).bodyOffset);
    expect(() => decodeRequest(future)).toThrow(/unsupported-version/);
  });
});
