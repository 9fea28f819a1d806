/**
 * A message's schema as the generator reads it from Kafka's JSON (about texts dropped, versions
 * parsed, names in camelCase as Kafka's generated Java has them). The generated codecs are
 * straight-line code for speed; the same schema, committed beside them, drives what needs it at
 * run time: fast-check arbitraries, JSON conversion, the version tables.
 */
import { ZERO_UUID } from './uuid.js';

/** Inclusive version range; an open range ("3+") ends at 32767. */
export type VersionRange = readonly [number, number];

export const OPEN_VERSION = 0x7fff;

export type PrimitiveType =
  | 'bool' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'float64'
  | 'uuid' | 'string' | 'bytes' | 'records';

export interface FieldSchema {
  /** camelCase, as in Kafka's generated Java (MessageGenerator.lowerCaseFirst). */
  readonly name: string;
  /** A primitive type, or the name of a struct of the message. */
  readonly type: string;
  readonly array?: true;
  readonly versions: VersionRange;
  readonly nullableVersions?: VersionRange;
  readonly tag?: number;
  readonly taggedVersions?: VersionRange;
  readonly ignorable?: true;
  /** The schema's default, as written there ("-1", "null", "true", "0x7fffffff"). */
  readonly default?: string;
  /** A field's own flexible versions, overriding the message's (RequestHeader.ClientId: none). */
  readonly flexibleVersions?: VersionRange | null;
}

export interface StructSchema {
  readonly name: string;
  readonly fields: readonly FieldSchema[];
}

export interface MessageSchema {
  readonly name: string;
  readonly type: 'request' | 'response' | 'header' | 'data' | 'metadata';
  readonly apiKey?: number;
  readonly listeners?: readonly string[];
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange | null;
  /** The newest version is still in development: Kafka serves it only with unstable.api.versions.enable. */
  readonly latestVersionUnstable?: true;
  readonly fields: readonly FieldSchema[];
  /** Every struct the message uses (inline and common), by name. */
  readonly structs: Readonly<Record<string, StructSchema>>;
}

export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set<PrimitiveType>([
  'bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'uuid', 'string', 'bytes', 'records',
]);

export function inRange(range: VersionRange | null | undefined, version: number): boolean {
  return range !== null && range !== undefined && version >= range[0] && version <= range[1];
}

export function isTagged(field: FieldSchema, version: number): boolean {
  return inRange(field.taggedVersions, version);
}

export function isNullable(field: FieldSchema, version: number): boolean {
  return inRange(field.nullableVersions, version);
}

/** Whether a field uses the compact (flexible) encodings in a version. */
export function isFieldFlexible(message: MessageSchema, field: FieldSchema, version: number): boolean {
  return field.flexibleVersions !== undefined ? inRange(field.flexibleVersions, version) : inRange(message.flexibleVersions, version);
}

/**
 * A field's default value, as Kafka's FieldSpec.fieldDefault gives it: the schema's default when
 * there is one, else zero, false, "", the zero uuid, empty bytes, an empty array, or a struct of
 * defaults; records default to null.
 */
export function defaultValue(message: MessageSchema, field: FieldSchema): unknown {
  const text = field.default;
  if (text === 'null') return null;
  if (field.array) return [];
  switch (field.type) {
    case 'bool':
      return text === 'true';
    case 'int8': case 'int16': case 'uint16': case 'int32': case 'uint32': case 'float64':
      return text === undefined || text === '' ? 0 : Number(text);
    case 'int64':
      return text === undefined || text === '' ? 0n : BigInt(text);
    case 'string':
      return text ?? '';
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return new Uint8Array(0);
    case 'records':
      return null;
    default:
      return defaultStruct(message, field.type);
  }
}

export function defaultStruct(message: MessageSchema, structName: string): Record<string, unknown> {
  const struct = message.structs[structName];
  if (struct === undefined) throw new Error(`${message.name}: no struct ${structName}`);
  const value: Record<string, unknown> = {};
  for (const field of struct.fields) value[field.name] = defaultValue(message, field);
  return value;
}

export function fieldsOf(message: MessageSchema, type: string): readonly FieldSchema[] {
  if (type === message.name) return message.fields;
  const struct = message.structs[type];
  if (struct === undefined) throw new Error(`${message.name}: no struct ${type}`);
  return struct.fields;
}
