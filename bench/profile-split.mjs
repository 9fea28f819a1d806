/**
 * Where a simulator run's CPU goes, from a V8 profile: the share of samples inside machine
 * transitions (any frame from xstate or src/machines on the stack), the garbage collector's share
 * (V8 attributes it to no caller), and the heaviest functions of src/ and spec/ by inclusive time.
 * Module loading (tsx, the ESM loader) is left out: it is startup, not simulation.
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/replication-driver.ts 4
 *   node bench/profile-split.mjs /tmp/prof/<the largest>.cpuprofile [TOP]
 */
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node bench/profile-split.mjs FILE.cpuprofile [TOP]');
  process.exit(2);
}
let profile;
try {
  profile = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`cannot read ${file} as a .cpuprofile: ${error.message}`);
  process.exit(2);
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*?\/(src|spec)\//, '$1/')}`;
const inMachine = (n) => /node_modules\/xstate\/|\/src\/machines\//.test(n.callFrame.url);
const loading = (n) => /internal\/modules\/(esm|cjs)|node_modules\/tsx\//.test(n.callFrame.url);

const inclusive = new Map();
let totalUs = 0;
let machineUs = 0;
let gcUs = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  const leaf = byId.get(id);
  if (leaf.callFrame.functionName === '(idle)' || leaf.callFrame.functionName === '(program)') return;
  const stack = [];
  for (let at = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at));
  if (stack.some(loading)) return;
  totalUs += us;
  if (leaf.callFrame.functionName === '(garbage collector)') gcUs += us;
  if (stack.some(inMachine)) machineUs += us;
  const seen = new Set();
  for (const n of stack) {
    const key = label(n);
    if (seen.has(key) || !/^\S+ (src|spec)\//.test(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
});
const percent = (us) => `${((100 * us) / totalUs).toFixed(1)}%`;
console.log(
  `${(totalUs / 1000).toFixed(0)} ms sampled: ${percent(machineUs)} inside machine transitions, ${percent(gcUs)} garbage collection (no caller), ${percent(totalUs - machineUs - gcUs)} the rest`,
);
for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25))) console.log(`${percent(us).padStart(6)}  ${key}`);
