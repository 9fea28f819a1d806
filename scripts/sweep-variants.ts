/**
 * npm run sweep:variants -- [--seeds N] [--from S] [--workers W] [--variants a,b] [--json FILE]
 * npm run sweep:variants -- --tabulate FILE...   (the table from sweeps already run: `kspec sweep --json` reports, several per variant allowed)
 *
 * Runs `kspec sweep --variant V` for each known-broken replication variant of issue 18 (and the
 * reference on the same seeds), then prints how many seeds catch each variant and with which
 * clauses: the proof that the sweep, judging by the spec alone, catches a broken broker.
 * Sweeps run one after another; each uses --workers threads. Exit 1 when a variant goes uncaught
 * or the reference fails a seed; 2 on bad arguments.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findVariant, variants } from '../src/variants.js';

const ISSUE_18_VARIANTS = ['elect-outside-isr', 'producer-state-one-batch', 'retention-past-high-watermark', 'no-generation-bump', 'stale-generation-commits', 'range-drops-remainder', 'ack-below-min-isr'];

interface Row {
  readonly variant: string;
  readonly breaks: string;
  readonly seeds: number;
  readonly caught: number;
  readonly byExpected: number;
  readonly byClause: Record<string, number>;
  readonly errors: number;
  readonly firstCatching: number[];
  readonly wallMs: number;
}

interface SweepReport {
  readonly job?: { readonly variant: string };
  readonly wallMs: number;
  readonly outcomes: readonly { seed: number; violations: readonly { clauseId: string }[]; error: string | null }[];
}

function fail(message: string): never {
  process.stderr.write(`sweep:variants: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): { seeds: number; from: number; workers: number; names: string[]; json: string | null } {
  const options = { seeds: 100, from: 1, workers: 2, names: ISSUE_18_VARIANTS, json: null as string | null };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) fail(`${flag} needs a value`);
    const count = (): number => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) fail(`${flag} must be a positive integer, not '${value}'`);
      return n;
    };
    if (flag === '--seeds') options.seeds = count();
    else if (flag === '--from') options.from = count();
    else if (flag === '--workers') options.workers = count();
    else if (flag === '--json') options.json = value;
    else if (flag === '--variants') options.names = value.split(',');
    else fail(`unknown option ${flag} (--seeds, --from, --workers, --variants, --json)`);
  }
  for (const name of options.names) {
    if (!variants.some((v) => v.name === name)) fail(`unknown variant '${name}'`);
    if (findVariant(name).model !== 'replication') fail(`'${name}' is a quorum variant; this table is for replication variants`);
  }
  return options;
}

function sweep(variant: string, args: ReturnType<typeof parseArgs>, dir: string): SweepReport {
  const file = join(dir, `${variant}.json`);
  const run = spawnSync('npx', ['tsx', 'src/cli/kspec.ts', 'sweep', '--variant', variant, '--seeds', String(args.seeds), '--from', String(args.from), '--workers', String(args.workers), '--json', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  // 0: every seed passed, 1: some seed violated a clause; anything else is a failed sweep.
  if (run.status !== 0 && run.status !== 1) fail(`the sweep of ${variant} ended with exit code ${run.status}`);
  return JSON.parse(readFileSync(file, 'utf8')) as SweepReport;
}

function row(variant: string, report: SweepReport): Row {
  const breaks = variant === 'kraft' ? '-' : findVariant(variant).breaks ?? '-';
  const byClause: Record<string, number> = {};
  for (const o of report.outcomes) for (const v of o.violations) byClause[v.clauseId] = (byClause[v.clauseId] ?? 0) + 1;
  const catching = report.outcomes.filter((o) => o.violations.length > 0 || o.error !== null);
  return {
    variant, breaks, seeds: report.outcomes.length, caught: catching.length, byExpected: byClause[breaks] ?? 0, byClause,
    errors: report.outcomes.filter((o) => o.error !== null).length, firstCatching: catching.slice(0, 5).map((o) => o.seed), wallMs: report.wallMs,
  };
}

function table(rows: readonly Row[]): string {
  const header = ['variant', 'breaks', 'caught', 'by it', 'clauses (seeds)', 'first seeds', 'wall'];
  const lines = rows.map((r) => [
    r.variant, r.breaks, `${r.caught}/${r.seeds}`, r.variant === 'kraft' ? '-' : String(r.byExpected),
    Object.entries(r.byClause).sort(([, a], [, b]) => b - a).map(([c, n]) => `${c} ${n}`).join(', ') + (r.errors > 0 ? `, errors ${r.errors}` : '') || '-',
    r.firstCatching.join(' ') || '-', `${Math.round(r.wallMs / 1000)}s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(format)].join('\n');
}

/**
 * Reports of sweeps already run (batches of seeds, shares), folded per variant in the table's
 * order: outcomes in seed order, wall times summed. A seed given twice for one variant is refused.
 */
function tabulate(files: readonly string[]): Row[] {
  const byVariant = new Map<string, SweepReport[]>();
  for (const file of files) {
    let report: SweepReport;
    try {
      report = JSON.parse(readFileSync(file, 'utf8')) as SweepReport;
    } catch (e) {
      fail(`${file}: not a sweep report (${(e as Error).message})`);
    }
    const variant = report.job?.variant;
    if (variant === undefined || !Array.isArray(report.outcomes)) fail(`${file}: not a kspec.sweep/1 report`);
    byVariant.set(variant, [...(byVariant.get(variant) ?? []), report]);
  }
  const order = [...ISSUE_18_VARIANTS, 'kraft'];
  return [...byVariant.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b)).map((variant) => {
    const reports = byVariant.get(variant)!;
    const outcomes = reports.flatMap((r) => r.outcomes).sort((a, b) => a.seed - b.seed);
    const twice = outcomes.find((o, i) => i > 0 && outcomes[i - 1]!.seed === o.seed);
    if (twice !== undefined) fail(`${variant}: seed ${twice.seed} is in two reports`);
    return row(variant, { wallMs: reports.reduce((n, r) => n + r.wallMs, 0), outcomes });
  });
}

function report(rows: readonly Row[], json: string | null, range: { from: number; seeds: number } | null): void {
  process.stdout.write(`${table(rows)}\n`);
  if (json !== null) writeFileSync(json, `${JSON.stringify({ schema: 'kspec.sweep-variants/1', ...range, rows }, null, 2)}\n`);
  const uncaught = rows.filter((r) => r.variant !== 'kraft' && r.byExpected === 0).map((r) => r.variant);
  const reference = rows.find((r) => r.variant === 'kraft');
  if (uncaught.length > 0) process.stderr.write(`not caught by the clause they break: ${uncaught.join(', ')}\n`);
  if (reference !== undefined && reference.caught > 0) process.stderr.write(`the reference failed ${reference.caught} seed(s)\n`);
  process.exitCode = uncaught.length > 0 || (reference?.caught ?? 0) > 0 ? 1 : 0;
}

const argv = process.argv.slice(2);
if (argv[0] === '--tabulate') {
  if (argv.length < 2) fail('--tabulate needs the sweep reports (kspec sweep --json FILE)');
  report(tabulate(argv.slice(1)), null, null);
} else {
  const args = parseArgs(argv);
  const dir = mkdtempSync(join(tmpdir(), 'kspec-variants-'));
  try {
    const rows = [...args.names, 'kraft'].map((variant) => {
      process.stderr.write(`sweep:variants: ${variant}, seeds ${args.from}..${args.from + args.seeds - 1}\n`);
      return row(variant, sweep(variant, args, dir));
    });
    report(rows, args.json, { from: args.from, seeds: args.seeds });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
