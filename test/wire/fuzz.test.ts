/**
 * A short fuzz of the wire decoders (scripts/fuzz-frames.ts; `npm run fuzz` runs long ones): mutated
 * frames of every API, version and direction decode or fail with a WireDecodeError, never anything
 * else; runs are deterministic per seed; and the fuzzer itself notices a crash when there is one.
 */
import { describe, expect, it } from 'vitest';
import { allTargets, runFuzz, wireCodec, type Codec } from '../../scripts/fuzz-frames.js';

describe('fuzzing the wire decoders', () => {
  it('a few thousand mutated frames over every API/version/direction: no crash, and the mutations reach many error kinds', () => {
    const targets = allTargets().length;
    const report = runFuzz({ seed: 7, frames: 2 * targets });
    expect(report.crashes).toEqual([]);
    expect(report.targets).toBe(targets);
    // The mutations must reach the decoders' checks, not only the header's.
    for (const kind of ['truncated', 'length-exceeds-remaining', 'count-exceeds-remaining', 'negative-length', 'unsupported-version']) {
      expect(report.errorsByKind[kind] ?? 0).toBeGreaterThan(0);
    }
    expect(report.decoded).toBeGreaterThan(0);
  });

  it('is deterministic per seed, and frame I is the same whatever ran before it', () => {
    const decodedFrames = (seed: number, from: number, frames: number): string[] => {
      const seen: string[] = [];
      runFuzz({ seed, frames, from, apiKeys: [0, 1, 3, 18], beforeDecode: (i, f) => void seen.push(`${i}:${Buffer.from(f).toString('hex')}`) });
      return seen;
    };
    const run = decodedFrames(3, 0, 200);
    expect(decodedFrames(3, 0, 200)).toEqual(run);
    expect(decodedFrames(3, 150, 1)).toEqual([run[150]]);
    expect(decodedFrames(4, 0, 200)).not.toEqual(run);
  });

  it('reports a decoder that throws something other than a WireDecodeError, with the frame bytes', () => {
    const broken: Codec = {
      decode: (target, frame) => {
        if (frame.length % 7 === 3) throw new TypeError('cannot read properties of undefined');
        return wireCodec.decode(target, frame);
      },
      reencode: wireCodec.reencode,
    };
    const report = runFuzz({ seed: 1, frames: 300, apiKeys: [0, 12], codec: broken });
    expect(report.crashes.length).toBeGreaterThan(0);
    for (const crash of report.crashes) {
      expect(crash.what).toMatch(/^decode threw TypeError/);
      expect((crash.hex.length / 2) % 7).toBe(3);
    }
  });

  it('reports a frame slower than the bound, and a decoded value that cannot be re-encoded', () => {
    const slow: Codec = {
      decode: (target, frame) => {
        const until = performance.now() + 3;
        while (performance.now() < until);
        return wireCodec.decode(target, frame);
      },
      reencode: () => {
        throw new RangeError('offset out of bounds');
      },
    };
    const report = runFuzz({ seed: 2, frames: 40, apiKeys: [12], codec: slow, slowFrameMs: 1 });
    expect(report.crashes.some((c) => /^slow: \d+ ms/.test(c.what))).toBe(true);
    if (report.decoded > 0) expect(report.crashes.some((c) => /re-encoding the decoded value threw RangeError/.test(c.what))).toBe(true);
  });
});
