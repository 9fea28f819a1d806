/**
 * Cross-check with kafkajs 2.2.4, an implementation nobody here wrote, for every request and
 * response it can encode or decode (node_modules/kafkajs/src/protocol/requests/<api>/v<N>/).
 *
 * Requests (kafkajs only encodes them): sample arguments are encoded into a whole frame by kafkajs
 * (its request.js adds the header), decoded by ours, and must re-encode to the same bytes; and the
 * sample's values must come out of our decoded body field for field, in wire order.
 * Responses (kafkajs only decodes them): bodies drawn from our schema arbitraries are encoded by
 * ours and decoded by kafkajs, and kafkajs's values must be ours, field for field, in wire order.
 *
 * How fields are matched (the mapping choices): kafkajs names fields its own way (`topic` for
 * Kafka's `name`, `partition` for `partitionIndex`, `groupGenerationId` for `generationId`, ...)
 * and nests some differently, but it reads and writes them in wire order. So both sides are
 * flattened to their primitive values in order (ours walking the schema's fields of that version,
 * kafkajs's its objects' keys as it builds them) and compared as sequences: kafkajs's sequence must
 * be a subsequence of ours (kafkajs skips some fields it does not keep, such as error messages
 * and tagged fields; it never adds one). int64 values compare as decimal strings (kafkajs keeps
 * them as strings or Longs), bytes as hex, null as null. The samples use distinct values, so a
 * field read at the wrong place does not line up by chance. Record sets are compared by bytes
 * (re-encode); their contents are the records helper's and the corpus's business.
 */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import {
  apiByKey,
  arbitraryBody,
  decodeRequest,
  encodeRequest,
  encodeResponse,
  requestCodec,
  responseCodec,
  WireDecodeError,
  type FieldSchema,
  type MessageSchema,
} from '../../src/protocol/wire/index.js';

const require = createRequire(import.meta.url);
const KAFKAJS = join(dirname(require.resolve('kafkajs/package.json')), 'src', 'protocol');
const buildRequestFrame = require(join(KAFKAJS, 'request.js')) as (r: unknown) => Promise<{ buffer: Buffer }>;

const txn = { transactionalId: 'txn-a', producerId: '4321', producerEpoch: 7 };
const acl = { resourceType: 2, resourceName: 'topic-a', resourcePatternType: 3, principal: 'User:alice', host: 'host-a', operation: 5, permissionType: 6 };

/**
 * One sample per kafkajs API, its keys in wire order (kafkajs's arguments for its newest version; an
 * older version ignores what it cannot carry). Keys kafkajs does not put on the wire as given are
 * listed in NOT_ON_THE_WIRE.
 */
const SAMPLES: Record<string, unknown> = {
  addOffsetsToTxn: { ...txn, groupId: 'group-a' },
  addPartitionsToTxn: { ...txn, topics: [{ topic: 'topic-a', partitions: [3, 5] }] },
  alterConfigs: { resources: [{ type: 2, name: 'topic-a', configEntries: [{ name: 'retention.ms', value: '86400000' }] }], validateOnly: true },
  alterPartitionReassignments: { timeout: 5123, topics: [{ topic: 'topic-a', partitionAssignment: [{ partition: 3, replicas: [11, 12] }] }] },
  apiVersions: undefined,
  createAcls: { creations: [acl] },
  createPartitions: { topicPartitions: [{ topic: 'topic-a', count: 6, assignments: [[11, 12], [12, 13]] }], timeout: 5123, validateOnly: true },
  createTopics: {
    topics: [{ topic: 'topic-a', numPartitions: 3, replicationFactor: 2, replicaAssignment: [{ partition: 4, replicas: [11, 12] }], configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    timeout: 5123,
    validateOnly: true,
  },
  deleteAcls: { filters: [acl] },
  deleteGroups: ['group-a', 'group-b'],
  deleteRecords: { topics: [{ topic: 'topic-a', partitions: [{ partition: 3, offset: '1234567' }] }], timeout: 5123 },
  deleteTopics: { topics: ['topic-a', 'topic-b'], timeout: 5123 },
  describeAcls: acl,
  describeConfigs: { resources: [{ type: 2, name: 'topic-a', configNames: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: true },
  describeGroups: { groupIds: ['group-a', 'group-b'] },
  endTxn: { ...txn, transactionResult: true },
  fetch: {
    replicaId: -1,
    maxWaitTime: 512,
    minBytes: 3,
    maxBytes: 1048577,
    isolationLevel: 1,
    sessionId: 77,
    sessionEpoch: 8,
    topics: [{ topic: 'topic-a', partitions: [{ partition: 3, currentLeaderEpoch: 9, fetchOffset: '1234567', logStartOffset: '1000', maxBytes: 65537 }] }],
    forgottenTopics: [{ topic: 'topic-b', partitions: [21] }],
    rackId: 'rack-a',
  },
  findCoordinator: { coordinatorKey: 'group-a', coordinatorType: 1, v0: { groupId: 'group-a' } },
  heartbeat: { groupId: 'group-a', groupGenerationId: 5, memberId: 'member-a', groupInstanceId: 'instance-a' },
  initProducerId: { transactionalId: 'txn-a', transactionTimeout: 60001 },
  joinGroup: {
    groupId: 'group-a',
    sessionTimeout: 10001,
    rebalanceTimeout: 60002,
    memberId: 'member-a',
    groupInstanceId: 'instance-a',
    protocolType: 'consumer',
    groupProtocols: [{ name: 'range', metadata: Buffer.from('range-metadata') }],
  },
  leaveGroup: { groupId: 'group-a', memberId: 'member-a', members: [{ memberId: 'member-b', groupInstanceId: 'instance-b' }] },
  listGroups: undefined,
  listOffsets: { replicaId: -1, isolationLevel: 0, topics: [{ topic: 'topic-a', partitions: [{ partition: 3, timestamp: '-2' }] }] },
  listPartitionReassignments: { timeout: 5123, topics: [{ topic: 'topic-a', partitions: [3, 5] }] },
  metadata: { topics: ['topic-a', 'topic-b'], allowAutoTopicCreation: false },
  offsetCommit: {
    groupId: 'group-a',
    groupGenerationId: 5,
    memberId: 'member-a',
    retentionTime: '86400001',
    groupInstanceId: 'instance-a',
    topics: [{ topic: 'topic-a', partitions: [{ partition: 3, offset: '1234567', metadata: 'meta-a' }] }],
  },
  offsetFetch: { groupId: 'group-a', topics: [{ topic: 'topic-a', partitions: [{ partition: 3 }] }] },
  produce: {
    transactionalId: 'txn-a',
    acks: -1,
    timeout: 30001,
    compression: 0,
    producerId: '4321',
    producerEpoch: 7,
    topicData: [{ topic: 'topic-a', partitions: [{ partition: 3, firstSequence: 0, messages: [{ key: 'key-a', value: 'value-a', timestamp: 1700000000000, headers: { h: 'v' } }] }] }],
  },
  saslAuthenticate: { authBytes: Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.from('auth-bytes')]) },
  saslHandshake: { mechanism: 'SCRAM-SHA-256' },
  syncGroup: {
    groupId: 'group-a',
    generationId: 5,
    memberId: 'member-a',
    groupInstanceId: 'instance-a',
    groupAssignment: [{ memberId: 'member-b', memberAssignment: Buffer.from('assignment-b') }],
  },
  txnOffsetCommit: {
    transactionalId: 'txn-a',
    groupId: 'group-a',
    producerId: '4321',
    producerEpoch: 7,
    topics: [{ topic: 'topic-a', partitions: [{ partition: 3, offset: '1234567', metadata: 'meta-a' }] }],
  },
};

/**
 * Sample keys that are not wire fields as given: produce's compression, producer id/epoch and
 * messages go into the record batch (compared by bytes); fields a kafkajs version sends with a
 * value of its own instead of the sample's.
 */
const NOT_ON_THE_WIRE: Record<string, readonly string[]> = {
  produce: ['compression', 'producerId', 'producerEpoch', 'messages', 'firstSequence'],
  // kafkajs writes authBytes raw (writeBuffer): its SASL mechanisms pass them length-prefixed.
  saslAuthenticate: ['authBytes'],
};

/** A sample's arguments for one version: `vN` keys replace the whole sample for version N. */
function sampleFor(api: string, version: number): unknown {
  const sample = SAMPLES[api];
  if (sample === null || typeof sample !== 'object' || Array.isArray(sample)) return sample;
  const own = (sample as Record<string, unknown>)[`v${version}`];
  if (own !== undefined) return own;
  return Object.fromEntries(Object.entries(sample).filter(([k]) => !/^v\d+$/.test(k)));
}

function kafkajsVersions(api: string): number[] {
  return readdirSync(join(KAFKAJS, 'requests', api))
    .filter((d) => /^v\d+$/.test(d))
    .map((d) => Number(d.slice(1)))
    .sort((a, b) => a - b);
}

const KAFKAJS_APIS = readdirSync(join(KAFKAJS, 'requests')).filter((d) => existsSync(join(KAFKAJS, 'requests', d, 'v0')) || existsSync(join(KAFKAJS, 'requests', d, 'v1')));

/** The API key a kafkajs request module declares. */
function keyOf(api: string): number {
  const first = kafkajsVersions(api)[0]!;
  return (require(join(KAFKAJS, 'requests', api, `v${first}`, 'request.js'))(SAMPLES[api]) as { apiKey: number }).apiKey;
}

type Leaf = string;

function leaf(value: unknown): Leaf {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
  // kafkajs decodes int64 into Long objects in places: compare their decimal form.
  if (typeof value === 'object' && 'high' in value && 'low' in value) return String(value);
  return String(value);
}

/** Our decoded value's primitives in wire order: the schema's fields present in `version`. */
function ourLeaves(schema: MessageSchema, fields: readonly FieldSchema[], value: Record<string, unknown>, version: number, out: Leaf[]): Leaf[] {
  for (const field of fields) {
    if (version < field.versions[0] || version > field.versions[1]) continue;
    if (field.taggedVersions !== undefined && version >= field.taggedVersions[0] && version <= field.taggedVersions[1]) continue;
    if (field.type === 'records') continue;
    const v = value[field.name];
    const struct = schema.structs[field.type];
    const each = (item: unknown): void => {
      if (struct !== undefined) ourLeaves(schema, struct.fields, item as Record<string, unknown>, version, out);
      else out.push(leaf(item));
    };
    if (field.array === true) {
      if (v === null) out.push('null');
      else (v as unknown[]).forEach(each);
    } else if (struct !== undefined && v === null) out.push('null');
    else each(v);
  }
  return out;
}

/**
 * How kafkajs's decoded responses differ in shape, not in values:
 * - from v1 of most APIs kafkajs reports the wire's throttle_time_ms as `clientSideThrottleTime`
 *   and sets `throttleTime` to 0 (KIP-219: the broker throttles after answering), so `throttleTime`
 *   is not a wire value there;
 * - SaslAuthenticate's `authBytes` keep their int32 length prefix (kafkajs hands them to a SASL
 *   mechanism that reads it).
 */
function normalizeKafkajsResponse(api: string, version: number, throttleFirst: boolean, decoded: unknown): unknown {
  if (decoded === null || typeof decoded !== 'object') return decoded;
  let out = { ...(decoded as Record<string, unknown>) };
  // kafkajs puts the throttle time where it likes; on the wire it is first, or last (Produce,
  // ApiVersions): put it where the schema has it.
  // kafkajs's DeleteGroups v1 reads `throttleTime` from a v0 answer that calls it `throttleTimeMs`:
  // its clientSideThrottleTime is undefined and its throttleTime 0, neither from the wire (a kafkajs
  // bug; the wire's value is in throttleTimeMs, where it was read).
  if ('clientSideThrottleTime' in out && out['clientSideThrottleTime'] === undefined) {
    const { clientSideThrottleTime: _c, throttleTime: _t, ...rest } = out;
    out = rest;
  }
  const throttle = 'clientSideThrottleTime' in out ? out['clientSideThrottleTime'] : out['throttleTime'];
  if (throttle !== undefined) {
    const { clientSideThrottleTime: _c, throttleTime: _t, ...rest } = out;
    out = throttleFirst ? { throttle, ...rest } : { ...rest, throttle };
  }
  if (api === 'describeConfigs') out = withoutKeys(out, version === 0 ? ['configSource'] : ['isDefault']) as Record<string, unknown>;
  if (api === 'saslAuthenticate' && out['authBytes'] instanceof Uint8Array) out['authBytes'] = (out['authBytes'] as Uint8Array).subarray(4);
  return out;
}

/** A copy without the keys kafkajs derives from other fields (DescribeConfigs: isDefault from configSource, or in v0 the reverse). */
function withoutKeys(value: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutKeys(v, keys));
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)).map(([k, v]) => [k, withoutKeys(v, keys)]));
}

/**
 * kafkajs sorts the topics of these answers by name; with one topic each the order is the wire's.
 */
const SORTED_BY_KAFKAJS = ['createTopics', 'createPartitions', 'deleteTopics', 'deleteRecords'];

/** kafkajs's values in the order its objects hold them. */
function kafkajsLeaves(value: unknown, skip: readonly string[], out: Leaf[] = []): Leaf[] {
  if (Array.isArray(value)) for (const v of value) kafkajsLeaves(v, skip, out);
  else if (value instanceof Uint8Array || value === null || typeof value !== 'object' || ('high' in value && 'low' in value)) {
    if (value !== undefined) out.push(leaf(value));
  } else {
    for (const [k, v] of Object.entries(value)) if (!skip.includes(k)) kafkajsLeaves(v, skip, out);
  }
  return out;
}

/** The first place where `small` stops being a subsequence of `big`, or -1. */
function subsequenceMismatch(small: readonly Leaf[], big: readonly Leaf[]): number {
  let j = 0;
  for (let i = 0; i < small.length; i++) {
    while (j < big.length && big[j] !== small[i]) j++;
    if (j === big.length) return i;
    j++;
  }
  return -1;
}

function expectSubsequence(theirs: Leaf[], ours: Leaf[], what: string): void {
  const at = subsequenceMismatch(theirs, ours);
  if (at !== -1) {
    throw new Error(`${what}: kafkajs's value #${at} (${theirs[at]}) is not where ours has it\n  kafkajs: ${theirs.join(' ')}\n  ours:    ${ours.join(' ')}`);
  }
}

function inKafka(apiKey: number, version: number): boolean {
  const info = apiByKey(apiKey);
  return info !== undefined && version >= info.minVersion && version <= info.maxVersion;
}

type Decoder = { decode: (payload: Buffer) => Promise<unknown> };

const covered = { requests: [] as string[], responses: [] as string[], notInKafka: [] as string[] };

describe('kafkajs 2.2.4 encodes requests that our codecs decode, field for field and byte for byte', () => {
  for (const api of KAFKAJS_APIS) {
    if (!(api in SAMPLES)) continue;
    for (const version of kafkajsVersions(api)) {
      if (!existsSync(join(KAFKAJS, 'requests', api, `v${version}`, 'request.js'))) continue;
      it(`${api} v${version} request`, async () => {
        const apiKey = keyOf(api);
        const sample = sampleFor(api, version);
        const request = require(join(KAFKAJS, 'requests', api, `v${version}`, 'request.js'))(sample);
        const sized = (await buildRequestFrame({ correlationId: 42, clientId: 'kafkajs-cross', request })).buffer;
        const frame = new Uint8Array(sized.subarray(4));
        if (!inKafka(apiKey, version)) {
          // Kafka 4.0 dropped it (KIP-896): ours refuses it, the way a broker would.
          covered.notInKafka.push(`${api} v${version}`);
          expect(() => decodeRequest(frame)).toThrow(WireDecodeError);
          return;
        }
        const { header, body } = decodeRequest(frame, { strict: true });
        expect(header).toMatchObject({ requestApiKey: apiKey, requestApiVersion: version, correlationId: 42, clientId: 'kafkajs-cross' });
        expect(Buffer.from(encodeRequest(header, body)).equals(Buffer.from(frame))).toBe(true);
        const schema = requestCodec(apiKey)!.schema;
        const ours = ourLeaves(schema, schema.fields, body as Record<string, unknown>, version, []);
        const theirs = kafkajsLeaves(sample ?? {}, NOT_ON_THE_WIRE[api] ?? []);
        const carried = theirs.filter((l) => ours.includes(l));
        expectSubsequence(carried, ours, `${api} v${version}`);
        // Some of the sample is on the wire of every version (older versions carry fewer fields).
        if (theirs.length > 0) expect(carried.length).toBeGreaterThan(0);
        covered.requests.push(`${api} v${version}`);
      });
    }
  }
});

/**
 * Error codes set to 0: some kafkajs decoders throw on an error code instead of returning it. Record
 * sets empty: arbitrary bytes are no record batch, and kafkajs decodes them.
 */
function withoutErrors(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutErrors);
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'errorCode' ? 0 : k === 'records' ? new Uint8Array(0) : withoutErrors(v)]));
}

describe('kafkajs 2.2.4 decodes responses that our codecs encode, field for field', () => {
  for (const api of KAFKAJS_APIS) {
    for (const version of kafkajsVersions(api)) {
      const file = join(KAFKAJS, 'requests', api, `v${version}`, 'response.js');
      if (!existsSync(file)) continue;
      const apiKey = keyOf(api);
      if (!inKafka(apiKey, version)) continue;
      it(`${api} v${version} response`, async () => {
        // A few kafkajs responses (DeleteRecords) are factories taking the request's arguments.
        const module = require(file) as Decoder | ((args: unknown) => Decoder);
        const { decode } = typeof module === 'function' ? module(SAMPLES[api]) : module;
        const schema = responseCodec(apiKey)!.schema;
        const bodies = fc.sample(arbitraryBody(apiKey, version, 'response', { unknownTaggedFields: false, maxArrayLength: SORTED_BY_KAFKAJS.includes(api) ? 1 : 2 }), { seed: apiKey * 100 + version, numRuns: 8 });
        for (const generated of bodies) {
          const body = withoutErrors(generated);
          const frame = encodeResponse(apiKey, version, { correlationId: 7 }, body);
          // kafkajs's connection reads the correlation id and hands the rest to decode.
          const decoded = await decode(Buffer.from(frame.subarray(4)));
          const ours = ourLeaves(schema, schema.fields, body as Record<string, unknown>, version, []);
          expectSubsequence(kafkajsLeaves(normalizeKafkajsResponse(api, version, schema.fields[0]?.name === 'throttleTimeMs', decoded), []), ours, `${api} v${version}`);
        }
        covered.responses.push(`${api} v${version}`);
      });
    }
  }

  it('covers most of what kafkajs speaks', () => {
    expect(covered.requests.length).toBeGreaterThan(60);
    expect(covered.responses.length).toBeGreaterThan(60);
  });
});
