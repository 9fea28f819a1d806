import { RecordsDecodeError } from '../errors.js';

/** Kafka's compression codec ids, attributes bits 0-2 (org.apache.kafka.common.record.CompressionType). */
export const compressionIds = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof compressionIds;
export const compressionNames: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface CompressionCodec {
  readonly name: CompressionName;
  /** The records section compressed as Kafka's producer writes it. `level` as Kafka's `compression.<codec>.level`. */
  compress(records: Uint8Array, level?: number): Uint8Array;
  /**
   * The records section decompressed. Output beyond `maxUncompressedBytes` is refused before it is
   * allocated: from the size the format declares where it declares one, else by a bounded output
   * buffer. Throws only RecordsDecodeError, with offsets relative to `compressed`.
   */
  decompress(compressed: Uint8Array, maxUncompressedBytes: number): Uint8Array;
}

export function tooLarge(offset: number, declared: number | bigint | string, maxUncompressedBytes: number): RecordsDecodeError {
  return new RecordsDecodeError(
    'too-large',
    offset,
    `records would inflate to ${declared} bytes, past maxUncompressedBytes=${maxUncompressedBytes}`,
  );
}

export function failed(offset: number, codec: CompressionName, detail: string): RecordsDecodeError {
  return new RecordsDecodeError('decompression-failed', offset, `${codec}: ${detail}`);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A Buffer over the same memory (native bindings want Buffers; no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function concat(chunks: readonly Uint8Array[], totalBytes: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(totalBytes);
  let pos = 0;
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return out;
}
