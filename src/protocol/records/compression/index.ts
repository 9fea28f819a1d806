import type { CompressionCodec, CompressionName } from './codec.js';
import { gzipCodec } from './gzip.js';
import { lz4Codec } from './lz4.js';
import { snappyCodec } from './snappy.js';
import { zstdCodec } from './zstd.js';

export { compressionIds, compressionNames, type CompressionCodec, type CompressionName } from './codec.js';

export const codecs: Readonly<Record<Exclude<CompressionName, 'none'>, CompressionCodec>> = {
  gzip: gzipCodec,
  snappy: snappyCodec,
  lz4: lz4Codec,
  zstd: zstdCodec,
};
