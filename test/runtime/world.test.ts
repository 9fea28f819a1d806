/**
 * The live world's randomness: a process restarted on the same data directory must not repeat the
 * draws of the process before it (kspec conform --faults process found a restarted `kspec up` handing
 * out a topic id it had already given, and the CreateTopics went unanswered).
 */
import { describe, expect, it } from 'vitest';
import { RuntimeWorld } from '../../src/runtime/world.js';

describe('the live world', () => {
  it('draws a different machine seed in each process for the same cluster, node, incarnation and machine', () => {
    const before = new RuntimeWorld('kspec-cluster-id');
    const after = new RuntimeWorld('kspec-cluster-id');
    expect(after.randomSeed(101, 0, 'controller')).not.toBe(before.randomSeed(101, 0, 'controller'));
    // Within one process the draw is stable: every call for the same machine gets the same seed.
    expect(before.randomSeed(101, 0, 'controller')).toBe(before.randomSeed(101, 0, 'controller'));
  });
});
