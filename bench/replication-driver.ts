/**
 * The replication bench's row alone, for bench/compare.sh: events per second of the replication
 * simulator, 3 brokers x 6 partitions RF 3, the idempotent producer machine, seeds 1000.. (after
 * two warm-up seeds). Only ClusterSimulation and clusterOptionsFromSeed are used, so the same file
 * runs in older checkouts.
 */
import { ClusterSimulation } from '../src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed } from '../src/sim/cluster/options.js';

const seeds = Number(process.argv[2] ?? 6);
const shape = (seed: number) => {
  const base = clusterOptionsFromSeed(seed, { brokers: 3, producer: 'idempotent', group: null });
  return { ...base, topic: { ...base.topic, partitions: 6, replicationFactor: 3 } };
};
for (let seed = 1; seed <= 2; seed++) new ClusterSimulation({ options: shape(seed) }).run();
let steps = 0;
let transitions = 0;
const started = performance.now();
// CPU time as well as wall time: on a shared machine the wall clock mostly measures the neighbours.
const cpuStarted = process.cpuUsage();
for (let seed = 1000; seed < 1000 + seeds; seed++) {
  const result = new ClusterSimulation({ options: shape(seed) }).run();
  steps += result.steps;
  transitions += result.transitions;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(`${seeds} seeds, ${steps} events, ${transitions} transitions in ${seconds.toFixed(2)}s -> ${Math.round(steps / seconds)} events/s; ${cpuSeconds.toFixed(2)}s CPU -> ${Math.round(steps / cpuSeconds)} events per CPU second`);
