/**
 * Validated option values for the kspec command. Each parser either returns a value a run can use
 * or throws commander's InvalidArgumentError, which main.ts prints as one line with exit code 2:
 * a bad value is caught before any run starts, so no finished run is ever lost to it.
 */
import { InvalidArgumentError } from 'commander';

/** Bad usage or input found after commander's own parsing (two options that do not fit together, a file). */
export class UsageError extends Error {}

/** Seeds feed a SplitMix32 state (src/core/prng.ts): a 32-bit unsigned integer, never silently wrapped. */
export const SEED_MAX = 0xffff_ffff;

/** An integer option within [min, max]; `what` reads after "must be" in the error. */
export function integerIn(min: number, max: number, what = `an integer from ${min} to ${max}`) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be ${what}`);
    return n;
  };
}

export const parseSeed = integerIn(0, SEED_MAX, `a seed from 0 to ${SEED_MAX} (32 bits)`);

/** `--shard I/N`: share I (1-based, like jest's and playwright's --shard) of N. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const SHARDS_MAX = 10_000;

export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || count > SHARDS_MAX || index < 1 || index > count) {
    throw new InvalidArgumentError(`must be I/N with 1 <= I <= N <= ${SHARDS_MAX} (e.g. 3/8)`);
  }
  return { index, count };
}

/** `--faults on|off`. */
export function parseOnOff(value: string): boolean {
  if (value !== 'on' && value !== 'off') throw new InvalidArgumentError("must be 'on' or 'off'");
  return value === 'on';
}
