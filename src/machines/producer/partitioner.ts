/**
 * The Java client's default partitioner for keyed records (KafkaProducer.partition,
 * BuiltInPartitioner.partitionForKey): murmur2 of the serialized key, made positive by masking
 * the sign bit (not Math.abs), modulo the number of partitions of the topic — all of them,
 * available or not. Byte for byte Kafka's Utils.murmur2: int32 arithmetic, unsigned bytes,
 * little-endian 4-byte words, seed 0x9747b28c.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The tail falls through, as in the Java switch.
  const tail = length % 4;
  if (tail === 3) h ^= (data[whole + 2] as number) << 16;
  if (tail >= 2) h ^= (data[whole + 1] as number) << 8;
  if (tail >= 1) {
    h ^= data[whole] as number;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Utils.toPositive: clear the sign bit. */
export const toPositive = (value: number): number => value & 0x7fffffff;

/** The partition of a keyed record under the default partitioner. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions <= 0) throw new RangeError(`the number of partitions must be a positive integer, got ${numPartitions}`);
  return toPositive(murmur2(key)) % numPartitions;
}

/** Keys as the Java client's StringSerializer writes them (UTF-8). */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
