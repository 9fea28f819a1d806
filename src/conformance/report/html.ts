/**
 * One self-contained HTML page (inline CSS, no scripts, nothing fetched): the counts, each check
 * with its verdict, clauses and anomalies, the part of the history that shows each anomaly, the
 * target's ApiVersions, and the seed and command to reproduce the run.
 */
import type { Op } from '../../../spec/conformance/history.js';
import type { CheckResult, SuiteRun } from '../run.js';
import { countVerdicts, toReport } from './json.js';

const escape = (text: string) => text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #1b1f24; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
code, pre, td.op { font-family: ui-monospace, monospace; font-size: 12px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #d8dee4; vertical-align: top; }
.verdict { font-weight: 600; padding: .1rem .45rem; border-radius: .3rem; color: #fff; white-space: nowrap; }
.pass { background: #1a7f37; } .fail { background: #cf222e; } .unknown { background: #9a6700; } .not-applicable { background: #6e7781; }
details { margin: .4rem 0 1rem 0; } summary { cursor: pointer; }
.anomaly { margin: .3rem 0; } .mark td { background: #fff8c5; }
.counts span { margin-right: 1rem; }
`;

/** The operations that show the anomalies, with two on each side; the first 12 when there is none. */
function excerpt(result: CheckResult): { ops: Op[]; marked: Set<number> } {
  const marked = new Set(result.anomalies.flatMap((a) => a.ops));
  if (marked.size === 0) return { ops: result.history.slice(0, 12), marked };
  const keep = new Set<number>();
  for (const index of marked) for (let i = index - 2; i <= index + 2; i++) keep.add(i);
  return { ops: result.history.filter((op) => keep.has(op.index)), marked };
}

function historyTable(result: CheckResult): string {
  if (result.history.length === 0) return '';
  const { ops, marked } = excerpt(result);
  const rows = ops.map((op) => `<tr${marked.has(op.index) ? ' class="mark"' : ''}><td class="op">${op.index}</td><td class="op">${op.process}</td><td class="op">${op.type}</td><td class="op">${escape(op.f)}</td><td class="op">${escape(JSON.stringify(op.value)).slice(0, 600)}</td><td class="op">${escape(op.error ?? (op.expect === undefined ? '' : `expect ${op.expect.join(' | ')}`))}</td></tr>`);
  return `<details${result.verdict === 'fail' ? ' open' : ''}><summary>history (${ops.length} of ${result.history.length} operations)</summary><table><thead><tr><th>#</th><th>process</th><th>type</th><th>f</th><th>value</th><th>error / expected</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

function checkSection(result: CheckResult): string {
  const anomalies = result.anomalies.map((a) => `<div class="anomaly"><code>${escape(a.name)}</code> (${escape(a.clauseId)}): ${escape(a.detail)}</div>`).join('');
  const reason = result.reason === '' ? '' : `<div>${escape(result.reason.slice(0, 1000))}</div>`;
  return `<section id="${escape(result.id)}"><h2><span class="verdict ${result.verdict}">${result.verdict}</span> ${escape(result.id)}</h2>
<p>${escape(result.title)}</p>
<p>clauses ${result.clauses.map((c) => `<code>${escape(c)}</code>`).join(', ')} · needs ${escape(result.needs.join(', '))} · ${result.durationMs} ms</p>
${anomalies}${reason}${historyTable(result)}</section>`;
}

export function htmlReport(run: SuiteRun): string {
  const counts = countVerdicts(run);
  const report = toReport(run);
  const summary = run.results.map((r) => `<tr><td><span class="verdict ${r.verdict}">${r.verdict}</span></td><td><a href="#${escape(r.id)}">${escape(r.id)}</a></td><td>${escape(r.anomalies.map((a) => a.name).join(', '))}</td></tr>`).join('');
  const versions = report.apiVersions.map((v) => `<tr><td>${v.apiKey}</td><td>${escape(v.name)}</td><td>${v.minVersion}</td><td>${v.maxVersion}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kspec conform: ${escape(run.target)}</title><style>${STYLE}</style></head>
<body>
<h1>kspec conform: <code>${escape(run.target)}</code></h1>
<p class="counts"><span class="verdict pass">${counts.pass} pass</span><span class="verdict fail">${counts.fail} fail</span><span class="verdict unknown">${counts.unknown} unknown</span><span class="verdict not-applicable">${counts['not-applicable']} not applicable</span></p>
<p>seed <code>${run.seed}</code> · run <code>${escape(run.runId)}</code> · started ${escape(run.startedAt)} · ${(run.durationMs / 1000).toFixed(1)} s · reproduce: <code>kspec conform --target ${escape(run.target)} --seed ${run.seed}</code></p>
<table><thead><tr><th>verdict</th><th>check</th><th>anomalies</th></tr></thead><tbody>${summary}</tbody></table>
${run.results.map(checkSection).join('\n')}
<h2>Target ApiVersions (answered at v${run.apiVersionsVersion})</h2>
<table><thead><tr><th>key</th><th>API</th><th>min</th><th>max</th></tr></thead><tbody>${versions}</tbody></table>
</body></html>
`;
}
