/**
 * `npm run bench`: simulator throughput — events (steps) per second and machine transitions per
 * second — for a 3- and a 5-voter quorum under the seed's faults and workload. Wall-clock timing
 * lives here, never in tests.
 */
import { Simulation } from '../src/sim/simulator.js';
import { optionsFromSeed } from '../src/sim/options.js';
import { ClusterSimulation } from '../src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed, type GroupSpec } from '../src/sim/cluster/options.js';

const SEEDS = Number(process.env['KSPEC_BENCH_SEEDS'] ?? 40);

function bench(voters: number): void {
  // Warm up the JIT on a few seeds first.
  for (let seed = 1; seed <= 3; seed++) new Simulation({ options: optionsFromSeed(seed, { voters }) }).run();
  let steps = 0;
  let transitions = 0;
  let virtualMs = 0;
  const started = performance.now();
  for (let seed = 1000; seed < 1000 + SEEDS; seed++) {
    const result = new Simulation({ options: optionsFromSeed(seed, { voters }) }).run();
    steps += result.steps;
    transitions += result.transitions;
    virtualMs += result.virtualTimeMs;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${voters} voters: ${SEEDS} seeds, ${steps} events, ${transitions} transitions in ${seconds.toFixed(2)}s -> ` +
      `${Math.round(steps / seconds)} events/s, ${Math.round(transitions / seconds)} transitions/s, ` +
      `${(virtualMs / 1000 / seconds).toFixed(0)}x real time`,
  );
}

console.log(`kspec bench: node ${process.version}, ${SEEDS} seeds per size`);
bench(3);
bench(5);

/** The replication simulator with Kafka's documentation example shape: 3 brokers x 6 partitions, RF 3. */
function benchReplication(producer: 'idempotent' | 'raw', group: GroupSpec | null = null): void {
  const shape = (seed: number) => {
    const base = clusterOptionsFromSeed(seed, { brokers: 3, producer, group });
    return { ...base, topic: { ...base.topic, partitions: 6, replicationFactor: 3 } };
  };
  for (let seed = 1; seed <= 2; seed++) new ClusterSimulation({ options: shape(seed) }).run();
  let steps = 0;
  let transitions = 0;
  let virtualMs = 0;
  let acked = 0;
  const seeds = Math.max(4, Math.round(SEEDS / 4));
  const started = performance.now();
  for (let seed = 1000; seed < 1000 + seeds; seed++) {
    const result = new ClusterSimulation({ options: shape(seed) }).run();
    steps += result.steps;
    transitions += result.transitions;
    virtualMs += result.virtualTimeMs;
    acked += result.produced.acked;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `replication, 3 brokers x 6 partitions RF 3, ${producer === 'raw' ? 'raw writer' : 'idempotent producer machine'}${group === null ? '' : `, ${group.consumers} consumers (group.protocol=${group.protocol}, ${group.assignor})`}: ${acked} acknowledged writes, ${seeds} seeds, ${steps} events, ${transitions} transitions in ${seconds.toFixed(2)}s -> ` +
      `${Math.round(steps / seconds)} events/s, ${Math.round(transitions / seconds)} transitions/s, ${(virtualMs / 1000 / seconds).toFixed(0)}x real time`,
  );
}

benchReplication('raw');
benchReplication('idempotent');
benchReplication('idempotent', { groupId: 'readers', consumers: 3, protocol: 'classic', assignor: 'range', staticMembers: false, offsetsTopicPartitions: 3, consumerCrashes: true, pollIntervalMs: 100 });
benchReplication('idempotent', { groupId: 'readers', consumers: 3, protocol: 'consumer', assignor: 'uniform', staticMembers: false, offsetsTopicPartitions: 3, consumerCrashes: true, pollIntervalMs: 100 });
