import { ClusterSimulation } from './src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed, describeClusterOptions } from './src/sim/cluster/options.js';
for (let seed = 1000; seed < 1016; seed++) { const r = new ClusterSimulation({ options: clusterOptionsFromSeed(seed) }).run(); if (r.produced.acked === 0 || r.consumedRecords === 0) console.log(seed, r.produced, r.consumedRecords, describeClusterOptions(r.options).join(' | ')); }
