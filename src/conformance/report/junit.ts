/**
 * JUnit XML, as CI systems read it: one <testsuite> per suite, one <testcase> per check; a failure
 * names its anomalies, "not applicable" is <skipped>, "unknown" is <error> (neither passed nor
 * shown to fail).
 */
import type { CheckResult, SuiteRun } from '../run.js';

export function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // XML 1.0 forbids most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

function testcase(result: CheckResult): string {
  const open = `    <testcase name="${xmlEscape(result.id)}" classname="kspec.conform.${xmlEscape(result.suite)}" time="${(result.durationMs / 1000).toFixed(3)}">`;
  const anomalies = result.anomalies.map((a) => `${a.name} (${a.clauseId}): ${a.detail}`).join('\n');
  switch (result.verdict) {
    case 'pass':
      return `${open}</testcase>`;
    case 'fail':
      return `${open}\n      <failure message="${xmlEscape(result.anomalies.map((a) => a.name).join(', '))}" type="${xmlEscape(result.anomalies[0]?.clauseId ?? 'conformance')}">${xmlEscape(anomalies)}</failure>\n    </testcase>`;
    case 'not-applicable':
      return `${open}\n      <skipped message="${xmlEscape(`not applicable: ${result.reason}`)}"/>\n    </testcase>`;
    case 'unknown':
      return `${open}\n      <error message="${xmlEscape(`unknown: ${result.reason.slice(0, 500)}`)}" type="unknown"/>\n    </testcase>`;
  }
}

export function junitReport(run: SuiteRun): string {
  const suites = [...new Set(run.results.map((r) => r.suite))];
  const body = suites.map((suite) => {
    const results = run.results.filter((r) => r.suite === suite);
    const count = (verdict: string) => results.filter((r) => r.verdict === verdict).length;
    const seconds = results.reduce((sum, r) => sum + r.durationMs, 0) / 1000;
    return [
      `  <testsuite name="${xmlEscape(suite)}" tests="${results.length}" failures="${count('fail')}" errors="${count('unknown')}" skipped="${count('not-applicable')}" time="${seconds.toFixed(3)}" timestamp="${run.startedAt.replace(/\.\d+Z$/, '')}">`,
      `    <properties><property name="target" value="${xmlEscape(run.target)}"/><property name="seed" value="${run.seed}"/></properties>`,
      ...results.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  const total = (verdict: string) => run.results.filter((r) => r.verdict === verdict).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kspec conform" tests="${run.results.length}" failures="${total('fail')}" errors="${total('unknown')}" skipped="${total('not-applicable')}" time="${(run.durationMs / 1000).toFixed(3)}">\n${body.join('\n')}\n</testsuites>\n`;
}
