/**
 * Writing Kafka's primitive types into a growing buffer. Values are checked on the way in (an
 * int16 that does not fit, a string over 32767 bytes, a uuid that is not canonical text): the
 * encoder refuses to write bytes that would decode to something else.
 */
import { EncodeFault } from './errors.js';
import type { RawTaggedField } from './reader.js';
import { uuidToBytes } from './uuid.js';

const utf8 = new TextEncoder();
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  private grow(bytes: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + bytes));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  ensure(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.grow(bytes);
  }

  /** The bytes written; the writer is not used afterwards, so no copy. */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  private int(value: number, min: number, max: number, type: string): void {
    if (!Number.isInteger(value) || value < min || value > max) throw new EncodeFault(`${String(value)} is not an ${type}`);
  }

  i8(value: number): void {
    this.int(value, -128, 127, 'int8');
    this.ensure(1);
    this.view.setInt8(this.pos++, value);
  }

  bool(value: boolean): void {
    if (typeof value !== 'boolean') throw new EncodeFault(`${String(value)} is not a bool`);
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  i16(value: number): void {
    this.int(value, -32768, 32767, 'int16');
    this.ensure(2);
    this.view.setInt16(this.pos, value);
    this.pos += 2;
  }

  u16(value: number): void {
    this.int(value, 0, 65535, 'uint16');
    this.ensure(2);
    this.view.setUint16(this.pos, value);
    this.pos += 2;
  }

  i32(value: number): void {
    if ((value | 0) !== value) throw new EncodeFault(`${String(value)} is not an int32`);
    this.ensure(4);
    this.view.setInt32(this.pos, value);
    this.pos += 4;
  }

  u32(value: number): void {
    this.int(value, 0, 0xffffffff, 'uint32');
    this.ensure(4);
    this.view.setUint32(this.pos, value);
    this.pos += 4;
  }

  i64(value: bigint): void {
    if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) throw new EncodeFault(`${String(value)} is not an int64 (a bigint)`);
    this.ensure(8);
    this.view.setBigInt64(this.pos, value);
    this.pos += 8;
  }

  f64(value: number): void {
    if (typeof value !== 'number') throw new EncodeFault(`${String(value)} is not a float64`);
    this.ensure(8);
    this.view.setFloat64(this.pos, value);
    this.pos += 8;
  }

  uuid(value: string): void {
    this.ensure(16);
    if (typeof value !== 'string' || !uuidToBytes(value, this.buf, this.pos)) throw new EncodeFault(`${String(value)} is not a uuid (22 characters of URL-safe base64)`);
    this.pos += 16;
  }

  uvarint(value: number): void {
    this.int(value, 0, 0xffffffff, 'unsigned varint');
    this.ensure(5);
    while (value >= 0x80) {
      this.buf[this.pos++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buf[this.pos++] = value;
  }

  varint(value: number): void {
    if ((value | 0) !== value) throw new EncodeFault(`${String(value)} is not an int32`);
    this.uvarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  varlong(value: bigint): void {
    if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) throw new EncodeFault(`${String(value)} is not an int64 (a bigint)`);
    let raw = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
    this.ensure(10);
    while (raw >= 0x80n) {
      this.buf[this.pos++] = Number(raw & 0x7fn) | 0x80;
      raw >>= 7n;
    }
    this.buf[this.pos++] = Number(raw);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  // Strings: the length prefix is written after the text, once its UTF-8 size is known.

  private text(value: string | null, compact: boolean): void {
    if (typeof value !== 'string') throw new EncodeFault(value === null ? 'null in a version where the field is not nullable' : `${String(value)} is not a string`);
    const prefix = compact ? (value.length * 3 + 1 < 0x80 ? 1 : 3) : 2;
    this.ensure(prefix + value.length * 3);
    const start = this.pos + prefix;
    const written = asciiInto(value, this.buf, start) ?? utf8.encodeInto(value, this.buf.subarray(start)).written;
    if (written > 0x7fff) throw new EncodeFault(`string of ${written} bytes exceeds 32767`);
    if (!compact) {
      this.view.setInt16(this.pos, written);
    } else if (prefix === 1) {
      this.buf[this.pos] = written + 1;
    } else {
      // Three bytes reserved for the compact length: shift the text to fit the real prefix.
      const size = varintSize(written + 1);
      if (size !== 3) this.buf.copyWithin(this.pos + size, start, start + written);
      let length = written + 1;
      for (let i = 0; i < size; i++, length >>>= 7) this.buf[this.pos + i] = (length & 0x7f) | (i < size - 1 ? 0x80 : 0);
      this.pos += size + written;
      return;
    }
    this.pos = start + written;
  }

  str(value: string | null): void {
    this.text(value, false);
  }

  nstr(value: string | null): void {
    if (value === null) this.i16(-1);
    else this.text(value, false);
  }

  cstr(value: string | null): void {
    this.text(value, true);
  }

  ncstr(value: string | null): void {
    if (value === null) this.uvarint(0);
    else this.text(value, true);
  }

  private checkedBytes(value: Uint8Array | null): Uint8Array {
    if (!(value instanceof Uint8Array)) throw new EncodeFault(value === null ? 'null in a version where the field is not nullable' : `${String(value)} is not bytes (a Uint8Array)`);
    return value;
  }

  bytes(value: Uint8Array | null): void {
    const bytes = this.checkedBytes(value);
    this.i32(bytes.length);
    this.raw(bytes);
  }

  nbytes(value: Uint8Array | null): void {
    if (value === null) this.i32(-1);
    else this.bytes(value);
  }

  cbytes(value: Uint8Array | null): void {
    const bytes = this.checkedBytes(value);
    this.uvarint(bytes.length + 1);
    this.raw(bytes);
  }

  ncbytes(value: Uint8Array | null): void {
    if (value === null) this.uvarint(0);
    else this.cbytes(value);
  }

  /** An array's length prefix; -1 for null. */
  arrayLength(value: readonly unknown[] | null, compact: boolean, nullable: boolean): void {
    if (value === null ? !nullable : !Array.isArray(value)) throw new EncodeFault(`${String(value)} is not an array${value === null ? ' (null in a non-nullable version)' : ''}`);
    const length = value === null ? -1 : value.length;
    if (compact) this.uvarint(length + 1);
    else this.i32(length);
  }

  /**
   * A struct's tagged fields, known and unknown, in ascending tag order as Kafka writes them
   * (RawTaggedFieldWriter): unknown ones must be sorted and must not use a tag this version knows.
   */
  tagged(known: TaggedWrite[] | null, unknown: readonly RawTaggedField[] | undefined, knownTags: readonly number[]): void {
    const unknownCount = unknown === undefined ? 0 : unknown.length;
    const knownCount = known === null ? 0 : known.length;
    this.uvarint(knownCount + unknownCount);
    if (knownCount + unknownCount === 0) return;
    let k = 0;
    let previous = -1;
    for (let u = 0; u <= unknownCount; u++) {
      const raw = u < unknownCount ? unknown![u]! : undefined;
      const nextTag = raw === undefined ? Infinity : raw.tag;
      while (k < knownCount && known![k]!.tag < nextTag) this.taggedKnown(known![k++]!);
      if (raw === undefined) break;
      if (!Number.isInteger(raw.tag) || raw.tag <= previous || knownTags.includes(raw.tag)) {
        throw new EncodeFault(`unknown tagged field ${raw.tag} is out of order or uses a tag this version defines`);
      }
      previous = raw.tag;
      this.uvarint(raw.tag);
      this.uvarint(this.checkedBytes(raw.data).length);
      this.raw(raw.data);
    }
  }

  private taggedKnown(field: TaggedWrite): void {
    const inner = new Writer(64);
    field.write(inner);
    const data = inner.finish();
    this.uvarint(field.tag);
    this.uvarint(data.length);
    this.raw(data);
  }
}

export interface TaggedWrite {
  tag: number;
  write: (w: Writer) => void;
}

export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Copies an ASCII string byte for byte; undefined (nothing promised written) if it is not ASCII. */
function asciiInto(value: string, out: Uint8Array, offset: number): number | undefined {
  if (value.length > 64) return undefined;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x80) return undefined;
    out[offset + i] = code;
  }
  return value.length;
}
