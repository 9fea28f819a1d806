/**
 * Hostile input: decoding throws nothing but WireDecodeError, says where and what, and refuses
 * everything on the must-reject list of ecosystem.md §3.4 that belongs to the codec layer.
 * Tagged fields and ignorable fields behave as Kafka's generated code makes them behave.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apis, arbitraryBody, checkFrameSize, decodeRequest, decodeRequestHeader, decodeResponse, DEFAULT_MAX_FRAME_BYTES,
  encodeRequest, encodeResponse, WireDecodeError, WireEncodeError, wireEqual,
} from '../../src/protocol/wire/index.js';
import { normalise } from '../../scripts/gen-wire.js';

function decodeError(run: () => unknown): WireDecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof WireDecodeError) return error;
    throw error;
  }
  throw new Error('expected a WireDecodeError, decoding succeeded');
}

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

/** A flexible request header (v2) for an API and version, correlation id 1, client id "c". */
function header(apiKey: number, apiVersion: number): { requestApiKey: number; requestApiVersion: number; correlationId: number; clientId: string } {
  return { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId: 1, clientId: 'c' };
}

describe('a truncated frame is a WireDecodeError at every byte', () => {
  for (const api of apis) {
    it(`${api.name}: every prefix of a request and a response, oldest and newest version`, () => {
      for (const version of new Set([api.minVersion, api.maxVersion])) {
        const [request] = fc.sample(arbitraryBody(api.apiKey, version, 'request'), { numRuns: 1, seed: api.apiKey });
        const [response] = fc.sample(arbitraryBody(api.apiKey, version, 'response'), { numRuns: 1, seed: api.apiKey });
        const requestFrame = encodeRequest({ ...header(api.apiKey, version), clientId: version === 0 && api.apiKey === 7 ? '' : 'c' }, request);
        const responseFrame = encodeResponse(api.apiKey, version, { correlationId: 1 }, response);
        for (let length = 0; length < requestFrame.length; length++) {
          expect(decodeError(() => decodeRequest(requestFrame.subarray(0, length))).kind).toMatch(/truncated|exceeds-remaining/);
        }
        for (let length = 0; length < responseFrame.length; length++) {
          expect(decodeError(() => decodeResponse(api.apiKey, version, responseFrame.subarray(0, length))).kind).toMatch(/truncated|exceeds-remaining/);
        }
      }
    });
  }
});

describe('mutated frames decode or fail with a WireDecodeError, never another exception', () => {
  it('bit flips, byte overwrites and length inflation over every API (WIRE_RUNS for more)', () => {
    const frames = apis.flatMap((api) => [api.minVersion, api.maxVersion].map((version) => ({
      api, version, frame: encodeRequest({ ...header(api.apiKey, version), clientId: version === 0 && api.apiKey === 7 ? '' : 'c' },
        fc.sample(arbitraryBody(api.apiKey, version, 'request'), { numRuns: 1, seed: 7 })[0]),
      responseFrame: encodeResponse(api.apiKey, version, { correlationId: 1 }, fc.sample(arbitraryBody(api.apiKey, version, 'response'), { numRuns: 1, seed: 7 })[0]),
    })));
    fc.assert(fc.property(fc.nat(frames.length - 1), fc.boolean(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (which, response, edits) => {
      const target = frames[which]!;
      const frame = Uint8Array.from(response ? target.responseFrame : target.frame);
      for (const [at, value] of edits) frame[at % frame.length] = value;
      try {
        if (response) decodeResponse(target.api.apiKey, target.version, frame);
        else decodeRequest(frame);
      } catch (error) {
        if (!(error instanceof WireDecodeError)) throw error;
      }
    }), { numRuns: Number(process.env.WIRE_RUNS ?? 1) * 1000, seed: 3 });
  });
});

describe('ecosystem.md §3.4: what a robust implementation must reject', () => {
  it('1. a frame size below 0 or above the maximum (checked on the 4-byte prefix, before allocating)', () => {
    expect(decodeError(() => checkFrameSize(hex('ffffffff'), DEFAULT_MAX_FRAME_BYTES)).kind).toBe('frame-size');
    expect(decodeError(() => checkFrameSize(hex('06400001'), DEFAULT_MAX_FRAME_BYTES)).kind).toBe('frame-size');
    expect(checkFrameSize(hex('06400000'), DEFAULT_MAX_FRAME_BYTES)).toBe(DEFAULT_MAX_FRAME_BYTES);
    expect(decodeError(() => checkFrameSize(hex('00080001'), 512 * 1024)).kind).toBe('frame-size');
  });

  it('2. an unknown API key or an unsupported version; ApiVersions\' header still reads (KIP-511)', () => {
    expect(decodeError(() => decodeRequest(hex('7fff 0000 00000001 0000'))).kind).toBe('unknown-api');
    expect(decodeError(() => decodeRequest(hex('0003 0063 00000001 0000 00'))).kind).toBe('unsupported-version');
    expect(decodeRequestHeader(hex('0012 0063 00000001 0001 63 00')).header.requestApiVersion).toBe(0x63);
  });

  it('3a. a length or count past the bytes left in this frame', () => {
    // Metadata v1: topics array count 1000 in a frame holding none.
    expect(decodeError(() => decodeRequest(hex('0003 0001 00000001 ffff 000003e8'))).kind).toBe('count-exceeds-remaining');
    // Heartbeat v0: group id length 100, 3 bytes follow.
    const error = decodeError(() => decodeRequest(hex('000c 0000 00000001 ffff 0064 616263')));
    expect(error).toMatchObject({ kind: 'length-exceeds-remaining', api: 'HeartbeatRequest', apiVersion: 0, path: 'groupId', offset: 10 });
  });

  it('3b. a string longer than 32767 bytes', () => {
    // Heartbeat v4 (flexible): compact group id length 40000.
    expect(decodeError(() => decodeRequest(hex('000c 0004 00000001 ffff 00 c1b802'))).kind).toBe('invalid-value');
  });

  it('3c. a negative length on a non-nullable field, and any negative other than -1', () => {
    expect(decodeError(() => decodeRequest(hex('000c 0000 00000001 ffff ffff'))).kind).toBe('negative-length');
    // Metadata v1's topics are nullable: -1 is null, -2 is not.
    expect(decodeRequest(hex('0003 0001 00000001 ffff ffffffff')).body).toEqual({ topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    expect(decodeError(() => decodeRequest(hex('0003 0001 00000001 ffff fffffffe'))).kind).toBe('negative-length');
  });

  it('3d. a varint longer than 5 bytes (int32) or 10 (int64)', () => {
    // Heartbeat v4: the compact group id length as a 6-byte varint.
    expect(decodeError(() => decodeRequest(hex('000c 0004 00000001 ffff 00 808080808001'))).kind).toBe('invalid-value');
  });

  it('4a. trailing bytes after a full parse (strict; Kafka itself ignores them, see frame.ts)', () => {
    const frame = hex('000c 0000 00000001 ffff 0001 67 00000005 0001 6d ee');
    expect(decodeRequest(frame).trailingBytes).toBe(1);
    expect(decodeError(() => decodeRequest(frame, { strict: true }))).toMatchObject({ kind: 'trailing-bytes', offset: 20 });
  });

  it('4b. tagged fields: a count or a size past the bytes left', () => {
    // Heartbeat v4 body: group "g", generation 5, member "m", no instance id, then 100 tagged fields.
    expect(decodeError(() => decodeRequest(hex('000c 0004 00000001 ffff 00 0267 00000005 026d 00 64'))).kind).toBe('count-exceeds-remaining');
    expect(decodeError(() => decodeRequest(hex('000c 0004 00000001 ffff 00 0267 00000005 026d 00 01 05 7f 00'))).kind).toBe('length-exceeds-remaining');
  });

  it('4c. nesting: Kafka\'s schemas are not recursive, so depth is bounded by the schema; the generator refuses a deeper one', () => {
    let type: { name: string; type: string; versions: string; fields?: unknown[] } = { name: 'Leaf', type: 'int8', versions: '0+' };
    for (let depth = 0; depth < 9; depth++) type = { name: `Level${depth}`, type: `Level${depth}`, versions: '0+', fields: [type] };
    expect(() => normalise({ name: 'DeepRequest', type: 'request', apiKey: 999, validVersions: '0', flexibleVersions: 'none', fields: [type] } as never)).toThrow(/nested deeper/);
  });

  // 5 (record batches: CRC, magic, batchLength, decompressed size) is the records layer's:
  // test/records/batch.test.ts, compression.test.ts (zip bombs), produce.test.ts, and on a live broker
  // test/live/gateway.test.ts. 6 (a client's follower fetch, a Produce whose producer id or epoch do not
  // match) is the broker node's: test/live/gateway.test.ts and the replica machine's producer-state tests.

  it('7. parse errors are classified: API, version, field path, byte offset and kind', () => {
    const error = decodeError(() => decodeRequest(hex('0003 0004 00000001 ffff 00000001 0003 616263')));
    expect(error).toMatchObject({ api: 'MetadataRequest', apiVersion: 4, path: 'allowAutoTopicCreation', kind: 'truncated', offset: 19 });
    expect(error.message).toContain('MetadataRequest v4 allowAutoTopicCreation at byte 19: truncated');
  });
});

describe('tagged fields (KIP-482)', () => {
  it('unknown tagged fields are kept as raw bytes and re-encode to the same frame', () => {
    // Heartbeat v4 body with unknown tags 3 ("ab") and 9 (empty).
    const frame = hex('000c 0004 00000001 ffff 00 0267 00000005 026d 00 02 03 02 6162 09 00');
    const { header: decodedHeader, body } = decodeRequest(frame, { strict: true });
    expect(body).toMatchObject({ groupId: 'g', generationId: 5, memberId: 'm', groupInstanceId: null });
    const unknown = (body as { _unknownTaggedFields: { tag: number; data: Uint8Array }[] })._unknownTaggedFields;
    expect(unknown.map((f) => [f.tag, Buffer.from(f.data).toString()])).toEqual([[3, 'ab'], [9, '']]);
    expect(Buffer.from(encodeRequest(decodedHeader, body)).equals(Buffer.from(frame))).toBe(true);
  });

  it('known and unknown tags are written merged in ascending order', () => {
    // ApiVersions v3 response: FinalizedFeaturesEpoch is tag 1; an unknown tag 0 goes before it, 7 after.
    const body = { errorCode: 0, apiKeys: [], throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: 3n, finalizedFeatures: [], zkMigrationReady: false,
      _unknownTaggedFields: [{ tag: 7, data: Uint8Array.of(1) }] };
    const frame = encodeResponse(18, 3, { correlationId: 1 }, body);
    expect(Buffer.from(frame).toString('hex')).toBe('00000001' + '0000' + '01' + '00000000' + '02' + '01' + '08' + '0000000000000003' + '07' + '01' + '01');
    expect(wireEqual(decodeResponse(18, 3, frame).body, body)).toBe(true);
    expect(() => encodeResponse(18, 3, { correlationId: 1 }, { ...body, _unknownTaggedFields: [{ tag: 1, data: Uint8Array.of(1) }] })).toThrow(WireEncodeError);
  });

  it('a tag defined in other versions is an error in this one (as Kafka: "Tag 1 is not valid for version")', () => {
    // Fetch v12 knows tag 0 (ClusterId); tag 1 (ReplicaState) only from v15.
    const [body] = fc.sample(arbitraryBody(1, 12, 'request', { unknownTaggedFields: false }), { numRuns: 1, seed: 1 });
    const frame = encodeRequest(header(1, 12), { ...(body as object), clusterId: null });
    expect(frame[frame.length - 1]).toBe(0); // no tagged fields at the top level
    const withTag = Uint8Array.from([...frame.subarray(0, frame.length - 1), 1, 1, 0]);
    expect(decodeError(() => decodeRequest(Uint8Array.from([...frame.subarray(0, frame.length - 1), 1, 0, 0]))).kind).toBe('truncated');
    const error = decodeError(() => decodeRequest(withTag));
    expect(error.kind).toBe('tagged-field');
  });

  it('a known tagged field must fill exactly its declared size', () => {
    // ApiVersions v3 response, tag 1 (an int64) declared as 9 bytes.
    const frame = hex('00000001 0000 01 00000000 01 01 09 0000000000000003 00');
    expect(decodeError(() => decodeResponse(18, 3, frame)).kind).toBe('tagged-field');
  });
});

describe('fields a version cannot carry (MessageDataGenerator: ignorable)', () => {
  it('an ignorable field is dropped silently from a version without it', () => {
    const frame = encodeResponse(18, 0, { correlationId: 1 }, { errorCode: 0, apiKeys: [], throttleTimeMs: 100, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false });
    expect((decodeResponse(18, 0, frame).body as { throttleTimeMs: number }).throttleTimeMs).toBe(0);
  });

  it('a non-ignorable field holding a non-default value cannot be written to a version without it; its default can', () => {
    const body = { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: 'static-1' };
    expect(() => encodeRequest(header(12, 2), body)).toThrow(/groupInstanceId: holds a non-default value/);
    expect(() => encodeRequest(header(12, 2), { ...body, groupInstanceId: null })).not.toThrow();
    expect(() => encodeRequest(header(12, 3), body)).not.toThrow();
  });

  it('null where the version does not allow it is refused on encode', () => {
    expect(() => encodeRequest(header(12, 3), { groupId: null, generationId: 1, memberId: 'm', groupInstanceId: null })).toThrow(/groupId: null in a version where the field is not nullable/);
  });
});
