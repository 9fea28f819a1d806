/** The console report: one line per check, its anomalies beneath, then the counts per verdict. */
import type { CheckResult, SuiteRun } from '../run.js';
import { countVerdicts } from './json.js';

const LABEL = { pass: 'PASS', fail: 'FAIL', unknown: 'UNKNOWN', 'not-applicable': 'N/A' } as const;

export function checkLine(result: CheckResult): string {
  const head = `${LABEL[result.verdict].padEnd(7)} ${result.id.padEnd(40)} ${`${result.durationMs} ms`.padStart(8)}  ${result.clauses.join(', ')}`;
  const lines = [head];
  for (const anomaly of result.anomalies) lines.push(`          ${anomaly.name} (${anomaly.clauseId}): ${anomaly.detail}`);
  if (result.reason !== '' && result.verdict !== 'fail') lines.push(`          ${result.reason.length > 300 ? `${result.reason.slice(0, 300)}...` : result.reason}`);
  return lines.join('\n');
}

export function summaryLine(run: SuiteRun): string {
  const c = countVerdicts(run);
  return `${run.results.length} checks against ${run.target} (seed ${run.seed}, run ${run.runId}, ${(run.durationMs / 1000).toFixed(1)} s): ${c.pass} pass, ${c.fail} fail, ${c.unknown} unknown, ${c['not-applicable']} not applicable`;
}

export function consoleReport(run: SuiteRun): string {
  return [...run.results.map(checkLine), '', summaryLine(run)].join('\n');
}
