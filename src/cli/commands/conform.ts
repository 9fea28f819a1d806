/**
 * `kspec conform`: the conformance suite against a Kafka-compatible target.
 *
 *   kspec conform --target kafka://host:port[,host:port...]|mock|sim|trace:FILE [--suite NAME...] [--report console,json,junit,html]
 *                 [--out DIR] [--seed S] [--list] [--faults none|proxy|process] [--kill-cmd T --restart-cmd T]
 *
 * Exit codes: 0 every applicable check passes; 1 a check failed or could not be judged (unknown);
 * 2 bad usage or an unreachable target (one line on stderr).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { UsageError, parseSeed } from '../args.js';
import { ConnectError } from '../../client/index.js';
import { type Check, SUITES, type SuiteName, needText } from '../../conformance/check.js';
import { allChecks } from '../../conformance/checks/index.js';
import { type CheckResult, type SuiteRun, runSuite } from '../../conformance/run.js';
import { TargetError, parseTarget } from '../../conformance/target.js';
import { type FaultProxies, proxyTarget } from '../../conformance/faults/proxy.js';
import { ProcessFaults, TemplateError } from '../../conformance/faults/process.js';
import { type ClauseOutcome, TraceTargetError, clauseSuiteRun, replayTarget, simulateReference } from '../../conformance/clause-targets.js';
import { mockUnavailableReason, startMock } from '../../conformance/mockcluster.js';
import { checkLine, summaryLine } from '../../conformance/report/console.js';
import { jsonReport } from '../../conformance/report/json.js';
import { junitReport } from '../../conformance/report/junit.js';
import { htmlReport } from '../../conformance/report/html.js';
import { conformClients } from './conform-clients.js';

const REPORTS = ['console', 'json', 'junit', 'html'] as const;
type ReportKind = (typeof REPORTS)[number];

export interface ConformOptions {
  readonly target?: string;
  readonly suite?: SuiteName[];
  readonly report: ReportKind[];
  readonly out: string;
  readonly seed: number;
  readonly list: boolean;
  readonly runId?: string;
  readonly client?: string[];
  readonly clientFaults?: boolean;
  readonly faults: 'none' | 'proxy' | 'process';
  readonly killCmd?: string;
  readonly restartCmd?: string;
}

function parseReports(value: string): ReportKind[] {
  const kinds = value.split(',').map((k) => k.trim());
  for (const kind of kinds) if (!(REPORTS as readonly string[]).includes(kind)) throw new InvalidArgumentError(`must be a comma-separated list of ${REPORTS.join(', ')}`);
  return kinds as ReportKind[];
}

function listChecks(checks: readonly Check[]): string {
  return checks.map((c) => `${c.id.padEnd(40)} ${c.clauses.join(', ')}\n    ${c.title}\n    needs ${c.needs.map(needText).join(', ')}${c.minBrokers === undefined ? '' : `; ${c.minBrokers} brokers`}`).join('\n');
}

export function writeReports(run: SuiteRun, kinds: readonly ReportKind[], outDir: string): string[] {
  const files: [ReportKind, string, () => string][] = [['json', 'conform.json', () => jsonReport(run)], ['junit', 'conform-junit.xml', () => junitReport(run)], ['html', 'conform.html', () => htmlReport(run)]];
  const written: string[] = [];
  for (const [kind, name, render] of files) {
    if (!kinds.includes(kind)) continue;
    mkdirSync(outDir, { recursive: true });
    const path = join(outDir, name);
    writeFileSync(path, render());
    written.push(path);
  }
  return written;
}

export async function conformCommand(options: ConformOptions): Promise<number> {
  const suites = options.suite ?? [...SUITES];
  const checks = allChecks.filter((c) => suites.includes(c.suite));
  if (options.list) {
    console.log(listChecks(checks));
    return 0;
  }
  if (options.client !== undefined) return conformClients({ ...options, client: options.client }, writeReports);
  if (options.target === undefined) throw new UsageError('--target is required (kafka://host:port[,host:port...], mock, sim or trace:FILE), or --list');
  if (options.faults === 'proxy' && (options.target === 'sim' || options.target.startsWith('trace:'))) throw new UsageError(`--faults proxy needs a kafka:// or mock target (the simulator draws its own faults from --seed)`);
  const processFaults = processFaultsOf(options);
  if (options.target === 'mock') return againstMock(options);
  if (options.target === 'sim' || options.target.startsWith('trace:')) return againstModel(options, checks);
  let endpoints;
  try {
    endpoints = parseTarget(options.target);
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(error.message);
    throw error;
  }
  const runId = options.runId ?? Date.now().toString(36).slice(-6);
  let run: SuiteRun;
  let proxies: FaultProxies | undefined;
  try {
    if (options.faults === 'proxy') ({ proxies, endpoints } = await proxyTarget(endpoints, options.seed));
    run = await runSuite({
      target: options.target, endpoints, seed: options.seed, runId, checks,
      ...(processFaults === undefined ? {} : { processFaults }),
      ...(proxies === undefined ? {} : { checkTimeoutMs: 60_000 }),
      ...(options.report.includes('console') ? { onResult: (result: CheckResult) => console.log(checkLine(result)) } : {}),
    });
  } catch (error) {
    if (error instanceof ConnectError) throw new UsageError(`target unreachable: ${error.message}`);
    throw error;
  } finally {
    await proxies?.close();
  }
  if (processFaults?.failure !== undefined) throw new UsageError(`--faults process: ${processFaults.failure.message}`);
  if (proxies !== undefined && options.report.includes('console')) {
    const c = proxies.counts;
    console.log(`fault proxy: ${c.responses} responses, ${c.dropped} dropped, ${c.duplicated} duplicated, ${c.delayed} delayed, ${c.cut} connections cut`);
  }
  return report(run, options);
}

/** `--faults process`: the kill and restart templates, checked before anything runs; undefined without it. */
function processFaultsOf(options: ConformOptions): ProcessFaults | undefined {
  if (options.faults !== 'process') {
    if (options.killCmd !== undefined || options.restartCmd !== undefined) throw new UsageError('--kill-cmd and --restart-cmd go with --faults process');
    return undefined;
  }
  if (!options.target!.startsWith('kafka://')) throw new UsageError('--faults process needs a kafka:// target (kspec runs the target\'s own commands to kill and restart its brokers)');
  try {
    return new ProcessFaults(options.killCmd, options.restartCmd);
  } catch (error) {
    if (error instanceof TemplateError) throw new UsageError(error.message);
    throw error;
  }
}

/** `--target sim` and `--target trace:FILE`: the checks judged by the clauses a model run judges (src/conformance/clause-targets.ts). */
function againstModel(options: ConformOptions, checks: readonly Check[]): number {
  const target = options.target!;
  const started = Date.now();
  let outcome: ClauseOutcome;
  if (target === 'sim') outcome = simulateReference(options.seed);
  else {
    const path = target.slice('trace:'.length);
    if (path === '') throw new UsageError('--target trace:FILE needs a file');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read trace ${path}: ${(error as Error).message}`);
    }
    try {
      outcome = replayTarget(text, path);
    } catch (error) {
      if (error instanceof TraceTargetError) throw new UsageError(error.message);
      throw error;
    }
  }
  const run = clauseSuiteRun(target, options.seed, checks, outcome, started);
  return report(run, options, outcome.note);
}

function report(run: SuiteRun, options: ConformOptions, note?: string): number {
  if (options.report.includes('console')) {
    if (note !== undefined) console.log(note);
    if (note !== undefined) for (const result of run.results) console.log(checkLine(result));
    console.log(`\n${summaryLine(run)}`);
  }
  for (const path of writeReports(run, options.report, options.out)) console.log(`wrote ${path}`);
  return run.results.every((r) => r.verdict === 'pass' || r.verdict === 'not-applicable') ? 0 : 1;
}

/** `--target mock`: librdkafka's mock cluster, built and started for the run, stopped after it. */
async function againstMock(options: ConformOptions): Promise<number> {
  const reason = mockUnavailableReason();
  if (reason !== null) throw new UsageError(`--target mock: ${reason}`);
  const mock = await startMock({ brokers: 3 });
  try {
    return await conformCommand({ ...options, target: mock.target });
  } finally {
    await mock.stop();
  }
}

/** Registers the command (one line in main.ts). */
export function addConformCommand(root: Command, setExitCode: (code: number) => void): void {
  root.command('conform')
    .description('the conformance suite against a Kafka-compatible broker: per check pass / fail / unknown / not applicable, with the anomaly and the history')
    .option('--target <url>', 'kafka://host:port[,host:port...]; mock (librdkafka\'s mock cluster, built from tools/mockcluster and started for the run); sim (the reference cluster in the simulator, from --seed, faults on); trace:FILE (recorded events in kspec\'s trace format, replayed through the machines)')
    .addOption(new Option('--suite <names...>', 'suites to run (default all)').choices([...SUITES]))
    .option('--report <kinds>', `reports: a comma-separated list of ${REPORTS.join(', ')}`, parseReports, ['console'] as ReportKind[])
    .option('--out <dir>', 'where json, junit and html reports go', 'conform-report')
    .option('--seed <n>', 'the seed: workload values and sizes derive from it', parseSeed, 1)
    .option('--run-id <id>', 'suffix of the run\'s topic and group names (default: from the clock, so runs do not collide)')
    .option('--client <names...>', 'judge real clients instead of a broker: kafkajs, librdkafka, kafka-python (each against a kspec cluster started for the run; docs/conformance/clients.md)')
    .option('--no-client-faults', 'with --client: lose no responses on purpose')
    .addOption(new Option('--faults <mode>', 'proxy: reach a kafka:// target through a seeded TCP proxy per broker that drops, delays and duplicates responses and cuts connections; process: kill and restart the target\'s brokers with --kill-cmd and --restart-cmd while an idempotent producer writes').choices(['none', 'proxy', 'process']).default('none'))
    .option('--kill-cmd <template>', 'with --faults process: a shell command that kills a broker abruptly (kill -9); placeholders {node}, {host}, {port} (docs/conformance/README.md)')
    .option('--restart-cmd <template>', 'with --faults process: a shell command that starts the killed broker again on its data and returns; placeholders {node}, {host}, {port}')
    .option('--list', 'list the checks with their clauses, APIs and versions; run nothing', false)
    .action(async (...args: unknown[]) => setExitCode(await conformCommand((args[args.length - 1] as Command).opts() as ConformOptions)));
}

