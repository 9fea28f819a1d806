/**
 * `npm run conform:variants [-- NAME...]`: the whole conformance suite against a live kspec cluster
 * serving each variant (default: every variant, the reference first), a line per variant: wall
 * time, the checks that failed, and where the verdicts depart from what the variant's clause
 * predicts (src/conformance/variant-expectations.ts). Exit 1 on any departure.
 */
import { allChecks } from '../src/conformance/checks/index.js';
import { suiteAgainstLive } from '../src/conformance/live-kspec.js';
import { allExpectations, departures } from '../src/conformance/variant-expectations.js';

const only = process.argv.slice(2);
let departed = 0;
for (const expectation of allExpectations(allChecks)) {
  if (only.length > 0 && !only.includes(expectation.variant)) continue;
  const { run, verdicts, wallMs } = await suiteAgainstLive(expectation.variant);
  const failed = run.results.filter((r) => r.verdict === 'fail' || r.verdict === 'unknown').map((r) => `${r.id}=${r.verdict}`);
  const off = departures(expectation, verdicts);
  departed += off.length;
  console.log(`${expectation.variant.padEnd(30)} ${String(wallMs).padStart(6)} ms (suite ${run.durationMs} ms)  failed: ${failed.join(', ') || 'none'}${expectation.unreached === undefined ? '' : `  [unreached: ${expectation.unreached}]`}`);
  for (const line of off) console.log(`    DEPARTS ${line}`);
}
process.exit(departed === 0 ? 0 : 1);
