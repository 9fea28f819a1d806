import { compressSync, uncompressSync } from 'snappy';
import type { CompressionCodec } from './codec.js';
import { asBuffer, concat, failed, messageOf, tooLarge } from './codec.js';

/**
 * Snappy as Kafka's producer writes it: snappy-java's SnappyOutputStream ("xerial" framing), a 16-byte
 * header (magic 0x82 "SNAPPY" 0, int32 version 1, int32 minimum compatible version 1) then
 * [int32 compressed length][raw snappy block] per 32 KiB of input (SnappyOutputStream.DEFAULT_BLOCK_SIZE).
 * SnappyInputStream reads input without that magic as one raw snappy block; so do we.
 *
 * The bound: a raw snappy block opens with its uncompressed length (a varint), which the decoder would
 * allocate. We read it and refuse a block that would pass the bound before calling the codec: the
 * allocation CVE-2023-34455 exploited (snappy-java 1.1.10.1 added the same check).
 */
export const XERIAL_MAGIC = Uint8Array.of(0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00);
export const XERIAL_HEADER_BYTES = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
const XERIAL_BLOCK_BYTES = 32 * 1024;

export const snappyCodec: CompressionCodec = {
  name: 'snappy',
  compress(records) {
    const parts: Uint8Array[] = [xerialHeader()];
    let total = XERIAL_HEADER_BYTES;
    for (let start = 0; start < records.length; start += XERIAL_BLOCK_BYTES) {
      const block = compressSync(asBuffer(records.subarray(start, start + XERIAL_BLOCK_BYTES)));
      const length = new Uint8Array(4);
      new DataView(length.buffer).setInt32(0, block.length);
      parts.push(length, block);
      total += 4 + block.length;
    }
    return concat(parts, total);
  },
  decompress(compressed, maxUncompressedBytes) {
    if (!hasXerialMagic(compressed, 0)) return uncompressRawBlock(compressed, 0, maxUncompressedBytes);
    const view = new DataView(compressed.buffer, compressed.byteOffset, compressed.byteLength);
    const chunks: Uint8Array[] = [];
    let total = 0;
    let pos = 0;
    while (pos < compressed.length) {
      // SnappyInputStream accepts concatenated streams: a header where a block length is expected.
      if (hasXerialMagic(compressed, pos)) {
        pos = readXerialHeader(view, pos);
        continue;
      }
      if (compressed.length - pos < 4) throw failed(pos, 'snappy', 'a block length runs past the end');
      const blockBytes = view.getInt32(pos);
      pos += 4;
      if (blockBytes < 0 || blockBytes > compressed.length - pos) {
        throw failed(pos - 4, 'snappy', `block length ${blockBytes} does not fit the ${compressed.length - pos} bytes left`);
      }
      const block = uncompressRawBlock(compressed.subarray(pos, pos + blockBytes), pos, maxUncompressedBytes - total);
      chunks.push(block);
      total += block.length;
      pos += blockBytes;
    }
    return concat(chunks, total);
  },
};

function xerialHeader(): Uint8Array {
  const header = new Uint8Array(XERIAL_HEADER_BYTES);
  header.set(XERIAL_MAGIC, 0);
  const view = new DataView(header.buffer);
  view.setInt32(8, XERIAL_VERSION);
  view.setInt32(12, XERIAL_COMPATIBLE_VERSION);
  return header;
}

function hasXerialMagic(bytes: Uint8Array, pos: number): boolean {
  if (bytes.length - pos < XERIAL_MAGIC.length) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (bytes[pos + i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

function readXerialHeader(view: DataView, pos: number): number {
  if (view.byteLength - pos < XERIAL_HEADER_BYTES) throw failed(pos, 'snappy', 'the xerial header runs past the end');
  // SnappyCodec.readHeader: a stream whose minimum compatible version is newer than ours is refused.
  const compatible = view.getInt32(pos + 12);
  if (compatible > XERIAL_VERSION) throw failed(pos + 12, 'snappy', `xerial stream needs reader version ${compatible}`);
  return pos + XERIAL_HEADER_BYTES;
}

/** A raw snappy block, after checking its declared length against the budget. */
function uncompressRawBlock(block: Uint8Array, offset: number, budgetBytes: number): Uint8Array {
  const declared = declaredLength(block, offset);
  if (declared > budgetBytes) throw tooLarge(offset, declared, budgetBytes);
  try {
    const out = uncompressSync(asBuffer(block)) as Buffer;
    if (out.length !== declared) throw new Error(`inflated to ${out.length} bytes, not the declared ${declared}`);
    return out;
  } catch (error) {
    throw failed(offset, 'snappy', messageOf(error));
  }
}

/** The uncompressed length a raw snappy block opens with: an unsigned varint of at most 5 bytes (32 bits). */
function declaredLength(block: Uint8Array, offset: number): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= block.length) throw failed(offset + i, 'snappy', 'the uncompressed length runs past the end');
    const byte = block[i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (value > 0xffffffff) break;
      return value;
    }
  }
  throw failed(offset, 'snappy', 'the uncompressed length is not a 32-bit varint');
}
