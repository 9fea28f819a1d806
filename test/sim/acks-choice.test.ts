/**
 * `--acks 0|1|all` chooses every write's acks, as Kafka's ProducerConfig reads it: the default
 * enable.idempotence=true holds only with acks=all, so acks 0 or 1 turns the producer's
 * idempotence off unless it was asked for, and asked for it is a config error. A write acknowledged
 * with acks=1 is not one REPL-ACK-1 promises to keep (a leader failover may lose it in Kafka).
 */
import { describe, expect, it } from 'vitest';
import { applyClusterChoices, chosenClusterOptions } from '../../src/sim/cluster/choices.js';
import { clusterOptionsFromSeed } from '../../src/sim/cluster/options.js';
import { ClusterSimulation, simulatedProducerConfig } from '../../src/sim/cluster/simulation.js';
import { requestOf } from '../../src/sim/reproduce.js';
import { resolveRun } from '../../src/cli/commands/model.js';
import { UsageError } from '../../src/cli/args.js';
import { checkDurability } from '../../spec/replication/clauses.js';
import type { ReplicationView } from '../../spec/replication/view.js';

const base = { variant: 'kraft', unclean: false } as const;

describe('--acks', () => {
  it('acks 1 or 0 turns a producer machine that was idempotent by default into a plain one with those acks', () => {
    const drawn = clusterOptionsFromSeed(3, { variant: 'kraft' });
    expect(drawn.producer).toBe('idempotent');
    for (const acks of ['1', '0'] as const) {
      const chosen = applyClusterChoices(drawn, { acks });
      expect(chosen.acks).toBe(Number(acks));
      expect(chosen.producer).toBe('plain');
      const config = simulatedProducerConfig(chosen.producer as 'plain', chosen.acks);
      expect(config.acks).toBe(Number(acks));
      expect(config.enableIdempotence).toBe(false);
    }
    const all = applyClusterChoices(drawn, { acks: 'all' });
    expect(all.producer).toBe('idempotent');
    expect(all.acks).toBeUndefined();
  });

  it('idempotence asked for with acks other than all is one clear usage error; acks 1 alone is not', () => {
    expect(() => resolveRun({ ...base, idempotence: true, acks: '0' })).toThrow(UsageError);
    expect(() => resolveRun({ ...base, idempotence: true, acks: '1' })).toThrow(/--idempotence with --acks 1: enable.idempotence=true conflicts .*acks must be all/);
    expect(resolveRun({ ...base, acks: '1' }).choices.acks).toBe('1');
    expect(resolveRun({ ...base, idempotence: true, acks: 'all' }).choices.acks).toBe('all');
  });

  it('the reproduce flags of an acks=1 run give its options back', () => {
    for (const seed of [3, 4, 5]) {
      const options = chosenClusterOptions(seed, { variant: 'kraft', maxSteps: 1000, choices: { acks: '1' } });
      const { request, exact } = requestOf('replication', options);
      expect(request.choices.acks).toBe('1');
      expect(request.noIdempotence).toBe(false);
      expect(exact).toBe(true);
    }
  });

  it('the raw writer sends every write with the chosen acks', () => {
    const seed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].find((s) => clusterOptionsFromSeed(s, { variant: 'kraft' }).producer === 'raw')!;
    const options = chosenClusterOptions(seed, { variant: 'kraft', maxSteps: 1500, choices: { acks: '1', faults: false } });
    const sim = new ClusterSimulation({ options, faults: [] });
    sim.run();
    const invokes = sim.client.history.filter((op) => op.type === 'invoke');
    expect(invokes.length).toBeGreaterThan(0);
    expect(new Set(invokes.map((op) => op.acks))).toEqual(new Set([1]));
  });

  it('REPL-ACK-1 judges a lost acks=all write a violation and a lost acks=1 write nothing: Kafka promises only the first', () => {
    // The final log of user_activity-0 on its leader, broker 1, is empty: whatever was acknowledged at offset 0 is gone.
    const finalView = {
      partitions: new Map([['user_activity-0', { leader: 1, isr: [1] }]]),
      replicas: [{ broker: 1, key: 'user_activity-0', logStartOffset: 0 }],
      uncleanPartitions: new Set<string>(),
      recordAt: () => undefined,
      logEndOffsetOf: () => 0,
    } as unknown as ReplicationView;
    const judged = (acks: number) => checkDurability([{ type: 'ok', key: 'k', value: 'v1', partition: 'user_activity-0', acks, offset: 0, time: 1 }], [], finalView).acked.verdict;
    expect(judged(-1)).toBe('invalid');
    expect(judged(1)).toBe('valid');
  });
});
