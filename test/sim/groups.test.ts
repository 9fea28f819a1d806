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
import { reproduceOptions } from '../../src/sim/reproduce.js';
import { ClusterSimulation as Simulation, simulatedGroupCoordinatorConfig } from '../../src/sim/cluster/simulation.js';
import { defaultBrokerConfig } from '../../src/machines/broker/machine.js';
import { checkResumeFromCommitted } from '../../spec/groups/clauses.js';
import { budget } from '../support/budget.js';

const SEEDS_PER_GROUP = budget(1, 3, 'KSPEC_TEST_GROUP_SEEDS');

const groups: GroupSpec[] = [
  { groupId: 'readers', consumers: 2, protocol: 'classic', assignor: 'range', staticMembers: false, offsetsTopicPartitions: 3, consumerCrashes: true, pollIntervalMs: 100 },
  { groupId: 'readers', consumers: 3, protocol: 'classic', assignor: 'cooperative-sticky', staticMembers: false, offsetsTopicPartitions: 1, consumerCrashes: true, pollIntervalMs: 50 },
  { groupId: 'readers', consumers: 2, protocol: 'classic', assignor: 'sticky', staticMembers: true, offsetsTopicPartitions: 3, consumerCrashes: true, pollIntervalMs: 100 },
  { groupId: 'readers', consumers: 3, protocol: 'consumer', assignor: 'uniform', staticMembers: false, offsetsTopicPartitions: 3, consumerCrashes: true, pollIntervalMs: 100 },
  { groupId: 'readers', consumers: 2, protocol: 'consumer', assignor: 'range', staticMembers: false, offsetsTopicPartitions: 1, consumerCrashes: true, pollIntervalMs: 50 },
];

describe('consumer groups under faults', () => {
  groups.forEach((group, index) => {
    it(`property: ${group.protocol} ${group.assignor}${group.staticMembers ? ' static' : ''}, ${SEEDS_PER_GROUP} seed(s) with broker and consumer faults hold every group clause`, () => {
      for (let seed = 3000 + 10 * index; seed < 3000 + 10 * index + SEEDS_PER_GROUP; seed++) {
        const sim = new ClusterSimulation({ options: clusterOptionsFromSeed(seed, { group }) });
        const result = sim.run();
        const first = result.violations[0];
        expect(first === undefined ? 'ok' : `${first.clauseId}: ${first.message}; reproduce with the group ${JSON.stringify(group)} forced on: ${reproduceOptions('replication', result.options)}`).toBe('ok');
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

/**
 * The coordinator cut off from the other brokers and the controller, but not from its consumers:
 * it keeps acting as coordinator while the controller moves its __consumer_offsets partition to
 * another broker. Then the network heals and the group moves to the new coordinator.
 */
function coordinatorCutOff(holdAnswersUntilCommitted: boolean) {
  const base = clusterOptionsFromSeed(1, { brokers: 3, controllers: 1, producer: 'raw', group: null });
  const options = {
    ...base,
    topic: { name: 'user_activity', partitions: 2, replicationFactor: 3, configs: { 'min.insync.replicas': '1' } },
    network: { delayMinMs: 2, delayMeanMs: 3, lossProbability: 0, duplicateProbability: 0, reorderProbability: 0 },
  };
  const sim = new Simulation({
    options, faults: [], scripted: true,
    brokerConfig: { ...defaultBrokerConfig, offsetsTopicNumPartitions: 1, offsetsTopicReplicationFactor: 3 },
    groupCoordinatorConfig: { ...simulatedGroupCoordinatorConfig, offsetsTopicNumPartitions: 1, holdAnswersUntilCommitted },
  });
  const writes = (count: number): void => {
    sim.clientOp('metadata');
    sim.runUntil(sim.now + 50);
    for (let i = 0; i < count; i++) {
      sim.produce(`user-${i}`, -1);
      sim.runUntil(sim.now + 20);
    }
  };
  sim.runUntil(20_000, () => sim.view().registeredBrokers.length === 3 && sim.view().fencedBrokers.length === 0);
  sim.clientOp('create');
  sim.runUntil(sim.now + 2_000);
  const group: GroupSpec = { groupId: 'readers', consumers: 2, protocol: 'classic', assignor: 'range', staticMembers: false, offsetsTopicPartitions: 1, consumerCrashes: false, pollIntervalMs: 100 };
  sim.startConsumer(91, group, 100);
  sim.startConsumer(92, group, 100);
  writes(10);
  sim.runUntil(sim.now + 4_000);
  const coordinator = sim.groupsView().shards[0]?.broker as number;
  for (const other of [...sim.brokers, ...sim.controllers]) {
    if (other === coordinator) continue;
    sim.injectFault({ kind: 'one-way', from: coordinator, to: other });
    sim.injectFault({ kind: 'one-way', from: other, to: coordinator });
  }
  writes(10);
  sim.runUntil(sim.now + 4_000);
  sim.injectFault({ kind: 'heal' });
  sim.runUntil(sim.now + 6_000);
  return checkResumeFromCommitted(sim.consumerHistory);
}

describe('the coordinator\'s write rule', () => {
  it('CG-RESUME-1: answering commits before the high watermark passes them loses acknowledged commits on failover; Kafka\'s rule keeps them', () => {
    const broken = coordinatorCutOff(false);
    expect(broken.verdict).toBe('invalid');
    expect(broken.anomalies[0]).toMatch(/resumed at committed offset \d+, but \d+ had been committed and acknowledged/);
    expect(coordinatorCutOff(true).verdict).toBe('valid');
  }, 60_000);
});

describe('CG-COOP-1 over a simulated run', () => {
  it('seed 162: a consumer the coordinator removed, then crashed before it learned it, is the zombie window, not a double owner', () => {
    // Consumer 93 was cut off from its coordinator; its session expired there and its partitions went
    // to 91 and 92; it crashed before any answer told it. The reference sweep flagged this as a
    // CG-COOP-1 violation before the coordinator's removals entered the history.
    const result = new ClusterSimulation({ options: clusterOptionsFromSeed(162) }).run();
    expect(result.violations.map((v) => `${v.clauseId}: ${v.message}`)).toEqual([]);
    const zombies = result.allowed.filter((a) => a.clauseId === 'CG-COOP-1');
    expect(zombies.length).toBeGreaterThan(0);
    for (const zombie of zombies) expect(zombie.reason).toContain('the coordinator had already removed consumer 93');
  }, 60_000);

  it('seed 233: a KIP-848 member that applies its last target after the coordinator fenced it is the zombie window, not a double owner', () => {
    // Consumer 91's member was fenced while its coordinator was out of reach; it then applied the
    // target it had been told before (onPartitionsAssigned) while consumer 92 owned the partition,
    // and reported it lost once it heard it was fenced. The reference sweep flagged it as CG-COOP-1.
    const result = new ClusterSimulation({ options: clusterOptionsFromSeed(233) }).run();
    expect(result.violations.map((v) => `${v.clauseId}: ${v.message}`)).toEqual([]);
    expect(result.allowed.some((a) => a.clauseId === 'CG-COOP-1' && a.reason.includes('consumer 91 applied an assignment after the coordinator had removed it'))).toBe(true);
  }, 60_000);
});
