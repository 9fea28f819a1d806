import { compressFrameSync, uncompressSync } from 'lz4-napi';
import { xxh32 } from '@node-rs/xxhash';
import type { CompressionCodec } from './codec.js';
import { asBuffer, concat, failed, messageOf, tooLarge } from './codec.js';

/**
 * LZ4 as Kafka writes it: the LZ4 frame format (org.apache.kafka.common.compress.Lz4BlockOutputStream):
 * magic 0x184D2204 (little-endian), FLG (version 01, independent blocks, no content size or checksum),
 * BD (64 KiB blocks), the header checksum HC, then [int32 LE size][block] with the high bit of the size
 * marking a stored (uncompressed) block, and a zero size as the end mark.
 *
 * HC is the second byte of xxHash32 over FLG..BD. Before KAFKA-3160 Kafka hashed the magic too; its
 * reader still forgives that for magic 0 message sets only (Lz4BlockInputStream's
 * ignoreFlagDescriptorChecksum), so for v2 batches a wrong HC is refused, as here.
 *
 * Decoding follows Lz4BlockInputStream: dependent blocks, reserved bits and block sizes other than
 * 64 KiB..4 MiB are refused; a declared content size is skipped (we also check it against the bound);
 * block checksums are verified; the content checksum is skipped unverified, as Kafka does. Each block
 * is decompressed into at most the frame's block maximum (4 MiB), and the running total is checked
 * against the bound before the next block.
 */
const LZ4_FRAME_MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_01 = 0x40;
const FLG_RESERVED_MASK = 0x03;
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const BLOCK_STORED_MASK = 0x80000000;

export const lz4Codec: CompressionCodec = {
  name: 'lz4',
  compress(records) {
    // lz4-napi's frame encoder writes the header Kafka writes (FLG 0x60, BD 0x40: checked in the tests).
    // It has no compression levels: Kafka's compression.lz4.level (default 9) does not apply.
    return compressFrameSync(asBuffer(records));
  },
  decompress(compressed, maxUncompressedBytes) {
    const view = new DataView(compressed.buffer, compressed.byteOffset, compressed.byteLength);
    const frame = readFrameDescriptor(compressed, view, maxUncompressedBytes);
    const chunks: Uint8Array[] = [];
    let total = 0;
    let pos = frame.blocksStart;
    for (;;) {
      if (compressed.length - pos < 4) throw failed(pos, 'lz4', 'a block size runs past the end');
      const word = view.getUint32(pos, true);
      pos += 4;
      if (word === 0) {
        if (frame.contentChecksum && compressed.length - pos < 4) throw failed(pos, 'lz4', 'the content checksum runs past the end');
        break;
      }
      const stored = (word & BLOCK_STORED_MASK) !== 0;
      const blockBytes = word & ~BLOCK_STORED_MASK;
      if (blockBytes > frame.blockMaximumBytes) {
        throw failed(pos - 4, 'lz4', `block size ${blockBytes} exceeds the frame's maximum ${frame.blockMaximumBytes}`);
      }
      const checksumBytes = frame.blockChecksum ? 4 : 0;
      if (blockBytes + checksumBytes > compressed.length - pos) throw failed(pos - 4, 'lz4', 'a block runs past the end');
      const block = compressed.subarray(pos, pos + blockBytes);
      if (frame.blockChecksum && xxh32(block, 0) >>> 0 !== view.getUint32(pos + blockBytes, true)) {
        throw failed(pos + blockBytes, 'lz4', 'block checksum mismatch');
      }
      const output = stored ? block : decompressBlock(block, pos, frame.blockMaximumBytes);
      total += output.length;
      if (total > maxUncompressedBytes) throw tooLarge(pos, `more than ${total}`, maxUncompressedBytes);
      chunks.push(output);
      pos += blockBytes + checksumBytes;
    }
    return concat(chunks, total);
  },
};

interface FrameDescriptor {
  blocksStart: number;
  blockMaximumBytes: number;
  blockChecksum: boolean;
  contentChecksum: boolean;
}

function readFrameDescriptor(bytes: Uint8Array, view: DataView, maxUncompressedBytes: number): FrameDescriptor {
  if (bytes.length < 7) throw failed(0, 'lz4', 'the frame header runs past the end');
  if (view.getUint32(0, true) !== LZ4_FRAME_MAGIC) throw failed(0, 'lz4', 'not an LZ4 frame (magic)');
  const flg = bytes[4]!;
  const bd = bytes[5]!;
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01) throw failed(4, 'lz4', `frame version ${flg >> 6} is unsupported`);
  if ((flg & FLG_RESERVED_MASK) !== 0) throw failed(4, 'lz4', 'reserved FLG bits must be 0');
  if ((flg & FLG_BLOCK_INDEPENDENCE) === 0) throw failed(4, 'lz4', 'dependent block stream is unsupported');
  if ((bd & 0x8f) !== 0) throw failed(5, 'lz4', 'reserved BD bits must be 0');
  const blockSizeCode = (bd >> 4) & 7;
  if (blockSizeCode < 4) throw failed(5, 'lz4', `block size code ${blockSizeCode} must be between 4 and 7`);
  let pos = 6;
  if ((flg & FLG_CONTENT_SIZE) !== 0) {
    if (bytes.length < 6 + 8 + 1) throw failed(6, 'lz4', 'the content size runs past the end');
    const contentBytes = view.getBigUint64(6, true);
    if (contentBytes > BigInt(maxUncompressedBytes)) throw tooLarge(6, contentBytes, maxUncompressedBytes);
    pos += 8;
  }
  const expected = (xxh32(bytes.subarray(4, pos), 0) >>> 8) & 0xff;
  if (bytes[pos] !== expected) throw failed(pos, 'lz4', 'frame descriptor checksum mismatch');
  return {
    blocksStart: pos + 1,
    blockMaximumBytes: 1 << (2 * blockSizeCode + 8),
    blockChecksum: (flg & FLG_BLOCK_CHECKSUM) !== 0,
    contentChecksum: (flg & FLG_CONTENT_CHECKSUM) !== 0,
  };
}

/**
 * One LZ4 block into at most `maximumBytes`. lz4-napi's block decoder reads its output capacity from a
 * 4-byte little-endian prefix and fails, rather than grows, when the block needs more.
 */
function decompressBlock(block: Uint8Array, offset: number, maximumBytes: number): Uint8Array {
  const prefixed = Buffer.allocUnsafe(4 + block.length);
  prefixed.writeUInt32LE(maximumBytes, 0);
  prefixed.set(block, 4);
  try {
    return uncompressSync(prefixed);
  } catch (error) {
    throw failed(offset, 'lz4', messageOf(error));
  }
}

/** Exposed for tests: the flag bits a frame sets, to check that our frames carry none Kafka refuses. */
export const lz4FrameFlags = { FLG_CONTENT_SIZE, FLG_CONTENT_CHECKSUM, FLG_BLOCK_CHECKSUM, FLG_BLOCK_INDEPENDENCE };
