/**
 * `kspec sweep`: many seeds, a progress line with an ETA, and a summary (seeds, steps, virtual
 * time, violations by clause, wall time, the anomalies Kafka allows). Exit 1 on any violation, on
 * any seed whose simulation threw, and with --fail-on-allowed on any anomaly Kafka allows. A seed
 * counts under every clause it violates.
 * The first violating seeds get their traces written and the command that reproduces each.
 *
 * Larger than one machine: `--shard I/N --json OUT` runs every N-th seed from the I-th and writes
 * every seed's outcome; `--merge OUT...` folds the shares' outcomes exactly as one run folds its
 * own, so the merged summary has the same counts as one big run (docs/sweeps.md).
 * Ctrl-C stops the sweep and prints the summary of the seeds that finished (exit 130).
 */
import { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { SEED_MAX, UsageError, type Shard } from '../args.js';
import { checkWritable, writeOutput } from '../files.js';
import { humanOutputTo, say } from '../output.js';
import { reproduceSeed, seedTracePath, type RunRequest } from '../reproduce.js';
import { resolveRun, type RunOptions } from './model.js';
import { modelOfSeed, runOneSeed, type SeedOutcome, type SweepJob } from '../../sim/sweep-worker.js';
import { ClusterSimulation } from '../../sim/cluster/simulation.js';
import { chosenClusterOptions, chosenQuorumOptions } from '../../sim/cluster/choices.js';
import { Simulation } from '../../sim/simulator.js';

const TRACES_WRITTEN_MAX = 3;
export const EXIT_INTERRUPTED = 130;

export interface SweepSummary {
  seeds: number;
  steps: number;
  transitions: number;
  virtualTimeMs: number;
  wallMs: number;
  /** Each clause with every seed that violated it (a seed may appear under several clauses). */
  violationsByClause: Map<string, number[]>;
  /** Seeds that violated at least one clause. */
  violatingSeeds: number[];
  /** Seeds whose simulation threw, with the error. */
  errors: { seed: number; model: string; error: string }[];
  /** Seeds with anomalies Kafka allows, each with the clause and reason. */
  allowed: { seed: number; anomalies: { clauseId: string; reason: string }[] }[];
  /** Seeds run by model. */
  models: { replication: number; quorum: number };
  /** Seeds with lost writes that unclean leader election explains, and how many writes. */
  allowedLostWrites: { seeds: number[]; writes: number };
  /** PROD-IDEM-1/2 findings summed over seeds, and the seeds with a violation of either. */
  producer: { duplicates: number; reorders: number; allowedDuplicates: number; allowedReorders: number; seeds: number[]; allowedSeeds: number[]; allowedGaps: number; allowedGapSeeds: number[] };
  /** Seeds with a consumer group, by group.protocol, and what their consumers did. */
  groups: { classic: number; consumer: number; records: number; rebalanceCallbacks: number; crashes: number };
}

/** The seeds of a sweep, or of one share of it: every N-th seed from the I-th, so shares cost alike. */
export function sweepSeeds(from: number, count: number, shard: Shard | null): number[] {
  const seeds: number[] = [];
  const step = shard?.count ?? 1;
  for (let i = (shard?.index ?? 1) - 1; i < count; i += step) seeds.push(from + i);
  return seeds;
}

export interface SweepRun {
  /** In seed order, whatever the workers' scheduling. */
  readonly outcomes: SeedOutcome[];
  readonly wallMs: number;
  readonly interrupted: boolean;
}

/**
 * Run `seeds` over `workers` worker threads (1 = in this thread). `stop` ends the sweep early with
 * the outcomes of the seeds that finished.
 */
export async function runSeeds(seeds: readonly number[], job: SweepJob, workers: number, onSeed?: (done: number, failed: number) => void, stop?: AbortSignal): Promise<SweepRun> {
  const started = performance.now();
  const outcomes: SeedOutcome[] = [];
  let failed = 0;
  const record = (outcome: SeedOutcome): void => {
    outcomes.push(outcome);
    if (outcome.violations.length > 0 || outcome.error !== null) failed++;
    onSeed?.(outcomes.length, failed);
  };
  if (workers <= 1) {
    for (const seed of seeds) {
      if (stop?.aborted === true) break;
      record(runOneSeed(seed, job));
      // Let a Ctrl-C be heard between seeds.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } else {
    await Promise.all(Array.from({ length: workers }, (_, w) => seeds.filter((_, i) => i % workers === w)).map((share) => runWorker(share, job, record, stop)));
  }
  outcomes.sort((a, b) => a.seed - b.seed);
  return { outcomes, wallMs: performance.now() - started, interrupted: stop?.aborted === true };
}

/** Set by the JavaScript build (scripts/build-cli.mjs): the built worker's path beside the bundle. */
declare const KSPEC_SWEEP_WORKER: string | undefined;

/** The worker's entry: the built one when running from the build, else the TypeScript one through tsx. */
function sweepWorkerUrl(): URL {
  if (typeof KSPEC_SWEEP_WORKER === 'string') return new URL(KSPEC_SWEEP_WORKER, import.meta.url);
  return new URL('../../sim/sweep-worker-entry.mjs', import.meta.url);
}

function runWorker(seeds: readonly number[], job: SweepJob, record: (outcome: SeedOutcome) => void, stop?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (seeds.length === 0) return resolve();
    const worker = new Worker(sweepWorkerUrl(), { workerData: { seeds, job } });
    const onStop = (): void => void worker.terminate();
    stop?.addEventListener('abort', onStop, { once: true });
    worker.on('message', (outcome: SeedOutcome) => record(outcome));
    worker.on('error', reject);
    worker.on('exit', (code) => {
      stop?.removeEventListener('abort', onStop);
      if (code === 0 || stop?.aborted === true) resolve();
      else reject(new Error(`sweep worker exited with code ${code}`));
    });
  });
}

/** Folds outcomes, in seed order, into the summary: one run and merged shares go through this alone. */
export function summarize(outcomes: readonly SeedOutcome[], wallMs: number): SweepSummary {
  const summary: SweepSummary = { seeds: outcomes.length, steps: 0, transitions: 0, virtualTimeMs: 0, wallMs, violationsByClause: new Map(), violatingSeeds: [], errors: [], allowed: [], models: { replication: 0, quorum: 0 }, allowedLostWrites: { seeds: [], writes: 0 },
    producer: { duplicates: 0, reorders: 0, allowedDuplicates: 0, allowedReorders: 0, seeds: [], allowedSeeds: [], allowedGaps: 0, allowedGapSeeds: [] },
    groups: { classic: 0, consumer: 0, records: 0, rebalanceCallbacks: 0, crashes: 0 },
  };
  for (const outcome of [...outcomes].sort((a, b) => a.seed - b.seed)) {
    const g = outcome.group;
    if (g !== undefined && g !== null) {
      if (g.protocol === 'classic') summary.groups.classic++;
      else summary.groups.consumer++;
      summary.groups.records += g.records;
      summary.groups.rebalanceCallbacks += g.rebalanceCallbacks;
      summary.groups.crashes += g.crashes;
    }
    const f = outcome.producerFindings;
    summary.producer.duplicates += f.duplicates;
    summary.producer.reorders += f.reorders;
    summary.producer.allowedDuplicates += f.allowedDuplicates;
    summary.producer.allowedReorders += f.allowedReorders;
    if (f.duplicates + f.reorders > 0) summary.producer.seeds.push(outcome.seed);
    if (f.allowedDuplicates + f.allowedReorders > 0) summary.producer.allowedSeeds.push(outcome.seed);
    summary.producer.allowedGaps += f.allowedSequenceGaps;
    if (f.allowedSequenceGaps > 0) summary.producer.allowedGapSeeds.push(outcome.seed);
    if (outcome.allowedLostWrites > 0) {
      summary.allowedLostWrites.seeds.push(outcome.seed);
      summary.allowedLostWrites.writes += outcome.allowedLostWrites;
    }
    summary.steps += outcome.steps;
    summary.transitions += outcome.transitions;
    summary.virtualTimeMs += outcome.virtualTimeMs;
    summary.models[outcome.model]++;
    for (const v of outcome.violations) summary.violationsByClause.set(v.clauseId, [...(summary.violationsByClause.get(v.clauseId) ?? []), outcome.seed]);
    if (outcome.violations.length > 0) summary.violatingSeeds.push(outcome.seed);
    if (outcome.error !== null) summary.errors.push({ seed: outcome.seed, model: outcome.model, error: outcome.error });
    if (outcome.allowed.length > 0) summary.allowed.push({ seed: outcome.seed, anomalies: [...outcome.allowed] });
  }
  return summary;
}

/** Kept for callers of the one-call form: seeds from..from+count-1, summarized. */
export async function sweep(from: number, count: number, job: SweepJob, workers: number, onSeed?: (done: number, failed: number) => void): Promise<SweepSummary> {
  const run = await runSeeds(sweepSeeds(from, count, null), job, workers, onSeed);
  return summarize(run.outcomes, run.wallMs);
}

export interface SweepOptions extends RunOptions {
  readonly seeds: number;
  readonly from: number;
  readonly workers?: number;
  readonly shard?: Shard;
  readonly json?: string;
  readonly merge?: string[];
  readonly failOnAllowed?: boolean;
}

/** A replication sweep of the reference runs every this-many-th seed on the quorum model (issue 18: the quorum must be swept too). */
export const QUORUM_SEED_EVERY = 5;
const ALLOWED_LISTED_MAX = 10;

/** kspec.sweep/1: a sweep or one share of it, with every seed's outcome, so shares merge exactly. */
export interface SweepReport {
  readonly schema: 'kspec.sweep/1';
  readonly job: SweepJob;
  readonly from: number;
  readonly count: number;
  readonly shard: Shard | null;
  readonly interrupted: boolean;
  readonly wallMs: number;
  readonly summary: ReturnType<typeof summaryJson>;
  readonly outcomes: readonly SeedOutcome[];
  readonly exitCode: number;
}

export async function sweepCommand(options: SweepOptions, _positionals: string[] = [], command?: Command): Promise<number> {
  if (options.merge !== undefined) {
    // A merge runs nothing: a run option given with it would be silently ignored.
    const given = (command?.options ?? []).filter((o) => !['--merge', '--json', '--fail-on-allowed'].includes(o.long ?? '') && command?.getOptionValueSource(o.attributeName()) === 'cli').map((o) => o.long);
    if (given.length > 0) throw new UsageError(`--merge takes the sweep's options from its shares; drop ${given.join(', ')}`);
    return mergeCommand(options);
  }
  const run = resolveRun(options);
  const last = options.from + options.seeds - 1;
  if (last > SEED_MAX) throw new UsageError(`--from ${options.from} --seeds ${options.seeds} runs past the last seed ${SEED_MAX}`);
  if (options.json !== undefined && options.json !== '-') checkWritable(options.json, 'JSON file');
  if (options.json === '-') humanOutputTo('stderr');
  const workers = options.workers ?? Math.min(availableParallelism(), 4);
  // The reference's replication sweep mixes in quorum seeds; a variant, or a sweep that names its model or cluster, runs its own model only.
  const quorumEvery = run.model === 'replication' && run.variant === 'kraft' && options.model === undefined && Object.keys(run.choices).length === 0 ? QUORUM_SEED_EVERY : 0;
  const job: SweepJob = { variant: run.variant, maxSteps: run.maxSteps, model: run.model, unclean: run.unclean, noIdempotence: run.noIdempotence, choices: run.choices, quorumEvery, ...(run.voters === undefined ? {} : { voters: run.voters }) };
  const seeds = sweepSeeds(options.from, options.seeds, options.shard ?? null);
  const shardText = options.shard === undefined ? '' : ` share ${options.shard.index}/${options.shard.count} (${seeds.length} seeds)`;
  say(`sweep: ${run.model} seeds ${options.from}..${last}${shardText} variant=${run.variant}${run.unclean ? ' unclean.leader.election.enable=true' : ''}${run.noIdempotence ? ' producer: enable.idempotence=false' : ''} workers=${workers}`);

  const stop = new AbortController();
  const onInterrupt = (): void => {
    // A second Ctrl-C means now.
    if (stop.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write('\ninterrupted: stopping the sweep; the summary of the seeds that finished follows (Ctrl-C again to quit now)\n');
    stop.abort();
  };
  process.on('SIGINT', onInterrupt);
  let result: SweepRun;
  try {
    result = await runSeeds(seeds, job, workers, progressLine(seeds.length), stop.signal);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  process.stderr.write('\n');
  const summary = summarize(result.outcomes, result.wallMs);
  if (result.interrupted) say(`interrupted after ${result.outcomes.length} of ${seeds.length} seeds: a partial summary`);
  printSummary(summary, run, job);
  if (!result.interrupted) writeViolatingTraces(summary, run, job);
  const exitCode = result.interrupted ? EXIT_INTERRUPTED : sweepHolds(summary, options.failOnAllowed === true) ? 0 : 1;
  if (options.json !== undefined) {
    const report: SweepReport = { schema: 'kspec.sweep/1', job, from: options.from, count: options.seeds, shard: options.shard ?? null, interrupted: result.interrupted, wallMs: Math.round(result.wallMs), summary: summaryJson(summary, run, job), outcomes: result.outcomes, exitCode };
    writeReport(options.json, report);
  }
  return exitCode;
}

function writeReport(path: string, report: SweepReport): void {
  const text = JSON.stringify(report) + '\n';
  if (path === '-') process.stdout.write(text);
  else writeOutput(path, text, 'JSON file');
}

const countViolating = (summary: SweepSummary): number => summary.violatingSeeds.length;
const countAllowed = (summary: SweepSummary): number => summary.allowed.reduce((n, s) => n + s.anomalies.length, 0);
/** Every seed held every clause and ran to its end; with --fail-on-allowed, no anomaly was allowed either. */
const sweepHolds = (summary: SweepSummary, failOnAllowed: boolean): boolean => countViolating(summary) === 0 && summary.errors.length === 0 && (!failOnAllowed || countAllowed(summary) === 0);

/** A seed's own reproduce command: a reference replication sweep runs some seeds on the quorum model. */
const reproduceOne = (run: RunRequest, job: SweepJob, seed: number): string => reproduceSeed({ ...run, model: modelOfSeed(seed, job) }, seed);

function summaryJson(summary: SweepSummary, run: RunRequest, job: SweepJob) {
  return {
    seeds: summary.seeds, steps: summary.steps, transitions: summary.transitions, virtualTimeMs: summary.virtualTimeMs,
    violations: countViolating(summary),
    errors: summary.errors, allowed: summary.allowed, models: summary.models,
    violationsByClause: Object.fromEntries([...summary.violationsByClause].sort(([a], [b]) => a.localeCompare(b))),
    reproduce: Object.fromEntries([...summary.violationsByClause].map(([clause, seeds]) => [clause, reproduceOne(run, job, seeds[0] as number)])),
    allowedLostWrites: summary.allowedLostWrites, producer: summary.producer, groups: summary.groups,
  };
}

function printSummary(summary: SweepSummary, run: RunRequest, job: SweepJob): void {
  const perSecond = (n: number): string => (summary.wallMs > 0 ? (n / (summary.wallMs / 1000)).toFixed(0) : '?');
  say(`seeds: ${summary.seeds}${summary.models.quorum > 0 && summary.models.replication > 0 ? ` (${summary.models.replication} replication, ${summary.models.quorum} quorum)` : ''}`);
  say(`steps: ${summary.steps} (${perSecond(summary.steps)} steps/s, ${perSecond(summary.transitions)} transitions/s)`);
  say(`virtual time: ${(summary.virtualTimeMs / 1000).toFixed(1)}s`);
  say(`wall time: ${(summary.wallMs / 1000).toFixed(1)}s`);
  const clauseViolations = [...summary.violationsByClause.values()].reduce((n, seeds) => n + seeds.length, 0);
  say(`violations: ${countViolating(summary)} seed(s)${clauseViolations > 0 ? `, ${clauseViolations} clause violation(s)` : ''}`);
  if (summary.errors.length > 0) {
    say(`errors: ${summary.errors.length} seed(s) whose simulation threw`);
    for (const e of summary.errors.slice(0, 5)) say(`  seed ${e.seed} (${e.model}): ${e.error}`);
  }
  say(`allowed anomalies: ${countAllowed(summary)} in ${summary.allowed.length} seed(s)`);
  for (const { seed, anomalies } of summary.allowed.slice(0, ALLOWED_LISTED_MAX)) {
    for (const a of anomalies.slice(0, 3)) say(`  seed ${seed} ${a.clauseId}: ${a.reason}`);
    if (anomalies.length > 3) say(`  seed ${seed}: and ${anomalies.length - 3} more`);
  }
  const first = (seeds: readonly number[]): string => (seeds.length > 0 ? `, first ${seeds.slice(0, 5).join(', ')}` : '');
  if (run.model === 'replication') {
    if (run.unclean) {
      const lost = summary.allowedLostWrites;
      say(`lost-write anomalies allowed by unclean leader election: ${lost.writes} write(s) in ${lost.seeds.length} seed(s)${first(lost.seeds)}`);
    }
    const p = summary.producer;
    say(`producer (PROD-IDEM-1/2): ${p.duplicates} duplicate(s), ${p.reorders} reordered record(s) in ${p.seeds.length} seed(s)${first(p.seeds)}; allowed by Kafka's KIP-360 windows: ${p.allowedDuplicates} duplicate(s), ${p.allowedReorders} reordered in ${p.allowedSeeds.length} seed(s)${first(p.allowedSeeds)}`);
    if (p.allowedGaps > 0) say(`producer (PROD-SEQ-1): sequence gaps allowed where a power loss left the leader with an empty log (no producer state): ${p.allowedGaps} in ${p.allowedGapSeeds.length} seed(s)${first(p.allowedGapSeeds)}`);
    const g = summary.groups;
    say(`consumer groups: ${g.classic + g.consumer} seed(s) (${g.classic} classic, ${g.consumer} KIP-848); ${g.records} records handed to consumers, ${g.rebalanceCallbacks} rebalance callbacks, ${g.crashes} consumer crash(es)`);
  }
  for (const [clause, seeds] of [...summary.violationsByClause].sort()) {
    say(`  ${clause}: ${seeds.length} seed(s)${first(seeds)}; reproduce with: ${reproduceOne(run, job, seeds[0] as number)}`);
  }
}

/** The first violating seeds run again with their trace on (runs are deterministic). */
function writeViolatingTraces(summary: SweepSummary, run: RunRequest, job: SweepJob): void {
  const seeds = summary.violatingSeeds.slice(0, TRACES_WRITTEN_MAX);
  for (const seed of seeds) {
    const model = modelOfSeed(seed, job);
    const path = seedTracePath(model, seed, run.variant);
    const rerun = model === 'replication'
      ? new ClusterSimulation({ options: chosenClusterOptions(seed, run), recordTrace: true }).run()
      : new Simulation({ options: chosenQuorumOptions(seed, run), recordTrace: true }).run();
    if (rerun.trace === null) continue;
    writeOutput(path, rerun.trace.map((line) => JSON.stringify(line)).join('\n') + '\n', 'trace');
    say(`    seed ${seed}: ${rerun.violations[0]?.message ?? '?'}; trace ${path}`);
  }
}

/** A progress line on stderr: done, failing, elapsed and the time left at the pace so far. */
function progressLine(total: number): (done: number, failed: number) => void {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  let lastTenth = -1;
  return (done, failed) => {
    const elapsedMs = performance.now() - started;
    const eta = done === 0 ? '?' : formatDuration((elapsedMs / done) * (total - done));
    const text = `${done}/${total} seeds, ${failed} failing, ${formatDuration(elapsedMs)} elapsed, ETA ${eta}`;
    if (tty) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}   `);
    } else {
      const tenth = Math.floor((done / total) * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${text}\n`);
      }
    }
  };
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** `--merge A.json B.json ...`: the shares of one sweep, complete and alike, folded into one summary. */
function mergeCommand(options: SweepOptions): number {
  const files = options.merge ?? [];
  if (options.json !== undefined && options.json !== '-') checkWritable(options.json, 'JSON file');
  if (options.json === '-') humanOutputTo('stderr');
  const reports = files.map(readReport);
  const first = reports[0] as SweepReport;
  for (const [i, r] of reports.entries()) {
    const same = isDeepStrictEqual(r.job, first.job) && r.from === first.from && r.count === first.count && r.shard?.count === first.shard?.count;
    if (!same) throw new UsageError(`${files[i]} is a share of another sweep than ${files[0]} (its job, seed range or share count differ)`);
    if (r.interrupted) throw new UsageError(`${files[i]}: share ${r.shard?.index}/${r.shard?.count} was interrupted after ${r.outcomes.length} seeds: run that share again`);
  }
  const shardCount = first.shard?.count ?? 1;
  const indices = reports.map((r) => r.shard?.index ?? 1);
  const duplicate = indices.find((index, i) => indices.indexOf(index) !== i);
  if (duplicate !== undefined) throw new UsageError(`share ${duplicate}/${shardCount} is given twice`);
  const missing = Array.from({ length: shardCount }, (_, i) => i + 1).filter((i) => !indices.includes(i));
  if (missing.length > 0) throw new UsageError(`missing share(s) ${missing.map((i) => `${i}/${shardCount}`).join(', ')} of ${shardCount}`);
  const run: RunRequest = { model: first.job.model, variant: first.job.variant, maxSteps: first.job.maxSteps, unclean: first.job.unclean, noIdempotence: first.job.noIdempotence === true, choices: first.job.choices ?? {}, ...(first.job.voters === undefined ? {} : { voters: first.job.voters }) };
  const outcomes = reports.flatMap((r) => r.outcomes);
  // Wall time of a merged sweep: the shares' sum, the machine time the sweep cost.
  const wallMs = reports.reduce((sum, r) => sum + r.wallMs, 0);
  const summary = summarize(outcomes, wallMs);
  say(`sweep: merged ${reports.length} share(s) of ${run.model} seeds ${first.from}..${first.from + first.count - 1} variant=${run.variant}`);
  printSummary(summary, run, first.job);
  const exitCode = sweepHolds(summary, options.failOnAllowed === true) ? 0 : 1;
  if (options.json !== undefined) {
    writeReport(options.json, { schema: 'kspec.sweep/1', job: first.job, from: first.from, count: first.count, shard: null, interrupted: false, wallMs, summary: summaryJson(summary, run, first.job), outcomes: [...outcomes].sort((a, b) => a.seed - b.seed), exitCode });
  }
  return exitCode;
}

function readReport(path: string): SweepReport {
  let report: unknown;
  try {
    report = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read sweep share ${path}: ${(error as Error).message}`);
  }
  const r = report as Partial<SweepReport> | null;
  if (r === null || typeof r !== 'object' || r.schema !== 'kspec.sweep/1' || !Array.isArray(r.outcomes) || typeof r.job !== 'object' || typeof r.from !== 'number' || typeof r.count !== 'number') {
    throw new UsageError(`${path} is not a kspec sweep --json file (schema kspec.sweep/1)`);
  }
  return r as SweepReport;
}
