import { compress as zstdCompress, decompress as zstdDecompress, init as zstdInit } from '@bokuweb/zstd-wasm';
import type { CompressionCodec } from './codec.js';
import { failed, messageOf, tooLarge } from './codec.js';

// The wasm module is instantiated once, when this module loads; every call after that is synchronous.
await zstdInit();

/**
 * Zstandard (Kafka: ZstdCompression over zstd-jni's streaming ZstdOutputStreamNoFinalizer, one frame,
 * which does not declare the content size). Node 20's zlib has no zstd; @bokuweb/zstd-wasm is the
 * reference libzstd compiled to wasm and is synchronous after start-up.
 *
 * The bound: the frame header is read here first. A declared content size past the bound is refused;
 * otherwise libzstd's one-shot ZSTD_decompress gets an output buffer of exactly the declared size, or
 * of `maxUncompressedBytes` when none is declared, and fails (dstSize_tooSmall) rather than grows.
 * Reading the header here is also what keeps a hostile header from reaching the wrapper, which would
 * size its output from whatever ZSTD_getFrameContentSize returned, errors included.
 */
const ZSTD_MAGIC = 0xfd2fb528;
/** ZSTD_error_dstSize_tooSmall, as libzstd returns it: -(code). */
const ZSTD_DST_SIZE_TOO_SMALL = -70;

export const zstdCodec: CompressionCodec = {
  name: 'zstd',
  compress(records, level) {
    // Kafka's default compression.zstd.level is 3, libzstd's default.
    return zstdCompress(records, level ?? 3);
  },
  decompress(compressed, maxUncompressedBytes) {
    const declared = declaredContentSize(compressed);
    if (declared !== undefined && declared > BigInt(maxUncompressedBytes)) throw tooLarge(5, declared, maxUncompressedBytes);
    try {
      return zstdDecompress(compressed, { defaultHeapSize: Math.max(1, maxUncompressedBytes) });
    } catch (error) {
      const message = messageOf(error);
      if (declared === undefined && message.endsWith(`code ${ZSTD_DST_SIZE_TOO_SMALL}`)) {
        throw tooLarge(0, 'more than that', maxUncompressedBytes);
      }
      throw failed(0, 'zstd', message.replace('Failed to compress', 'failed to decompress'));
    }
  },
};

/** Frame_Content_Size of the first frame (RFC 8878 3.1.1.1), or undefined when the frame omits it. */
function declaredContentSize(bytes: Uint8Array): bigint | undefined {
  if (bytes.length < 6) throw failed(0, 'zstd', 'the frame header runs past the end');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Skippable frames and anything else: refused (Kafka's producer never writes them).
  if (view.getUint32(0, true) !== ZSTD_MAGIC) throw failed(0, 'zstd', 'not a zstd frame (magic)');
  const descriptor = bytes[4]!;
  if ((descriptor & 0x08) !== 0) throw failed(4, 'zstd', 'reserved frame header bit is set');
  const singleSegment = (descriptor & 0x20) !== 0;
  const sizeFlag = descriptor >> 6;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 0x03]!;
  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][sizeFlag]!;
  const sizeAt = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
  if (bytes.length < sizeAt + contentSizeBytes) throw failed(5, 'zstd', 'the frame header runs past the end');
  switch (contentSizeBytes) {
    case 0:
      return undefined;
    case 1:
      return BigInt(bytes[sizeAt]!);
    case 2:
      return BigInt(view.getUint16(sizeAt, true) + 256);
    case 4:
      return BigInt(view.getUint32(sizeAt, true));
    default:
      return view.getBigUint64(sizeAt, true);
  }
}
