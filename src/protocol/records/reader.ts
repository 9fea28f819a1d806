import { RecordsDecodeError, type RecordsDecodeErrorKind } from './errors.js';

const utf8 = new TextDecoder('utf-8');

/**
 * A cursor over `bytes[pos, end)` that never reads past `end`: every length is checked against the
 * bytes left before anything is sliced. Slices are views (no copy). Faults are thrown as
 * RecordsDecodeError of one kind, with the offset shifted by `offsetBase` so that it names a byte of
 * the caller's input.
 */
export class RecordReader {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    public end: number,
    readonly faultKind: RecordsDecodeErrorKind,
    readonly offsetBase: number,
    readonly where: string,
  ) {}

  fault(detail: string, at: number = this.pos): RecordsDecodeError {
    return new RecordsDecodeError(this.faultKind, this.offsetBase + at, `${detail} (${this.where})`);
  }

  remaining(): number {
    return this.end - this.pos;
  }

  int8(): number {
    if (this.pos >= this.end) throw this.fault('an int8 runs past the end');
    const value = this.bytes[this.pos++]!;
    return value > 127 ? value - 256 : value;
  }

  int16(): number {
    if (this.end - this.pos < 2) throw this.fault('an int16 runs past the end');
    const b = this.bytes;
    const value = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return value > 32767 ? value - 65536 : value;
  }

  int32(): number {
    if (this.end - this.pos < 4) throw this.fault('an int32 runs past the end');
    const b = this.bytes;
    const value = (b[this.pos]! << 24) | (b[this.pos + 1]! << 16) | (b[this.pos + 2]! << 8) | b[this.pos + 3]!;
    this.pos += 4;
    return value;
  }

  /** Unsigned LEB128 of at most 5 bytes (Kafka's ByteUtils.readUnsignedVarint). */
  unsignedVarint(): number {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw this.fault('a varint runs past the end');
      const byte = this.bytes[this.pos++]!;
      // Java's `b << 28` keeps the low 32 bits; so does JS's.
      value |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) === 0) return value >>> 0;
    }
    throw this.fault('a varint is longer than 5 bytes', this.pos - 1);
  }

  /** Zigzag varint, int32 (ByteUtils.readVarint). */
  varint(): number {
    const raw = this.unsignedVarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zigzag varlong, int64 (ByteUtils.readVarlong): at most 10 bytes, bits past 64 dropped as Java does. */
  varlong(): bigint {
    let low = 0;
    const b = this.bytes;
    // Up to 7 bytes (49 bits) fit a double exactly: the common case (timestamp deltas) stays in numbers.
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw this.fault('a varlong runs past the end');
      const byte = b[this.pos++]!;
      low += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) return BigInt(low % 2 === 0 ? low / 2 : -(low + 1) / 2);
    }
    let raw = BigInt(low);
    for (let i = 7; i < 10; i++) {
      if (this.pos >= this.end) throw this.fault('a varlong runs past the end');
      const byte = b[this.pos++]!;
      raw |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) {
        raw = BigInt.asUintN(64, raw);
        return (raw >> 1n) ^ -(raw & 1n);
      }
    }
    throw this.fault('a varlong is longer than 10 bytes', this.pos - 1);
  }

  /** `length` bytes as a view; -1 is null. Other negative lengths are refused (Kafka's Utils.readBytes
   * reads any negative length as null; a hostile -2 is not a null marker here). */
  nullableBytes(length: number, field: string): Uint8Array | null {
    if (length === -1) return null;
    return this.take(length, field);
  }

  take(length: number, field: string): Uint8Array {
    if (length < 0) throw this.fault(`${field} has negative length ${length}`);
    if (length > this.end - this.pos) {
      throw this.fault(`${field} length ${length} exceeds the ${this.end - this.pos} bytes left`);
    }
    const view = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return view;
  }

  utf8(length: number, field: string): string {
    return utf8.decode(this.take(length, field));
  }
}
