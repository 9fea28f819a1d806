/**
 * `kspec partition --partitions N [--hex] KEY...`: one line per key — the key, a tab, its
 * partition under the Java client's default partitioner — so users can check their own client
 * against Kafka's rule. Keys are UTF-8 strings, or hex bytes with --hex.
 */
import { UsageError } from '../args.js';
import { partitionForKey, utf8 } from '../../machines/producer/partitioner.js';

export function partitionCommand({ partitions, hex }: { partitions: number; hex: boolean }, positionals: string[]): number {
  // Decode every key before printing any, so a bad key leaves no partial answer.
  const keys = positionals.map((key) => ({ key, bytes: hex ? hexBytes(key) : utf8(key) }));
  for (const { key, bytes } of keys) console.log(`${key}\t${partitionForKey(bytes, partitions)}`);
  return 0;
}

function hexBytes(text: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new UsageError(`'${text}' is not hex bytes (an even number of 0-9a-f digits)`);
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
