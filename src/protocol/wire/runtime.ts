/**
 * What the generated codecs use: the reader and writer, the fault helpers, and the codec shape.
 * One import for the generated files, so that they stay short.
 */
import { EncodeFault } from './errors.js';
import type { MessageSchema } from './schema.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

export { Reader, type RawTaggedField } from './reader.js';
export { Writer, type TaggedWrite } from './writer.js';
export { EncodeFault, atField, atIndex } from './errors.js';
export { ZERO_UUID } from './uuid.js';
export type { MessageSchema } from './schema.js';

export const EMPTY_BYTES = new Uint8Array(0);
export const NO_TAGS: readonly number[] = [];

/** One message's codecs: decoders[v - min] and encoders[v - min] for every valid version v. */
export interface MessageCodec<T> {
  readonly schema: MessageSchema;
  readonly decoders: readonly ((r: Reader) => T)[];
  readonly encoders: readonly ((w: Writer, value: T) => void)[];
}

/**
 * Kafka refuses to write a field a version cannot carry unless it holds its default or is
 * ignorable (MessageDataGenerator: "Attempted to write a non-default ... at version ...").
 */
export function unsupportedField(): EncodeFault {
  return new EncodeFault('holds a non-default value that this version cannot carry (the field is not ignorable)');
}

export function taggedInRigidVersion(): EncodeFault {
  return new EncodeFault('tagged fields were set, but this version is not flexible');
}

/** Structural equality over decoded values (bigint, bytes, arrays, structs), for default checks and tests. */
export function wireEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!wireEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}
