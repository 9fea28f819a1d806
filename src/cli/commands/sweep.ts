/**
 * `kspec sweep --seeds N [--from S] [--variant NAME] [--model replication|quorum] [--unclean]`:
 * many seeds, a progress bar, and a summary (seeds, steps, virtual time, violations by clause,
 * wall time, and with --unclean the lost writes unclean leader election caused). Exit 1 on any
 * violation, on any seed whose simulation threw, and with --fail-on-allowed on any anomaly Kafka
 * allows. A seed counts under every clause it violates. The first violating seeds get their
 * traces written to traces/.
 */
import { integer, parse } from '../args.js';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { optionsFromSeed } from '../../sim/options.js';
import { modelOfSeed, runOneSeed, type SeedOutcome, type SweepJob } from '../../sim/sweep-worker.js';
import { ClusterSimulation } from '../../sim/cluster/simulation.js';
import { clusterOptionsFromSeed } from '../../sim/cluster/options.js';
import { clusterReproduceCommand } from '../../sim/cluster/run.js';
import { chooseModel } from './model.js';
import { UsageError } from '../args.js';
import { Simulation } from '../../sim/simulator.js';
import { reproduceCommand, writeTrace } from '../../sim/run.js';
import { findVariant } from '../../variants.js';

const USAGE = 'kspec sweep --seeds N [--from S] [--variant NAME] [--model replication|quorum] [--unclean] [--no-idempotence] [--fail-on-allowed] [--max-steps N] [--workers N]';
/** A replication sweep of the reference runs every this-many-th seed on the quorum model (issue 18: the quorum must be swept too). */
export const QUORUM_SEED_EVERY = 5;
const ALLOWED_LISTED_MAX = 10;
const TRACES_WRITTEN_MAX = 3;

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
  producer: { duplicates: number; reorders: number; allowedDuplicates: number; allowedReorders: number; seeds: number[]; allowedSeeds: number[] };
  /** Seeds with a consumer group, by group.protocol, and what their consumers did. */
  groups: { classic: number; consumer: number; records: number; rebalanceCallbacks: number; crashes: number };
}

/**
 * Run seeds from..from+count-1 over `workers` worker threads (1 = in this thread). Outcomes are
 * folded in seed order, so the summary does not depend on scheduling.
 */
export async function sweep(from: number, count: number, job: SweepJob, workers: number, onSeed?: (done: number, failed: number) => void): Promise<SweepSummary> {
  const started = performance.now();
  const outcomes: SeedOutcome[] = [];
  let failed = 0;
  const record = (outcome: SeedOutcome): void => {
    outcomes.push(outcome);
    if (outcome.violations.length > 0 || outcome.error !== null) failed++;
    onSeed?.(outcomes.length, failed);
  };
  const seeds = Array.from({ length: count }, (_, i) => from + i);
  if (workers <= 1) {
    for (const seed of seeds) record(runOneSeed(seed, job));
  } else {
    await Promise.all(
      Array.from({ length: workers }, (_, w) => seeds.filter((_, i) => i % workers === w)).map(
        (share) =>
          new Promise<void>((resolve, reject) => {
            const worker = new Worker(new URL('../../sim/sweep-worker-entry.mjs', import.meta.url), {
              workerData: { seeds: share, job },
            });
            worker.on('message', (outcome: SeedOutcome) => record(outcome));
            worker.on('error', reject);
            worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sweep worker exited with code ${code}`))));
          }),
      ),
    );
  }
  outcomes.sort((a, b) => a.seed - b.seed);
  const summary: SweepSummary = { seeds: outcomes.length, steps: 0, transitions: 0, virtualTimeMs: 0, wallMs: performance.now() - started, violationsByClause: new Map(), violatingSeeds: [], errors: [], allowed: [], models: { replication: 0, quorum: 0 }, allowedLostWrites: { seeds: [], writes: 0 },
    producer: { duplicates: 0, reorders: 0, allowedDuplicates: 0, allowedReorders: 0, seeds: [], allowedSeeds: [] },
    groups: { classic: 0, consumer: 0, records: 0, rebalanceCallbacks: 0, crashes: 0 },
  };
  for (const outcome of outcomes) {
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

export async function sweepCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { seeds: { type: 'string' }, from: { type: 'string' }, variant: { type: 'string' }, model: { type: 'string' }, unclean: { type: 'boolean' }, 'no-idempotence': { type: 'boolean' }, 'fail-on-allowed': { type: 'boolean' }, 'max-steps': { type: 'string' }, workers: { type: 'string' } }, USAGE);
  const workers = integer(values.workers, 'workers', Math.min(availableParallelism(), 4), USAGE);
  const count = integer(values.seeds, 'seeds', 100, USAGE);
  const from = integer(values.from, 'from', 1, USAGE);
  const found = findVariant(values.variant ?? 'kraft');
  const variant = found.name;
  const model = chooseModel(values.model, found, USAGE);
  const unclean = values.unclean === true;
  const noIdempotence = values['no-idempotence'] === true;
  const failOnAllowed = values['fail-on-allowed'] === true;
  if (noIdempotence && model === 'quorum') throw new UsageError(`--no-idempotence configures the producer: it needs the replication model\nusage: ${USAGE}`);
  if (unclean && model === 'quorum') throw new UsageError(`--unclean is a topic config: it needs the replication model\nusage: ${USAGE}`);
  const maxSteps = integer(values['max-steps'], 'max-steps', model === 'replication' ? 400_000 : 200_000, USAGE);
  console.log(`sweep: ${model} seeds ${from}..${from + count - 1} variant=${variant}${unclean ? ' unclean.leader.election.enable=true' : ''}${noIdempotence ? ' producer: enable.idempotence=false' : ''} workers=${workers}`);
  const progress = progressBar(count);
  // The reference's replication sweep mixes in quorum seeds; a variant is swept on its own model only.
  const quorumEvery = model === 'replication' && found.model === 'both' && values.model === undefined ? QUORUM_SEED_EVERY : 0;
  const job: SweepJob = { variant, maxSteps, model, unclean, noIdempotence, quorumEvery };
  const summary = await sweep(from, count, job, workers, progress);
  process.stderr.write('\n');
  const violating = summary.violatingSeeds.length;
  console.log(`seeds: ${summary.seeds}${summary.models.quorum > 0 ? ` (${summary.models.replication} replication, ${summary.models.quorum} quorum)` : ''}`);
  console.log(`steps: ${summary.steps} (${(summary.steps / (summary.wallMs / 1000)).toFixed(0)} steps/s, ${(summary.transitions / (summary.wallMs / 1000)).toFixed(0)} transitions/s)`);
  console.log(`virtual time: ${(summary.virtualTimeMs / 1000).toFixed(1)}s`);
  console.log(`wall time: ${(summary.wallMs / 1000).toFixed(1)}s`);
  console.log(`violations: ${violating} seed(s)${summary.violationsByClause.size > 0 ? `, ${[...summary.violationsByClause.values()].reduce((n, seeds) => n + seeds.length, 0)} clause violation(s)` : ''}`);
  if (summary.errors.length > 0) {
    console.log(`errors: ${summary.errors.length} seed(s) whose simulation threw`);
    for (const e of summary.errors.slice(0, 5)) console.log(`  seed ${e.seed} (${e.model}): ${e.error}`);
  }
  const allowedCount = summary.allowed.reduce((n, s) => n + s.anomalies.length, 0);
  console.log(`allowed anomalies: ${allowedCount} in ${summary.allowed.length} seed(s)${failOnAllowed ? ' (--fail-on-allowed: each fails the sweep)' : ''}`);
  for (const { seed, anomalies } of summary.allowed.slice(0, ALLOWED_LISTED_MAX)) {
    for (const a of anomalies.slice(0, 3)) console.log(`  seed ${seed} ${a.clauseId}: ${a.reason}`);
    if (anomalies.length > 3) console.log(`  seed ${seed}: and ${anomalies.length - 3} more`);
  }
  if (model === 'replication' && unclean) {
    const lost = summary.allowedLostWrites;
    console.log(`lost-write anomalies allowed by unclean leader election: ${lost.writes} write(s) in ${lost.seeds.length} seed(s)${lost.seeds.length > 0 ? `, first ${lost.seeds.slice(0, 5).join(', ')}` : ''}`);
  }
  if (model === 'replication') {
    const p = summary.producer;
    console.log(`producer (PROD-IDEM-1/2): ${p.duplicates} duplicate(s), ${p.reorders} reordered record(s) in ${p.seeds.length} seed(s)${p.seeds.length > 0 ? `, first ${p.seeds.slice(0, 5).join(', ')}` : ''}; allowed by Kafka's KIP-360 windows: ${p.allowedDuplicates} duplicate(s), ${p.allowedReorders} reordered in ${p.allowedSeeds.length} seed(s)${p.allowedSeeds.length > 0 ? `, first ${p.allowedSeeds.slice(0, 5).join(', ')}` : ''}`);
  }
  if (model === 'replication') {
    const g = summary.groups;
    console.log(`consumer groups: ${g.classic + g.consumer} seed(s) (${g.classic} classic, ${g.consumer} KIP-848); ${g.records} records handed to consumers, ${g.rebalanceCallbacks} rebalance callbacks, ${g.crashes} consumer crash(es)`);
  }
  let written = 0;
  for (const [clause, seeds] of [...summary.violationsByClause].sort()) {
    console.log(`  ${clause}: ${seeds.length} seed(s), first ${seeds.slice(0, 5).join(', ')}`);
    for (const seed of seeds.slice(0, TRACES_WRITTEN_MAX - written)) {
      const path = `traces/seed-${seed}${variant === 'kraft' ? '' : `-${variant}`}.jsonl`;
      if (modelOfSeed(seed, job) === 'replication') {
        const options = clusterOptionsFromSeed(seed, { variant, maxSteps, unclean, ...(noIdempotence ? { producer: 'plain' as const } : {}) });
        const rerun = new ClusterSimulation({ options, recordTrace: true }).run();
        if (rerun.trace !== null) writeTrace(path, rerun.trace as never);
        console.log(`    seed ${seed}: ${rerun.violations.find((v) => v.clauseId === clause)?.message ?? '?'}\n    trace ${path}; reproduce with: ${clusterReproduceCommand(options)}`);
      } else {
        const options = optionsFromSeed(seed, { variant, maxSteps });
        const rerun = new Simulation({ options, recordTrace: true }).run();
        if (rerun.trace !== null) writeTrace(path, rerun.trace);
        console.log(`    seed ${seed}: ${rerun.violations.find((v) => v.clauseId === clause)?.message ?? '?'}\n    trace ${path}; reproduce with: ${reproduceCommand(options)}`);
      }
      written++;
    }
  }
  return violating === 0 && summary.errors.length === 0 && (!failOnAllowed || allowedCount === 0) ? 0 : 1;
}

function progressBar(total: number): (done: number, failed: number) => void {
  const tty = process.stderr.isTTY === true;
  let lastTenth = -1;
  return (done, failed) => {
    if (tty) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} seeds, ${failed} failing`);
    } else {
      const tenth = Math.floor((done / total) * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${done}/${total} seeds, ${failed} failing\n`);
      }
    }
  };
}
