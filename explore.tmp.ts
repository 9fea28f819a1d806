import { exploreCluster } from './src/sim/cluster/run.js';
import { renderFault } from './src/sim/faults.js';
const v = process.argv[2] ?? 'truncate-to-high-watermark';
const o = exploreCluster({ variant: v, runs: Number(process.argv[3] ?? 200), seed: Number(process.argv[4] ?? 1) });
console.log(v, o.runsTried, o.findMs, o.shrinkMs, o.shrinks);
if (o.counterexample) { for (const f of o.counterexample.faults) console.log(f.atMs, renderFault(f.fault)); console.log(o.counterexample.result.violations[0]); }
if (o.counterexample) console.log('seed', o.counterexample.options.seed);
