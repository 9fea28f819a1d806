/**
 * Consumer groups in the cluster simulator, as properties over random seeds: brokers crash, pause
 * and are cut off (so coordinators fail over), messages are lost, duplicated and reordered,
 * consumers crash and restart — and the group clauses (CG-STATE-1, CG-GEN-1, CG-LEADER-1,
 * CG-ASSIGN-1, CG-STATIC-1, CGH-OWN-1, CGH-EPOCH-1, CGH-REC-1, CGH-TGT-1 every step; CONS-1,
 * CG-COMMIT-2, CG-RESUME-1 over the consumers' history) hold with every protocol and assignor.
 */
import { describe, expect, it } from 'vitest';
import { ClusterSimulation } from '../../src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed, type GroupSpec } from '../../src/sim/cluster/options.js';
import { clusterReproduceCommand } from '../../src/sim/cluster/run.js';

const groups: GroupSpec[] = [
  { groupId: 'readers', consumers: 2, protocol: 'classic', assignor: 'range', staticMembers: false, offsetsTopicPartitions: 3, consumerCrashes: true, pollIntervalMs: 100 },
  { groupId: 'readers', consumers: 3, protocol: 'classic', assignor: 'cooperative-sticky', staticMembers: false, offsetsTopicPartitions: 1, consumerCrashes: true, pollIntervalMs: 50 },
  { groupId: 'readers', consumers: 2, protocol: 'classic', assignor: 'sticky', staticMembers: true, offsetsTopicPartitions: 3, consumerCrashes: true, pollIntervalMs: 100 },
  { groupId: 'readers', consumers: 3, protocol: 'consumer', assignor: 'uniform', staticMembers: false, offsetsTopicPartitions: 3, consumerCrashes: true, pollIntervalMs: 100 },
  { groupId: 'readers', consumers: 2, protocol: 'consumer', assignor: 'range', staticMembers: false, offsetsTopicPartitions: 1, consumerCrashes: true, pollIntervalMs: 50 },
];

describe('consumer groups under faults', () => {
  groups.forEach((group, index) => {
    it(`property: ${group.protocol} ${group.assignor}${group.staticMembers ? ' static' : ''}, 3 seeds with broker and consumer faults hold every group clause`, () => {
      for (let seed = 3000 + 10 * index; seed < 3003 + 10 * index; seed++) {
        const sim = new ClusterSimulation({ options: clusterOptionsFromSeed(seed, { group }) });
        const result = sim.run();
        const first = result.violations[0];
        expect(first === undefined ? 'ok' : `${first.clauseId}: ${first.message}; reproduce with the group ${JSON.stringify(group)} forced on: ${clusterReproduceCommand(result.options)}`).toBe('ok');
        const delivered = sim.consumerHistory.filter((e) => e.type === 'records').length;
        expect(delivered, `seed ${seed}: the group consumed nothing`).toBeGreaterThan(0);
        expect(sim.consumerHistory.some((e) => e.type === 'crashed'), `seed ${seed}: no consumer crashed`).toBe(true);
      }
    }, 120_000);
  });

  it('is deterministic: the same seed gives the same consumer history', () => {
    const run = () => {
      const sim = new ClusterSimulation({ options: clusterOptionsFromSeed(3100, { group: groups[1] as GroupSpec }) });
      sim.run();
      return JSON.stringify(sim.consumerHistory);
    };
    expect(run()).toBe(run());
  });
});
