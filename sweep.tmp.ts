import { ClusterSimulation } from './src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed } from './src/sim/cluster/options.js';
const from = Number(process.argv[2] ?? 1), to = Number(process.argv[3] ?? 20);
const variant = process.argv[4] ?? 'kraft';
const unclean = process.argv[5] === 'unclean';
let fails = 0; const t0 = Date.now(); let steps = 0;
for (let seed = from; seed <= to; seed++) {
  try {
    const r = new ClusterSimulation({ options: clusterOptionsFromSeed(seed, { variant, unclean }) }).run();
    steps += r.steps;
    if (r.violations.length > 0 || r.allowedLostWrites.length > 0) { fails += r.violations.length > 0 ? 1 : 0; console.log(seed, r.violations.slice(0,2).map(v => `${v.clauseId} @${v.time}: ${v.message}`).join(' | ').slice(0, 400), r.allowedLostWrites.length ? `allowed lost: ${r.allowedLostWrites.length}` : ''); }
  } catch (e) { fails++; console.log(seed, 'CRASH', (e as Error).stack?.split('\n').slice(0, 4).join(' ')); }
}
console.log(`fails ${fails}/${to - from + 1} steps ${steps} wall ${Date.now() - t0}ms`);
