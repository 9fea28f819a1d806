import { describe, expect, it } from 'vitest';
import { nextRandom, Random, streamSeed } from '../../src/core/prng.js';

describe('the seeded PRNG', () => {
  it('is a pure function of its state', () => {
    expect(nextRandom(123)).toEqual(nextRandom(123));
    expect(nextRandom(123).value).not.toBe(nextRandom(124).value);
  });

  it('split streams are independent of how other streams are used', () => {
    const a = Random.stream(7, 'network');
    Random.stream(7, 'faults').float();
    const b = Random.stream(7, 'network');
    expect([a.float(), a.float()]).toEqual([b.float(), b.float()]);
    expect(streamSeed(7, 'network')).not.toBe(streamSeed(7, 'faults'));
  });

  it('is roughly uniform', () => {
    const random = new Random(1);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(random.float() * 10)]++;
    for (const count of buckets) expect(count).toBeGreaterThan(850);
  });
});
