/**
 * fast-check arbitraries for any message at any version, from the same schema the codecs were
 * generated from: every field the version carries gets arbitrary values in its type's full range
 * (null where the version allows it), fields it does not carry hold their defaults (that is what
 * a decoder gives back), and flexible structs sometimes carry unknown tagged fields.
 */
import fc from 'fast-check';
import { requestCodec, responseCodec } from './frame.js';
import type { MessageCodec } from './runtime.js';
import { type FieldSchema, type MessageSchema, defaultValue, fieldsOf, inRange, isNullable, isTagged } from './schema.js';
import { uuidFromBytes } from './uuid.js';

export interface ArbitraryOptions {
  /** Longest array generated (default 3: nested arrays multiply). */
  maxArrayLength?: number;
  /** Generate unknown tagged fields in flexible versions (default true). */
  unknownTaggedFields?: boolean;
}

export function arbitraryBody(apiKey: number, apiVersion: number, kind: 'request' | 'response', options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const codec = kind === 'request' ? requestCodec(apiKey) : responseCodec(apiKey);
  if (codec === undefined) throw new Error(`no API has key ${apiKey}`);
  return arbitraryMessage(codec, apiVersion, options);
}

export function arbitraryMessage(codec: MessageCodec<unknown>, version: number, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  if (!inRange(codec.schema.validVersions, version)) throw new Error(`${codec.schema.name} has no version ${version}`);
  return struct(codec.schema, codec.schema.name, version, {
    maxArrayLength: options.maxArrayLength ?? 3,
    unknownTaggedFields: options.unknownTaggedFields ?? true,
  });
}

const int64 = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -2n, max: 2n ** 53n + 2n }));
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 4 }));
const bytes = fc.uint8Array({ maxLength: 24 });
const uuid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => uuidFromBytes(b, 0));

function primitive(type: string): fc.Arbitrary<unknown> | undefined {
  switch (type) {
    case 'bool': return fc.boolean();
    case 'int8': return fc.integer({ min: -128, max: 127 });
    case 'int16': return fc.integer({ min: -32768, max: 32767 });
    case 'uint16': return fc.integer({ min: 0, max: 65535 });
    case 'int32': return fc.integer();
    case 'uint32': return fc.integer({ min: 0, max: 0xffffffff });
    case 'int64': return int64;
    case 'float64': return fc.double();
    case 'uuid': return uuid;
    case 'string': return text;
    case 'bytes': case 'records': return bytes;
    default: return undefined;
  }
}

function value(message: MessageSchema, field: FieldSchema, version: number, options: Required<ArbitraryOptions>): fc.Arbitrary<unknown> {
  const one = primitive(field.type) ?? struct(message, field.type, version, options);
  const present = field.array ? fc.array(one, { maxLength: options.maxArrayLength }) : one;
  return isNullable(field, version) ? fc.option(present, { nil: null, freq: 4 }) : present;
}

function struct(message: MessageSchema, type: string, version: number, options: Required<ArbitraryOptions>): fc.Arbitrary<Record<string, unknown>> {
  const fields = fieldsOf(message, type);
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of fields) {
    shape[field.name] = inRange(field.versions, version)
      ? value(message, field, version, options)
      : fc.constant(null).map(() => defaultValue(message, field));
  }
  const record = fc.record(shape);
  if (!inRange(message.flexibleVersions, version) || !options.unknownTaggedFields) return record;
  const knownTags = new Set(fields.filter((f) => f.tag !== undefined && (isTagged(f, version) || f.taggedVersions !== undefined)).map((f) => f.tag!));
  const unknown = fc.uniqueArray(fc.integer({ min: 0, max: 300 }).filter((tag) => !knownTags.has(tag)), { maxLength: 2 })
    .chain((tags) => fc.tuple(...tags.sort((a, b) => a - b).map((tag) => bytes.map((data) => ({ tag, data })))));
  return fc.tuple(record, fc.option(unknown, { nil: undefined, freq: 5 })).map(([value, raw]) =>
    raw === undefined || raw.length === 0 ? value : { ...value, _unknownTaggedFields: raw });
}
