const utf8 = new TextEncoder();

/** A growable byte buffer for building record batches; `finish()` returns a view of what was written. */
export class RecordWriter {
  private buffer: Uint8Array;
  pos = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.pos + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.pos));
    this.buffer = grown;
  }

  int8(value: number): void {
    this.ensure(1);
    this.buffer[this.pos++] = value & 0xff;
  }

  unsignedVarint(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.buffer[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buffer[this.pos++] = v;
  }

  /** Zigzag varint, int32 (ByteUtils.writeVarint). */
  varint(value: number): void {
    this.unsignedVarint((value << 1) ^ (value >> 31));
  }

  /** Zigzag varlong, int64 (ByteUtils.writeVarlong). */
  varlong(value: bigint): void {
    if (value >= -0x80000000n && value <= 0x7fffffffn) {
      // For |v| < 2^31 the 64-bit zigzag equals the 32-bit one read as unsigned.
      this.varint(Number(value));
      return;
    }
    this.ensure(10);
    let v = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
    while (v >= 0x80n) {
      this.buffer[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.pos++] = Number(v);
  }

  bytes(value: Uint8Array): void {
    this.ensure(value.length);
    this.buffer.set(value, this.pos);
    this.pos += value.length;
  }

  /** Varint length then the bytes; null is length -1. */
  nullableBytesWithLength(value: Uint8Array | null): void {
    if (value === null) {
      this.varint(-1);
      return;
    }
    this.varint(value.length);
    this.bytes(value);
  }

  utf8WithLength(value: string): void {
    this.nullableBytesWithLength(utf8.encode(value));
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.pos);
  }
}

/** Bytes a zigzag varint of `value` takes (ByteUtils.sizeOfVarint). */
export function sizeOfVarint(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (v >= 0x80) {
    v >>>= 7;
    bytes++;
  }
  return bytes;
}
