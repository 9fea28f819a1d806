/**
 * Decoded messages as JSON and back, losslessly: int64 as decimal strings (a JSON number loses
 * digits past 2^53), bytes and records as base64 (what Kafka's generated JSON converters write for
 * bytes, MessageDataJsonConverter: BinaryNode), uuids as Kafka's own text. Unknown tagged fields
 * keep their tag and base64 data, so JSON -> frame gives the same bytes back.
 */
import { WireEncodeError } from './errors.js';
import { requestCodec, responseCodec } from './frame.js';
import type { MessageCodec } from './runtime.js';
import { type FieldSchema, type MessageSchema, PRIMITIVE_TYPES, defaultValue, fieldsOf } from './schema.js';
import { uuidToBytes } from './uuid.js';

export function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return base64(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = toJson(field);
    return out;
  }
  return value;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fromBase64(text: unknown, path: string): Uint8Array {
  if (typeof text !== 'string') throw new WireEncodeError(`${path}: expected base64 text, got ${describe(text)}`);
  const bytes = Buffer.from(text, 'base64');
  // Node's decoder skips what it cannot read; only canonical base64 maps back to itself.
  if (bytes.toString('base64') !== text) throw new WireEncodeError(`${path}: not canonical base64`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** A body from its JSON form, for an API's request or response at a version. Missing fields take their defaults. */
export function fromJson(apiKey: number, apiVersion: number, kind: 'request' | 'response', json: unknown): unknown {
  const codec = kind === 'request' ? requestCodec(apiKey) : responseCodec(apiKey);
  if (codec === undefined) throw new WireEncodeError(`no API has key ${apiKey}`);
  return messageFromJson(codec, json);
}

export function messageFromJson(codec: MessageCodec<unknown>, json: unknown): unknown {
  return structFromJson(codec.schema, codec.schema.name, json, '');
}

function structFromJson(message: MessageSchema, type: string, json: unknown, path: string): Record<string, unknown> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new WireEncodeError(`${path || type}: expected an object, got ${describe(json)}`);
  const input = json as Record<string, unknown>;
  const fields = fieldsOf(message, type);
  const known = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(input)) {
    if (!known.has(key) && key !== '_unknownTaggedFields') throw new WireEncodeError(`${path || type}: ${type} has no field ${key}`);
  }
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const where = path === '' ? field.name : `${path}.${field.name}`;
    out[field.name] = field.name in input ? fieldFromJson(message, field, input[field.name], where) : defaultValue(message, field);
  }
  if (input._unknownTaggedFields !== undefined) out._unknownTaggedFields = taggedFromJson(input._unknownTaggedFields, `${path || type}._unknownTaggedFields`);
  return out;
}

function taggedFromJson(json: unknown, path: string): { tag: number; data: Uint8Array }[] {
  if (!Array.isArray(json)) throw new WireEncodeError(`${path}: expected an array`);
  return json.map((entry: unknown, i) => {
    const raw = entry as { tag?: unknown; data?: unknown } | null;
    if (raw === null || typeof raw !== 'object' || typeof raw.tag !== 'number') throw new WireEncodeError(`${path}[${i}]: expected {tag, data}`);
    return { tag: raw.tag, data: fromBase64(raw.data, `${path}[${i}].data`) };
  });
}

function fieldFromJson(message: MessageSchema, field: FieldSchema, json: unknown, path: string): unknown {
  if (json === null) return null; // the encoder decides whether this version may carry null
  if (field.array) {
    if (!Array.isArray(json)) throw new WireEncodeError(`${path}: expected an array, got ${describe(json)}`);
    return json.map((element: unknown, i) => valueFromJson(message, field.type, element, `${path}[${i}]`));
  }
  return valueFromJson(message, field.type, json, path);
}

function valueFromJson(message: MessageSchema, type: string, json: unknown, path: string): unknown {
  if (!PRIMITIVE_TYPES.has(type)) return structFromJson(message, type, json, path);
  switch (type) {
    case 'int64':
      if (typeof json === 'string' && /^-?\d+$/.test(json)) return BigInt(json);
      if (typeof json === 'number' && Number.isSafeInteger(json)) return BigInt(json);
      throw new WireEncodeError(`${path}: expected an int64 as a decimal string, got ${describe(json)}`);
    case 'bytes': case 'records':
      return fromBase64(json, path);
    case 'uuid':
      if (typeof json !== 'string' || !uuidToBytes(json, new Uint8Array(16), 0)) throw new WireEncodeError(`${path}: expected a uuid (22 characters of URL-safe base64), got ${describe(json)}`);
      return json;
    case 'string':
      if (typeof json !== 'string') throw new WireEncodeError(`${path}: expected a string, got ${describe(json)}`);
      return json;
    case 'bool':
      if (typeof json !== 'boolean') throw new WireEncodeError(`${path}: expected true or false, got ${describe(json)}`);
      return json;
    default:
      // The encoder checks each number's range for its type.
      if (typeof json !== 'number') throw new WireEncodeError(`${path}: expected a number, got ${describe(json)}`);
      return json;
  }
}
