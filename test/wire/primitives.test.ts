/**
 * The primitive types of Kafka's protocol (Kafka protocol guide, "Protocol Primitive Types";
 * ByteUtils for the varints), at every boundary, and what the reader refuses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeFault, EncodeFault } from '../../src/protocol/wire/errors.js';
import { Reader } from '../../src/protocol/wire/reader.js';
import { uuidFromBytes, uuidToBytes, ZERO_UUID } from '../../src/protocol/wire/uuid.js';
import { Writer } from '../../src/protocol/wire/writer.js';

function written(write: (w: Writer) => void): Uint8Array {
  const w = new Writer(1);
  write(w);
  return Uint8Array.from(w.finish());
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function fault(read: () => unknown): DecodeFault {
  try {
    read();
  } catch (error) {
    if (error instanceof DecodeFault) return error;
    throw error;
  }
  throw new Error('expected a decode fault');
}

describe('fixed-width integers are big-endian two\'s complement', () => {
  const cases: [string, (w: Writer) => void, string, (r: Reader) => unknown, unknown][] = [
    ['int8 -128', (w) => w.i8(-128), '80', (r) => r.i8(), -128],
    ['int8 127', (w) => w.i8(127), '7f', (r) => r.i8(), 127],
    ['int16 -32768', (w) => w.i16(-32768), '8000', (r) => r.i16(), -32768],
    ['uint16 65535', (w) => w.u16(65535), 'ffff', (r) => r.u16(), 65535],
    ['int32 -1', (w) => w.i32(-1), 'ffffffff', (r) => r.i32(), -1],
    ['int32 min', (w) => w.i32(-2147483648), '80000000', (r) => r.i32(), -2147483648],
    ['uint32 max', (w) => w.u32(0xffffffff), 'ffffffff', (r) => r.u32(), 0xffffffff],
    ['int64 2^53+1 without loss', (w) => w.i64(2n ** 53n + 1n), '0020000000000001', (r) => r.i64(), 2n ** 53n + 1n],
    ['int64 min', (w) => w.i64(-(2n ** 63n)), '8000000000000000', (r) => r.i64(), -(2n ** 63n)],
    ['float64 1.5', (w) => w.f64(1.5), '3ff8000000000000', (r) => r.f64(), 1.5],
    ['bool true', (w) => w.bool(true), '01', (r) => r.bool(), true],
  ];
  for (const [name, write, bytes, read, value] of cases) {
    it(name, () => {
      expect(hex(written(write))).toBe(bytes);
      expect(read(new Reader(Buffer.from(bytes, 'hex')))).toBe(value);
    });
  }

  it('a bool byte other than 0 reads as true, as Kafka reads it', () => {
    expect(new Reader(Uint8Array.of(7)).bool()).toBe(true);
  });

  it('values outside their type are refused on encode', () => {
    for (const write of [(w: Writer) => w.i8(128), (w: Writer) => w.i16(32768), (w: Writer) => w.i32(2 ** 31),
      (w: Writer) => w.i32(1.5), (w: Writer) => w.u16(-1), (w: Writer) => w.u32(2 ** 32), (w: Writer) => w.i64(2n ** 63n)]) {
      expect(() => written(write)).toThrow(EncodeFault);
    }
  });

  it('every fixed-width read of too few bytes is truncated', () => {
    const reads: [number, (r: Reader) => unknown][] = [[1, (r) => r.i8()], [2, (r) => r.i16()], [4, (r) => r.i32()], [8, (r) => r.i64()], [8, (r) => r.f64()], [16, (r) => r.uuid()]];
    for (const [size, read] of reads) {
      expect(fault(() => read(new Reader(new Uint8Array(size - 1)))).kind).toBe('truncated');
    }
  });
});

describe('varints (ByteUtils)', () => {
  it('unsigned varints at each length boundary', () => {
    const cases: [number, string][] = [[0, '00'], [127, '7f'], [128, '8001'], [16383, 'ff7f'], [16384, '808001'], [2 ** 28 - 1, 'ffffff7f'], [2 ** 28, '8080808001'], [0xffffffff, 'ffffffff0f']];
    for (const [value, bytes] of cases) {
      expect(hex(written((w) => w.uvarint(value)))).toBe(bytes);
      expect(new Reader(Buffer.from(bytes, 'hex')).uvarint()).toBe(value);
    }
  });

  it('zigzag varints and varlongs round-trip at their extremes', () => {
    for (const value of [0, -1, 1, -64, 63, -2147483648, 2147483647]) {
      expect(new Reader(written((w) => w.varint(value))).varint()).toBe(value);
    }
    expect(hex(written((w) => w.varint(-1)))).toBe('01');
    for (const value of [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n)]) {
      expect(new Reader(written((w) => w.varlong(value))).varlong()).toBe(value);
    }
    expect(written((w) => w.varlong(-(2n ** 63n))).length).toBe(10);
  });

  it('property: any int32 and int64 survive zigzag', () => {
    fc.assert(fc.property(fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (i, l) => {
      const bytes = written((w) => { w.varint(i); w.varlong(l); });
      const r = new Reader(bytes);
      return r.varint() === i && r.varlong() === l && r.remaining() === 0;
    }), { numRuns: 200 });
  });

  it('a varint longer than 5 bytes, or past 32 bits, is refused (ecosystem.md §3.4 item 3)', () => {
    expect(fault(() => new Reader(Buffer.from('ffffffff1f', 'hex')).uvarint()).kind).toBe('invalid-value');
    expect(fault(() => new Reader(Buffer.from('ffffffffff01', 'hex')).uvarint()).kind).toBe('invalid-value');
    expect(fault(() => new Reader(Buffer.from('ffffffffffffffffff7f', 'hex')).varlong()).kind).toBe('invalid-value');
    expect(fault(() => new Reader(Buffer.from('ffffffffffffffffffff01', 'hex')).varlong()).kind).toBe('invalid-value');
    expect(fault(() => new Reader(Buffer.from('ff', 'hex')).uvarint()).kind).toBe('truncated');
  });
});

describe('strings, bytes and arrays', () => {
  it('a string and a compact string; null as -1 and as 0', () => {
    expect(hex(written((w) => w.str('ab')))).toBe('00026162');
    expect(hex(written((w) => w.cstr('ab')))).toBe('036162');
    expect(hex(written((w) => w.nstr(null)))).toBe('ffff');
    expect(hex(written((w) => w.ncstr(null)))).toBe('00');
    expect(new Reader(Buffer.from('ffff', 'hex')).nstr()).toBeNull();
    expect(new Reader(Buffer.from('00', 'hex')).ncstr()).toBeNull();
  });

  it('UTF-8 text of any length round-trips, compact lengths crossing the one-byte varint', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
      const r1 = new Reader(written((w) => w.cstr(text)));
      const r2 = new Reader(written((w) => w.str(text)));
      return r1.cstr() === text && r1.remaining() === 0 && r2.str() === text && r2.remaining() === 0;
    }), { numRuns: 200 });
  });

  it('a string over 32767 bytes is refused both ways', () => {
    expect(() => written((w) => w.cstr('x'.repeat(32768)))).toThrow(EncodeFault);
    expect(written((w) => w.cstr('é'.repeat(16383))).length).toBe(3 + 32766);
    const long = new Uint8Array(3 + 40000);
    long.set([0xc2, 0xb8, 0x02]); // compact length 40001 - 1
    expect(fault(() => new Reader(long).cstr()).kind).toBe('invalid-value');
  });

  it('a non-nullable field holding -1 is a negative length; other negatives are never null', () => {
    expect(fault(() => new Reader(Buffer.from('ffff', 'hex')).str()).kind).toBe('negative-length');
    expect(fault(() => new Reader(Buffer.from('fffe', 'hex')).nstr()).kind).toBe('negative-length');
    expect(fault(() => new Reader(Buffer.from('fffffffe', 'hex')).nbytes()).kind).toBe('negative-length');
    expect(fault(() => new Reader(Buffer.from('ffffffff', 'hex')).arrayLength(false, false)).kind).toBe('negative-length');
    expect(new Reader(Buffer.from('ffffffff', 'hex')).arrayLength(false, true)).toBe(-1);
  });

  it('lengths and counts beyond the bytes left are refused before anything is allocated', () => {
    expect(fault(() => new Reader(Buffer.from('7fffffff00', 'hex')).bytes()).kind).toBe('length-exceeds-remaining');
    expect(fault(() => new Reader(Buffer.from('0005616263', 'hex')).str()).kind).toBe('length-exceeds-remaining');
    expect(fault(() => new Reader(Buffer.from('0000000500000000', 'hex')).arrayLength(false, false)).kind).toBe('count-exceeds-remaining');
    expect(new Reader(Buffer.from('0000000400000000', 'hex')).arrayLength(false, false)).toBe(4);
    expect(fault(() => new Reader(Buffer.from('ffffffff0f', 'hex')).arrayLength(true, false)).kind).toBe('count-exceeds-remaining');
  });

  it('bytes are views of the frame, not copies', () => {
    const frame = Buffer.from('00000002abcd', 'hex');
    const value = new Reader(frame).bytes();
    expect(value.buffer).toBe(frame.buffer);
    expect(hex(value)).toBe('abcd');
  });
});

describe('uuids as Kafka prints them (Uuid.toString: URL-safe base64, no padding)', () => {
  it('the zero uuid and a known one', () => {
    expect(uuidFromBytes(new Uint8Array(16), 0)).toBe(ZERO_UUID);
    // Uuid.METADATA_TOPIC_ID is new Uuid(0L, 1L).
    const one = new Uint8Array(16);
    one[15] = 1;
    expect(uuidFromBytes(one, 0)).toBe('AAAAAAAAAAAAAAAAAAAAAQ');
  });

  it('property: text and bytes map one to one; non-canonical text is refused', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const out = new Uint8Array(16);
      return uuidToBytes(uuidFromBytes(bytes, 0), out, 0) && hex(out) === hex(bytes);
    }), { numRuns: 200 });
    expect(uuidToBytes('AAAAAAAAAAAAAAAAAAAAAB', new Uint8Array(16), 0)).toBe(false); // low bits set in the last sextet
    expect(uuidToBytes('AAAAAAAAAAAAAAAAAAAA+A', new Uint8Array(16), 0)).toBe(false); // not URL-safe
    expect(uuidToBytes('AAAA', new Uint8Array(16), 0)).toBe(false);
  });
});
