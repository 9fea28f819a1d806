import { ClusterSimulation } from './src/sim/cluster/simulation.js';
import { clusterExploreOptions } from './src/sim/cluster/run.js';
const [v, seed, ...fs] = process.argv.slice(2);
const faults = [];
for (let i = 0; i + 2 < fs.length + 1 && fs[i]; i += 3) faults.push({ atMs: Number(fs[i]), fault: fs[i+1] === 'heal' ? { kind: 'heal' } : { kind: fs[i+1], node: Number(fs[i+2]) } });
const sim = new ClusterSimulation({ options: clusterExploreOptions(Number(seed), v!), faults: faults as never, recordTrace: true });
const r = sim.run();
console.log(r.violations[0]);
const pat = new RegExp(process.env.PAT ?? '.');
const from = Number(process.env.FROM ?? 0), to = Number(process.env.TO ?? 1e9);
for (const s of r.trace ?? []) if (s.kind === 'step' && s.time >= from && s.time <= to) {
  const lines = [JSON.stringify(s.input).slice(0, 220), ...s.effects, JSON.stringify(s.changes)].filter((l) => pat.test(l));
  if (lines.length) console.log(s.step, s.time, lines.join('\n    '));
}
