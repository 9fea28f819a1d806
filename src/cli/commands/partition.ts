/**
 * `kspec partition --partitions N [--hex] KEY...`: one line per key — the key, a tab, its
 * partition under the Java client's default partitioner — so users can check their own client
 * against Kafka's rule. Keys are UTF-8 strings, or hex bytes with --hex.
 */
import { integer, parse, UsageError } from '../args.js';
import { partitionForKey, utf8 } from '../../machines/producer/partitioner.js';

const USAGE = 'kspec partition --partitions N [--hex] KEY...';

export function partitionCommand(args: string[]): number {
  const { values, positionals } = parse(args, { partitions: { type: 'string' }, hex: { type: 'boolean' } }, USAGE, true);
  if (values.partitions === undefined) throw new UsageError(`--partitions is required\nusage: ${USAGE}`);
  const partitions = integer(values.partitions, 'partitions', 0, USAGE);
  if (partitions === 0) throw new UsageError(`--partitions must be at least 1\nusage: ${USAGE}`);
  if (positionals.length === 0) throw new UsageError(`no key given\nusage: ${USAGE}`);
  // Decode every key before printing any, so a bad key leaves no partial answer.
  const keys = positionals.map((key) => ({ key, bytes: values.hex ? hexBytes(key) : utf8(key) }));
  for (const { key, bytes } of keys) console.log(`${key}\t${partitionForKey(bytes, partitions)}`);
  return 0;
}

function hexBytes(text: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new UsageError(`'${text}' is not hex bytes (an even number of 0-9a-f digits)\nusage: ${USAGE}`);
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
