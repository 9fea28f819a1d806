import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c } from '../../src/protocol/records/index.js';

/** An independent CRC32C: bit by bit over the reflected Castagnoli polynomial, no table. */
function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('CRC32C, the record batch checksum', () => {
  it('gives the known answers of RFC 3720 (iSCSI) B.4 and the usual check value', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  it("gives Kafka's own test vector (Crc32CTest.testValue)", () => {
    expect(crc32c(new TextEncoder().encode('Some String'))).toBe(608512271);
  });

  it('agrees with a bitwise implementation on any bytes, including views at an offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(8), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        expect(crc32c(view)).toBe(crc32cBitwise(view));
      }),
    );
  });
});
