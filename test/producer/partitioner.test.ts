/**
 * PROD-PART-1: keyed records land on toPositive(murmur2(key)) % numPartitions, byte for byte the
 * Java client's default partitioner. The vectors were produced by Kafka's own Utils.murmur2.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { murmur2, partitionForKey, utf8 } from '../../src/machines/producer/partitioner.js';

const vectors = readFileSync('test/fixtures/murmur2-vectors.tsv', 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => {
    const [hex, hash, of6, of50] = line.split('\t');
    return { bytes: Uint8Array.from((hex ?? '').match(/../g) ?? [], (p) => parseInt(p, 16)), hex: hex ?? '', hash: Number(hash), of6: Number(of6), of50: Number(of50) };
  });

describe('the default partitioner matches the Java client', () => {
  it('has at least 20 vectors, including the empty key and non-ASCII keys', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20);
    expect(vectors.some((v) => v.hex === '')).toBe(true);
    expect(vectors.some((v) => v.bytes.some((b) => b >= 0x80))).toBe(true);
  });

  for (const v of vectors) {
    it(`key 0x${v.hex || '(empty)'}: murmur2 ${v.hash}, partition ${v.of6} of 6, ${v.of50} of 50`, () => {
      expect(murmur2(v.bytes)).toBe(v.hash);
      expect(partitionForKey(v.bytes, 6)).toBe(v.of6);
      expect(partitionForKey(v.bytes, 50)).toBe(v.of50);
    });
  }

  it('keys are UTF-8, as the StringSerializer writes them', () => {
    expect(murmur2(utf8('日本語'))).toBe(1431860170);
    expect(partitionForKey(utf8('21'), 6)).toBe(0);
  });

  it('refuses a non-positive partition count', () => {
    expect(() => partitionForKey(utf8('k'), 0)).toThrow(/positive integer/);
  });
});
