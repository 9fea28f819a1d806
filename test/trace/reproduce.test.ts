/**
 * One writer of reproduce hints (issue 12): the CLI's, from what it was asked, and the tests', from
 * a run's options, are the same function; a hint built from options carries every flag that
 * changed them, and says so when no flag can.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reproduceOptions, reproduceSeed, requestOf, type RunRequest } from '../../src/sim/reproduce.js';
import { chosenClusterOptions, chosenQuorumOptions, type ClusterChoices } from '../../src/sim/cluster/choices.js';
import { clusterOptionsFromSeed } from '../../src/sim/cluster/options.js';

const choicesArb: fc.Arbitrary<ClusterChoices> = fc.integer({ min: 1, max: 6 }).chain((brokers) => fc.record({
  brokers: fc.constant(brokers),
  partitions: fc.integer({ min: 1, max: 8 }),
  replicationFactor: fc.integer({ min: 1, max: brokers }),
  acks: fc.constant('all' as const),
  faults: fc.boolean(),
  groupProtocol: fc.constantFrom('classic' as const, 'consumer' as const, 'none' as const),
}, { requiredKeys: [] }));

describe('reproduce hints from a run\'s options', () => {
  it('every replication run the command line can ask for gets a hint that gives its options back', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), choicesArb, fc.boolean(), fc.boolean(), fc.constantFrom(400_000, 1_234), (seed, choices, unclean, noIdempotence, maxSteps) => {
      const asked: RunRequest = { model: 'replication', variant: 'kraft', maxSteps, unclean, noIdempotence, choices };
      const options = chosenClusterOptions(seed, asked);
      const { request, exact } = requestOf('replication', options);
      expect(exact).toBe(true);
      expect(chosenClusterOptions(seed, request)).toEqual(options);
      // What the hint says is what the CLI would print for the request that gives these options.
      expect(reproduceOptions('replication', options)).toBe(reproduceSeed(request, seed));
    }), { numRuns: 300 });
  });

  it('the quorum model\'s hint names the model, the variant, voters and max steps when they were chosen', () => {
    const options = chosenQuorumOptions(9, { variant: 'vote-twice', maxSteps: 5_000, voters: 7 });
    expect(reproduceOptions('quorum', options)).toBe('npx kspec sim --seed 9 --model quorum --variant vote-twice --max-steps 5000 --voters 7');
    expect(reproduceOptions('quorum', chosenQuorumOptions(9, { variant: 'kraft', maxSteps: 200_000 }))).toBe('npx kspec sim --seed 9 --model quorum');
  });

  it('options no flag can give (a test forcing a group of three static consumers) say so', () => {
    const base = clusterOptionsFromSeed(3);
    const forced = { ...base, group: { groupId: 'g', consumers: 3, protocol: 'classic' as const, assignor: 'sticky', staticMembers: true, offsetsTopicPartitions: 1, consumerCrashes: false, pollIntervalMs: 100 } };
    expect(requestOf('replication', forced).exact).toBe(false);
    expect(reproduceOptions('replication', forced)).toMatch(/^npx kspec sim --seed 3 --model replication.* \(no flag gives every option of this run: replay its trace with kspec sim --replay\)$/);
  });
});

describe('regressions', () => {
  it('--faults on for a seed that drew faults of no kind (it turns crashes on) is in the hint: seed 1820051769', () => {
    const options = chosenClusterOptions(1820051769, { variant: 'kraft', maxSteps: 400_000, choices: { faults: true } });
    const { request, exact } = requestOf('replication', options);
    expect(exact).toBe(true);
    expect(reproduceOptions('replication', options)).toContain('--faults on');
    expect(chosenClusterOptions(1820051769, request)).toEqual(options);
  });
});
