import { gunzipSync, gzipSync } from 'node:zlib';
import type { CompressionCodec } from './codec.js';
import { failed, messageOf, tooLarge } from './codec.js';

/**
 * gzip through node's zlib (Kafka: GzipCompression over java.util.zip). zlib's `maxOutputLength` stops
 * inflating when the output would pass the bound, so a gzip bomb never allocates past it.
 */
export const gzipCodec: CompressionCodec = {
  name: 'gzip',
  compress(records, level) {
    // Kafka's default gzip level is Deflater.DEFAULT_COMPRESSION, zlib's 6: node's default too.
    return gzipSync(records, level === undefined ? {} : { level });
  },
  decompress(compressed, maxUncompressedBytes) {
    try {
      return gunzipSync(compressed, { maxOutputLength: Math.max(1, maxUncompressedBytes) });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(0, 'more than that', maxUncompressedBytes);
      throw failed(0, 'gzip', messageOf(error));
    }
  },
};
