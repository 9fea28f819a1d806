/**
 * Request bodies from the fields a caller cares about: every field left out takes the default
 * Kafka's schema gives it (FieldSpec.fieldDefault), recursively through structs and arrays of
 * structs, so a check writes `{ topics: [{ name, partitions: [{ index, records }] }] }` and not
 * every field of every version; a field the version does not carry is dropped, so one partial
 * serves every version a target negotiates.
 */
import { requestCodec } from '../protocol/wire/index.js';
import { type MessageSchema, PRIMITIVE_TYPES, defaultValue, fieldsOf, inRange } from '../protocol/wire/schema.js';

export type Partial = { readonly [field: string]: unknown };

function fill(message: MessageSchema, type: string, given: Partial, version: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fieldsOf(message, type)) {
    // A field this version cannot carry keeps its default (the encoder refuses anything else).
    if (!(field.name in given) || !inRange(field.versions, version)) {
      out[field.name] = defaultValue(message, field);
      continue;
    }
    const value = given[field.name];
    const isStruct = !PRIMITIVE_TYPES.has(field.type);
    if (!isStruct || value === null || value === undefined) out[field.name] = value;
    else if (field.array) out[field.name] = (value as Partial[]).map((element) => fill(message, field.type, element, version));
    else out[field.name] = fill(message, field.type, value as Partial, version);
  }
  return out;
}

/** The body of a request at a version: fields the version does not carry are left at their defaults. */
export function requestBody(apiKey: number, version: number, given: Partial): unknown {
  const codec = requestCodec(apiKey);
  if (codec === undefined) throw new Error(`no API has key ${apiKey}`);
  return fill(codec.schema, codec.schema.name, given, version);
}
