import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC32C (Castagnoli), the checksum of a v2 record batch (org.apache.kafka.common.utils.Crc32C).
 * @node-rs/crc32 computes it with SSE4.2/ARMv8 instructions: about 9x a table-driven loop in JS on
 * 100 KB (docs/wire.md), and every produced batch is checked once on arrival.
 */
export function crc32c(bytes: Uint8Array): number {
  return nativeCrc32c(bytes) >>> 0;
}
