/**
 * Real frames (test/fixtures/wire-corpus, captured by `npm run capture:corpus` from kcat,
 * kafka-python, confluent-kafka-python and kafkajs against librdkafka's mock cluster) decode with
 * our codecs and re-encode to the same bytes. Responses decode at the API and version of the
 * request they answered. The record batches inside Produce requests and Fetch responses decode
 * too, CRC checked, with each compression codec the clients used.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { apiByKey, decodeRequest, decodeResponse, encodeRequest, encodeResponse, WireDecodeError } from '../../src/protocol/wire/index.js';
import { decodeBatchRecords, readBatchHeaders } from '../../src/protocol/records/index.js';

const DIR = join(fileURLToPath(import.meta.url), '..', '..', 'fixtures', 'wire-corpus');

interface Entry {
  id: string;
  client: string;
  scenario: string;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  request: string;
  response: string | null;
}

const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as { entries: Entry[] };
const bytes = (file: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, file)));

const API_VERSIONS = 18;
const UNSUPPORTED_VERSION = 35;

/**
 * An ApiVersions request newer than the broker knows is answered with UNSUPPORTED_VERSION, and a
 * client parses the answer at its own version, falling back to v0 if that fails and ignoring
 * bytes left over (Kafka's ApiVersionsResponse.parse; KIP-511). kcat and confluent-kafka ask for
 * v3; the mock (v0-2) answers with a body no Kafka writes: a compact array count of 1 (zero
 * entries) followed by one entry (ApiVersions 0-2) and a throttle time, i.e. 5 bytes a Java client
 * never reads. We read it as that client does, and the left-over bytes are allowed there only.
 */
function decodeAnswer(e: Entry, frame: Uint8Array) {
  try {
    return { version: e.apiVersion, ...decodeResponse(e.apiKey, e.apiVersion, frame) };
  } catch (error) {
    if (!(error instanceof WireDecodeError) || e.apiKey !== API_VERSIONS) throw error;
    return { version: 0, ...decodeResponse(e.apiKey, 0, frame) };
  }
}

function allowedTrailingBytes(e: Entry, body: unknown): number {
  const mockApiVersionsQuirk = e.apiKey === API_VERSIONS && e.apiVersion === 3 && (body as { errorCode: number }).errorCode === UNSUPPORTED_VERSION;
  return mockApiVersionsQuirk ? 5 : 0;
}

type Records = Uint8Array | null;

/** Every records field in a Produce request or a Fetch response body. */
function recordSets(apiKey: number, kind: 'request' | 'response', body: unknown): Records[] {
  if (apiKey === 0 && kind === 'request') {
    const b = body as { topicData: { partitionData: { records: Records }[] }[] };
    return b.topicData.flatMap((t) => t.partitionData.map((p) => p.records));
  }
  if (apiKey === 1 && kind === 'response') {
    const b = body as { responses: { partitions: { records: Records }[] }[] };
    return b.responses.flatMap((t) => t.partitions.map((p) => p.records));
  }
  return [];
}

describe('the captured corpus of real frames', () => {
  it('covers the clients, APIs and versions it was captured for', () => {
    const clients = new Set(index.entries.map((e) => e.client));
    expect([...clients].sort()).toEqual(['confluent-kafka', 'kafka-python', 'kafkajs', 'kcat']);
    const pairs = new Set(index.entries.map((e) => `${apiByKey(e.apiKey)?.name} v${e.apiVersion}`));
    // Produce v7, Fetch v4/v11, Metadata v0-v2, the group APIs, InitProducerId v4, ...
    expect(pairs.size).toBeGreaterThanOrEqual(25);
  });

  for (const e of index.entries) {
    const label = `${e.id} (${e.client} ${e.scenario}: ${apiByKey(e.apiKey)?.name ?? e.apiKey} v${e.apiVersion})`;
    it(label, () => {
      const requestFrame = bytes(e.request);
      const request = decodeRequest(requestFrame, { strict: true });
      expect(request.header.requestApiKey).toBe(e.apiKey);
      expect(request.header.correlationId).toBe(e.correlationId);
      expect(Buffer.from(encodeRequest(request.header, request.body)).equals(Buffer.from(requestFrame))).toBe(true);
      let batches = recordSets(e.apiKey, 'request', request.body);
      if (e.response !== null) {
        const responseFrame = bytes(e.response);
        const response = decodeAnswer(e, responseFrame);
        expect(response.trailingBytes).toBe(allowedTrailingBytes(e, response.body));
        expect(response.header.correlationId).toBe(e.correlationId);
        const again = encodeResponse(e.apiKey, response.version, response.header, response.body);
        const read = responseFrame.subarray(0, responseFrame.length - response.trailingBytes);
        expect(Buffer.from(again).equals(Buffer.from(read))).toBe(true);
        batches = batches.concat(recordSets(e.apiKey, 'response', response.body));
      }
      for (const records of batches) {
        if (records === null || records.length === 0) continue;
        for (const batch of readBatchHeaders(records, { verifyCrc: true, partialTrailingBatch: 'ignore' })) {
          const decoded = decodeBatchRecords(batch, { maxUncompressedBytes: 1 << 20 });
          expect(decoded.length).toBe(batch.header.lastOffsetDelta + 1);
        }
      }
    });
  }

  it('holds record batches in every compression codec, and they decode', () => {
    const seen = new Set<string>();
    for (const e of index.entries.filter((x) => x.apiKey === 0)) {
      for (const records of recordSets(0, 'request', decodeRequest(bytes(e.request)).body)) {
        if (records === null) continue;
        for (const batch of readBatchHeaders(records)) seen.add(batch.header.compression);
      }
    }
    expect([...seen].sort()).toEqual(['gzip', 'lz4', 'none', 'snappy', 'zstd']);
  });
});
