/**
 * The one source of randomness in kspec: a seeded, splittable PRNG (SplitMix32 over a uint32 state).
 *
 * The state is a plain number so it can live in a machine's context (JSON-safe) and in traces.
 * Machines that need randomness (the election backoff) keep a PRNG state in their context and
 * advance it with {@link nextRandom}; the simulator splits one seed into named streams.
 */

/** Advance a SplitMix32 state: returns a uniform float in [0, 1) and the next state. */
export function nextRandom(state: number): { value: number; state: number } {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z = (z ^ (z >>> 16)) >>> 0;
  return { value: z / 0x1_0000_0000, state: next >>> 0 };
}

/** A uniform integer in [low, high] (inclusive) and the next state. */
export function nextInt(state: number, low: number, high: number): { value: number; state: number } {
  const r = nextRandom(state);
  return { value: low + Math.floor(r.value * (high - low + 1)), state: r.state };
}

/** FNV-1a over a string: used to derive a stream's seed from (seed, stream name). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The seed of a named stream split from a root seed: independent of how other streams are used. */
export function streamSeed(rootSeed: number, name: string): number {
  return nextRandom((rootSeed ^ hashString(name)) >>> 0).state;
}

/** A mutable convenience wrapper for shells (the simulator); machines use the pure functions. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  static stream(rootSeed: number, name: string): Random {
    return new Random(streamSeed(rootSeed, name));
  }
  /** Uniform float in [0, 1). */
  float(): number {
    const r = nextRandom(this.state);
    this.state = r.state;
    return r.value;
  }
  /** Uniform integer in [low, high] inclusive. */
  int(low: number, high: number): number {
    return low + Math.floor(this.float() * (high - low + 1));
  }
  chance(probability: number): boolean {
    return probability > 0 && this.float() < probability;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }
  /** A fresh 32-bit seed for a sub-stream (a node's own PRNG state, for example). */
  seed(): number {
    return Math.floor(this.float() * 0x1_0000_0000) >>> 0;
  }
}
