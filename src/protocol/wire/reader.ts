/**
 * Reading Kafka's primitive types from a frame, every length checked against the bytes left
 * before anything is allocated (ecosystem.md §3.4 item 3). The checks follow the ones Kafka's
 * generated readers make (MessageDataGenerator.generateVariableLengthReader: "Tried to allocate a
 * collection of size N, but there are only M bytes remaining", string lengths above 0x7fff), and
 * are stricter in one way: a negative length is a null marker only when it is exactly -1.
 *
 * bytes and records values are views of the input (zero copy), so they alias the frame.
 */
import { DecodeFault } from './errors.js';
import { uuidFromBytes } from './uuid.js';

const utf8 = new TextDecoder('utf-8');
const EMPTY = new Uint8Array(0);

export class Reader {
  /** Made on first use: most messages have no int64 or float64, and a DataView costs more than the reads. */
  private dataView: DataView | undefined;
  pos: number;
  /** The end of what may be read: the frame's end, or a tagged field's end while inside one. */
  end: number;

  constructor(
    readonly buf: Uint8Array,
    pos = 0,
    end = buf.length,
  ) {
    this.pos = pos;
    this.end = end;
  }

  private get view(): DataView {
    return (this.dataView ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  remaining(): number {
    return this.end - this.pos;
  }

  fail(kind: DecodeFault['kind'], detail: string, offset = this.pos): never {
    throw new DecodeFault(kind, offset, detail);
  }

  private need(bytes: number): void {
    if (this.end - this.pos < bytes) this.fail('truncated', `needs ${bytes} bytes, ${this.end - this.pos} left`);
  }

  i8(): number {
    this.need(1);
    return (this.buf[this.pos++]! << 24) >> 24;
  }

  bool(): boolean {
    // Kafka reads any non-zero byte as true (MessageDataGenerator.primitiveReadExpression).
    this.need(1);
    return this.buf[this.pos++] !== 0;
  }

  i16(): number {
    this.need(2);
    const b = this.buf, p = this.pos;
    this.pos = p + 2;
    return ((b[p]! << 24) | (b[p + 1]! << 16)) >> 16;
  }

  u16(): number {
    this.need(2);
    const b = this.buf, p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.pos);
    this.pos += 4;
    return value;
  }

  u32(): number {
    this.need(4);
    const b = this.buf, p = this.pos;
    this.pos = p + 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  i64(): bigint {
    this.need(8);
    const value = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return value;
  }

  f64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos);
    this.pos += 8;
    return value;
  }

  uuid(): string {
    this.need(16);
    const value = uuidFromBytes(this.buf, this.pos);
    this.pos += 16;
    return value;
  }

  /** An unsigned varint of at most 5 bytes holding at most 32 bits (ByteUtils.readUnsignedVarint). */
  uvarint(): number {
    const start = this.pos;
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      if (this.pos >= this.end) this.fail('truncated', 'varint runs past the end', start);
      const byte = this.buf[this.pos++]!;
      if (shift === 28 && byte > 0x0f) this.fail('invalid-value', 'unsigned varint longer than 32 bits', start);
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return this.fail('invalid-value', 'varint longer than 5 bytes', start);
  }

  /** A zigzag varint (int32), as in record headers and batches. */
  varint(): number {
    const raw = this.uvarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** A zigzag varlong of at most 10 bytes. */
  varlong(): bigint {
    const start = this.pos;
    let raw = 0n;
    for (let shift = 0n; shift <= 63n; shift += 7n) {
      if (this.pos >= this.end) this.fail('truncated', 'varlong runs past the end', start);
      const byte = this.buf[this.pos++]!;
      if (shift === 63n && byte > 0x01) this.fail('invalid-value', 'varlong longer than 64 bits', start);
      raw |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return (raw >> 1n) ^ -(raw & 1n);
    }
    return this.fail('invalid-value', 'varlong longer than 10 bytes', start);
  }

  // Lengths. Each returns -1 for null (only where the caller allows null) or a checked length.

  private checkedLength(length: number, start: number, nullable: boolean, what: string): number {
    if (length < 0) {
      if (length === -1 && nullable) return -1;
      this.fail('negative-length', `${what} length ${length}${length === -1 ? ' (null) in a non-nullable field' : ''}`, start);
    }
    if (length > this.end - this.pos) {
      this.fail(what === 'array' ? 'count-exceeds-remaining' : 'length-exceeds-remaining',
        `${what} ${what === 'array' ? 'count' : 'length'} ${length} exceeds the ${this.end - this.pos} bytes left`, start);
    }
    return length;
  }

  private stringLength(compact: boolean, nullable: boolean): number {
    const start = this.pos;
    const length = compact ? this.uvarint() - 1 : this.i16();
    if (length > 0x7fff) this.fail('invalid-value', `string length ${length} exceeds 32767`, start);
    return this.checkedLength(length, start, nullable, 'string');
  }

  private bytesLength(compact: boolean, nullable: boolean): number {
    const start = this.pos;
    return this.checkedLength(compact ? this.uvarint() - 1 : this.i32(), start, nullable, 'bytes');
  }

  /** An array's element count: each element takes at least one byte, so it is bounded by the bytes left. */
  arrayLength(compact: boolean, nullable: boolean): number {
    const start = this.pos;
    return this.checkedLength(compact ? this.uvarint() - 1 : this.i32(), start, nullable, 'array');
  }

  private text(length: number): string {
    const start = this.pos;
    this.pos += length;
    if (length < 48) {
      // Short ASCII strings (names, ids) are most strings; TextDecoder's call costs more than the loop.
      let out = '';
      for (let i = start; i < start + length; i++) {
        const byte = this.buf[i]!;
        if (byte >= 0x80) return utf8.decode(this.buf.subarray(start, start + length));
        out += String.fromCharCode(byte);
      }
      return out;
    }
    return utf8.decode(this.buf.subarray(start, start + length));
  }

  str(): string {
    return this.text(this.stringLength(false, false));
  }

  nstr(): string | null {
    const length = this.stringLength(false, true);
    return length < 0 ? null : this.text(length);
  }

  cstr(): string {
    return this.text(this.stringLength(true, false));
  }

  ncstr(): string | null {
    const length = this.stringLength(true, true);
    return length < 0 ? null : this.text(length);
  }

  take(length: number): Uint8Array {
    if (length === 0) return EMPTY;
    const start = this.pos;
    this.pos += length;
    return this.buf.subarray(start, start + length);
  }

  bytes(): Uint8Array {
    return this.take(this.bytesLength(false, false));
  }

  nbytes(): Uint8Array | null {
    const length = this.bytesLength(false, true);
    return length < 0 ? null : this.take(length);
  }

  cbytes(): Uint8Array {
    return this.take(this.bytesLength(true, false));
  }

  ncbytes(): Uint8Array | null {
    const length = this.bytesLength(true, true);
    return length < 0 ? null : this.take(length);
  }

  // Tagged fields.

  /** The number of tagged fields; each takes at least two bytes (tag and size). */
  taggedCount(): number {
    const start = this.pos;
    const count = this.uvarint();
    if (count * 2 > this.end - this.pos) {
      this.fail('count-exceeds-remaining', `${count} tagged fields cannot fit in the ${this.end - this.pos} bytes left`, start);
    }
    return count;
  }

  /** Reads a tagged field's size and returns where it ends, checked against the bytes left. */
  taggedEnd(): number {
    const start = this.pos;
    const size = this.uvarint();
    if (size > this.end - this.pos) {
      this.fail('length-exceeds-remaining', `tagged field size ${size} exceeds the ${this.end - this.pos} bytes left`, start);
    }
    return this.pos + size;
  }

  /** Confines reading to a known tagged field's bytes; returns the outer end to restore. */
  enterTagged(end: number): number {
    const outer = this.end;
    this.end = end;
    return outer;
  }

  /**
   * Leaves a known tagged field, which must have been read exactly: Kafka's readers do not check
   * this, but a field that says it has N bytes and holds another number cannot re-encode to the
   * same bytes, and a decoder confined to N bytes can never read past them.
   */
  leaveTagged(end: number, outer: number): void {
    if (this.pos !== end) this.fail('tagged-field', `tagged field declared ${end - this.pos} more bytes than its value holds`);
    this.end = outer;
  }

  rawTagged(tag: number, end: number): RawTaggedField {
    const data = this.buf.subarray(this.pos, end);
    this.pos = end;
    return { tag, data };
  }

  /** All tagged fields of a struct that knows none in this version: each is kept as raw bytes. */
  unknownTagged(): RawTaggedField[] | undefined {
    const count = this.taggedCount();
    if (count === 0) return undefined;
    const fields: RawTaggedField[] = [];
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      fields.push(this.rawTagged(tag, this.taggedEnd()));
    }
    return fields;
  }
}

/** A tagged field this version does not know, kept so that re-encoding gives the same bytes. */
export interface RawTaggedField {
  tag: number;
  data: Uint8Array;
}
