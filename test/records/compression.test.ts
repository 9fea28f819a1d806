import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { xxh32 } from '@node-rs/xxhash';
import { compressFrameSync } from 'lz4-napi';
import { compressSync as snappyRaw } from 'snappy';
import { codecs, RecordsDecodeError } from '../../src/protocol/records/index.js';
import { XERIAL_HEADER_BYTES, XERIAL_MAGIC } from '../../src/protocol/records/compression/snappy.js';

const MiB = 1 << 20;
const codecNames = ['gzip', 'snappy', 'lz4', 'zstd'] as const;

function decodeError(run: () => unknown): RecordsDecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof RecordsDecodeError) return error;
    throw new Error(`expected a RecordsDecodeError, got ${String(error)}`);
  }
  throw new Error('expected a RecordsDecodeError, decoding succeeded');
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

function int32BE(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, value);
  return out;
}

function int32LE(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

/** Bytes allocated outside the JS heap (Buffers, typed arrays, wasm memory) while `run` runs. */
function externalGrowth(run: () => void): number {
  const before = process.memoryUsage().arrayBuffers;
  run();
  return process.memoryUsage().arrayBuffers - before;
}

describe('compression codecs', () => {
  for (const name of codecNames) {
    it(`${name}: what it compresses decompresses to the same bytes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 70_000 }), (bytes) => {
          const compressed = codecs[name].compress(bytes);
          expect(Buffer.from(codecs[name].decompress(compressed, bytes.length)).equals(Buffer.from(bytes))).toBe(true);
        }),
        { numRuns: 30 },
      );
    });

    it(`${name}: one byte over the bound is refused as too-large`, () => {
      const bytes = new Uint8Array(100_000).fill(7);
      const compressed = codecs[name].compress(bytes);
      expect(codecs[name].decompress(compressed, 100_000).length).toBe(100_000);
      expect(decodeError(() => codecs[name].decompress(compressed, 99_999)).kind).toBe('too-large');
    });

    it(`${name}: garbage is refused with a RecordsDecodeError, never another error`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
          try {
            codecs[name].decompress(bytes, MiB);
          } catch (error) {
            expect(error).toBeInstanceOf(RecordsDecodeError);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('zip bombs: 64 MiB of zeros against a 1 MiB bound, refused without a big allocation', () => {
  const bound = MiB;
  const bombs: Record<(typeof codecNames)[number], () => Uint8Array> = {
    // 64 gzip members of 1 MiB each (gunzip reads concatenated members).
    gzip: () => {
      const member = gzipSync(new Uint8Array(MiB));
      return concatBytes(...Array.from({ length: 64 }, () => member));
    },
    // xerial framing: 2048 blocks of 32 KiB of zeros.
    snappy: () => {
      const block = snappyRaw(Buffer.alloc(32 * 1024));
      const framed = concatBytes(int32BE(block.length), block);
      return concatBytes(codecs.snappy.compress(new Uint8Array(0)), ...Array.from({ length: 2048 }, () => framed));
    },
    // One 64 KiB block of zeros repeated 1024 times in one frame.
    lz4: () => {
      const frame = compressFrameSync(Buffer.alloc(64 * 1024));
      const header = frame.subarray(0, 7);
      const blockBytes = frame.readUInt32LE(7);
      const block = frame.subarray(7, 11 + blockBytes);
      return concatBytes(header, ...Array.from({ length: 1024 }, () => block), int32LE(0));
    },
    // Hand-made, as Kafka's streaming producer writes it: no content size; 512 RLE blocks of 128 KiB.
    zstd: () => {
      const header = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, (17 - 10) << 3);
      const rleBlock = (last: boolean) => {
        const word = ((128 * 1024) << 3) | (1 << 1) | (last ? 1 : 0);
        return Uint8Array.of(word & 0xff, (word >> 8) & 0xff, (word >> 16) & 0xff, 0);
      };
      return concatBytes(header, ...Array.from({ length: 512 }, (_, i) => rleBlock(i === 511)));
    },
  };

  for (const name of codecNames) {
    it(name, () => {
      const bomb = bombs[name]();
      // Snappy inflates at most ~21x, LZ4 ~255x: a bomb is still far smaller than what it inflates to.
      expect(bomb.length).toBeLessThan(4 * MiB);
      let error: RecordsDecodeError | undefined;
      const growth = externalGrowth(() => {
        error = decodeError(() => codecs[name].decompress(bomb, bound));
      });
      expect(error?.kind).toBe('too-large');
      expect(growth).toBeLessThan(16 * MiB);
      // The same bytes inflate when the bound allows it: the bomb is real.
      if (name !== 'gzip') expect(codecs[name].decompress(bomb, 64 * MiB).length).toBe(64 * MiB);
    });
  }

  it('snappy: a block declaring 4 GiB is refused from its length prefix (CVE-2023-34455)', () => {
    const lying = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00);
    expect(decodeError(() => codecs.snappy.decompress(lying, bound)).kind).toBe('too-large');
    const xerial = concatBytes(codecs.snappy.compress(new Uint8Array(0)), int32BE(lying.length), lying);
    expect(decodeError(() => codecs.snappy.decompress(xerial, bound)).kind).toBe('too-large');
  });

  it('lz4: a frame declaring a content size past the bound is refused from its header', () => {
    const flg = 0x68; // version 01, independent blocks, content size
    const bd = 0x40;
    const descriptor = concatBytes(Uint8Array.of(flg, bd), new Uint8Array(new BigUint64Array([1n << 40n]).buffer));
    const hc = (xxh32(descriptor, 0) >>> 8) & 0xff;
    const frame = concatBytes(int32LE(0x184d2204), descriptor, Uint8Array.of(hc), int32LE(0));
    expect(decodeError(() => codecs.lz4.decompress(frame, bound)).kind).toBe('too-large');
  });

  it('zstd: a frame declaring a content size past the bound is refused from its header', () => {
    // FHD: 8-byte content size, single segment.
    const frame = concatBytes(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0xe0), new Uint8Array(new BigUint64Array([1n << 40n]).buffer), new Uint8Array(8));
    expect(decodeError(() => codecs.zstd.decompress(frame, bound)).kind).toBe('too-large');
  });
});

describe('snappy: the xerial framing of snappy-java, which Kafka uses', () => {
  it('writes the xerial header, then 32 KiB blocks each with a big-endian int32 length', () => {
    const input = new Uint8Array(80 * 1024).map((_, i) => i % 251);
    const out = codecs.snappy.compress(input);
    expect(Array.from(out.subarray(0, 8))).toEqual(Array.from(XERIAL_MAGIC));
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    expect([view.getInt32(8), view.getInt32(12)]).toEqual([1, 1]);
    let pos = XERIAL_HEADER_BYTES;
    const blocks: number[] = [];
    while (pos < out.length) {
      const length = view.getInt32(pos);
      blocks.push(length);
      pos += 4 + length;
    }
    expect(pos).toBe(out.length);
    expect(blocks.length).toBe(3);
  });

  it('also reads a raw snappy block without the xerial header, as SnappyInputStream does', () => {
    const input = new TextEncoder().encode('raw snappy, raw snappy, raw snappy');
    expect(new TextDecoder().decode(codecs.snappy.decompress(snappyRaw(Buffer.from(input)), MiB))).toBe('raw snappy, raw snappy, raw snappy');
  });
});

describe("lz4: the LZ4 frame as Kafka's Lz4BlockOutputStream writes and Lz4BlockInputStream reads it", () => {
  it('writes FLG 0x60 (version 01, independent blocks) and BD 0x40 (64 KiB blocks) with the correct header checksum', () => {
    const frame = codecs.lz4.compress(new Uint8Array(1000).fill(1));
    expect(Array.from(frame.subarray(0, 6))).toEqual([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40]);
    expect(frame[6]).toBe((xxh32(frame.subarray(4, 6), 0) >>> 8) & 0xff);
  });

  it('refuses the pre-KAFKA-3160 header checksum (hashed over the magic too) in a v2 batch', () => {
    const frame = Buffer.from(codecs.lz4.compress(new Uint8Array(1000).fill(1)));
    const broken = (xxh32(frame.subarray(0, 6), 0) >>> 8) & 0xff;
    expect(broken).not.toBe(frame[6]);
    frame[6] = broken;
    const error = decodeError(() => codecs.lz4.decompress(frame, MiB));
    expect([error.kind, error.detail]).toEqual(['decompression-failed', 'lz4: frame descriptor checksum mismatch']);
  });

  it('refuses dependent blocks, as Kafka does', () => {
    const descriptor = Uint8Array.of(0x40, 0x40);
    const frame = concatBytes(int32LE(0x184d2204), descriptor, Uint8Array.of((xxh32(descriptor, 0) >>> 8) & 0xff), int32LE(0));
    expect(decodeError(() => codecs.lz4.decompress(frame, MiB)).detail).toMatch(/dependent block/);
  });

  it('reads stored (uncompressed) blocks and verifies block checksums', () => {
    const payload = new TextEncoder().encode('stored block');
    const descriptor = Uint8Array.of(0x70, 0x40); // block checksums on
    const header = concatBytes(int32LE(0x184d2204), descriptor, Uint8Array.of((xxh32(descriptor, 0) >>> 8) & 0xff));
    const good = concatBytes(header, int32LE(0x80000000 | payload.length), payload, int32LE(xxh32(payload, 0) >>> 0), int32LE(0));
    expect(new TextDecoder().decode(codecs.lz4.decompress(good, MiB))).toBe('stored block');
    const bad = concatBytes(header, int32LE(0x80000000 | payload.length), payload, int32LE((xxh32(payload, 0) + 1) >>> 0), int32LE(0));
    expect(decodeError(() => codecs.lz4.decompress(bad, MiB)).detail).toMatch(/block checksum/);
  });
});
