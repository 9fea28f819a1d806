/**
 * A response body written once, in the newest shape, then fitted to the version the client asked
 * for: fields the version lacks are dropped, fields it has but the answer left out get the
 * schema's defaults (Kafka's generated Message classes start from the same defaults). So each API
 * module states its answer once, not once per version.
 */
import { requestCodec, responseCodec } from '../../protocol/wire/index.js';
import type { FieldSchema, MessageSchema } from '../../protocol/wire/index.js';
import { defaultValue } from '../../protocol/wire/schema.js';

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'uuid', 'string', 'bytes', 'records']);

const inVersion = (field: FieldSchema, version: number): boolean => version >= field.versions[0] && version <= field.versions[1];

function fitStruct(schema: MessageSchema, fields: readonly FieldSchema[], value: Record<string, unknown>, version: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (!inVersion(field, version)) continue;
    const given = value[field.name];
    if (given === undefined) {
      out[field.name] = defaultValue(schema, field);
      continue;
    }
    if (given === null) {
      // Null where this version cannot say null (JoinGroup's protocolName before v7): the empty value, as Kafka's older versions write it.
      out[field.name] = nullableIn(field, version) ? null : emptyValue(schema, field);
      continue;
    }
    if (PRIMITIVES.has(field.type)) {
      out[field.name] = given;
      continue;
    }
    const structFields = schema.structs[field.type]?.fields ?? [];
    out[field.name] = field.array === true
      ? (given as Record<string, unknown>[]).map((item) => fitStruct(schema, structFields, item, version))
      : fitStruct(schema, structFields, given as Record<string, unknown>, version);
  }
  return out;
}

const nullableIn = (field: FieldSchema, version: number): boolean =>
  field.nullableVersions !== undefined && version >= field.nullableVersions[0] && version <= field.nullableVersions[1];

function emptyValue(schema: MessageSchema, field: FieldSchema): unknown {
  if (field.array === true) return [];
  if (field.type === 'string') return '';
  if (field.type === 'bytes' || field.type === 'records') return new Uint8Array(0);
  const value = defaultValue(schema, field);
  return value === null ? fitStruct(schema, schema.structs[field.type]?.fields ?? [], {}, 0) : value;
}

/** The response body of `apiKey` fitted to `version`. */
export function fitResponse(apiKey: number, version: number, body: Record<string, unknown>): Record<string, unknown> {
  const codec = responseCodec(apiKey);
  if (codec === undefined) throw new Error(`no response schema for api key ${apiKey}`);
  return fitStruct(codec.schema, codec.schema.fields, body, version);
}

/** A request body fitted the same way (tests and tools write requests once, too). */
export function fitRequest(apiKey: number, version: number, body: Record<string, unknown>): Record<string, unknown> {
  const codec = requestCodec(apiKey);
  if (codec === undefined) throw new Error(`no request schema for api key ${apiKey}`);
  return fitStruct(codec.schema, codec.schema.fields, body, version);
}
