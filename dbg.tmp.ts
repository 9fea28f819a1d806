import { ClusterSimulation } from './src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed } from './src/sim/cluster/options.js';
const seed = Number(process.argv[2]);
const sim = new ClusterSimulation({ options: clusterOptionsFromSeed(seed), recordTrace: true });
const r = sim.run();
const from = Number(process.argv[3] ?? 0), to = Number(process.argv[4] ?? 1e9);
const pat = new RegExp(process.argv[5] ?? '.');
for (const s of r.trace ?? []) if (s.kind === 'step' && s.time >= from && s.time <= to) {
  const lines = [JSON.stringify(s.input).slice(0, 200), ...s.effects, JSON.stringify(s.changes)].filter((l) => pat.test(l));
  if (lines.length) console.log(s.step, s.time, lines.join('\n    '));
}
