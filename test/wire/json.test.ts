/**
 * JSON for people (`kspec frame`): int64 as decimal strings, bytes as base64, lossless both ways.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apis, arbitraryBody, decodeRequest, encodeRequest, fromJson, toJson, wireEqual, WireEncodeError } from '../../src/protocol/wire/index.js';

describe('toJson and fromJson', () => {
  it('property: every API\'s newest request and response survive JSON text, unknown tagged fields included', () => {
    for (const api of apis) {
      for (const kind of ['request', 'response'] as const) {
        fc.assert(fc.property(arbitraryBody(api.apiKey, api.maxVersion, kind), (body) => {
          const text = JSON.stringify(toJson(body));
          expect(wireEqual(fromJson(api.apiKey, api.maxVersion, kind, JSON.parse(text)), body)).toBe(true);
        }), { numRuns: 3, seed: api.apiKey });
      }
    }
  });

  it('an int64 past 2^53 keeps every digit', () => {
    // ListOffsets v1 request: a timestamp of 2^63 - 1.
    const body = { replicaId: -1, isolationLevel: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: 9223372036854775807n, maxNumOffsets: 1 }] }], timeoutMs: 0 };
    const frame = encodeRequest({ requestApiKey: 2, requestApiVersion: 1, correlationId: 1, clientId: null }, body);
    const json = JSON.parse(JSON.stringify(toJson(decodeRequest(frame).body))) as { topics: { partitions: { timestamp: string }[] }[] };
    expect(json.topics[0]!.partitions[0]!.timestamp).toBe('9223372036854775807');
    expect(wireEqual(fromJson(2, 1, 'request', json), body)).toBe(true);
  });

  it('missing fields take their defaults; unknown fields, wrong types and non-canonical base64 are refused', () => {
    expect(fromJson(12, 4, 'request', { groupId: 'g' })).toEqual({ groupId: 'g', generationId: 0, memberId: '', groupInstanceId: null });
    expect(() => fromJson(12, 4, 'request', { groupID: 'g' })).toThrow(/has no field groupID/);
    expect(() => fromJson(12, 4, 'request', { generationId: '1' })).toThrow(WireEncodeError);
    expect(() => fromJson(2, 1, 'request', { topics: [{ partitions: [{ timestamp: 1.5 }] }] })).toThrow(/topics\[0\]\.partitions\[0\]\.timestamp/);
    expect(() => fromJson(36, 2, 'request', { authBytes: 'not base64!' })).toThrow(/base64/);
    expect(fromJson(36, 2, 'request', { authBytes: 'AAE=' })).toMatchObject({ authBytes: Uint8Array.of(0, 1) });
  });
});
