/**
 * `kspec sim`: one simulated run (of the replication model by default). Prints the options the
 * seed and the command line chose first, then every clause's verdict (replication, producer and,
 * with a consumer group, group clauses), the command that reproduces the run, and writes its trace
 * on a violation. `--replay FILE` replays a trace of either model (src/trace/replay.ts). Exit 0
 * holds, 1 violation (a replay that reproduces one too), 2 bad input (a tampered or malformed trace).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../args.js';
import { checkWritable, writeOutput } from '../files.js';
import { say, humanOutputTo } from '../output.js';
import { reproduceSeed, seedTracePath, type RunRequest } from '../reproduce.js';
import { resolveRun, type RunOptions } from './model.js';
import { cutAtMaxSteps, judge, printVerdicts, type ClauseVerdict } from './verdicts.js';
import { describeOptions } from '../../sim/options.js';
import { Simulation } from '../../sim/simulator.js';
import { TraceFormatError } from '../../trace/format.js';
import { replayTraceText, type ReplayOutcome } from '../../trace/replay.js';
import { memoryTraceText } from '../../trace/write.js';
import { describeClusterOptions } from '../../sim/cluster/options.js';
import { ClusterSimulation } from '../../sim/cluster/simulation.js';
import { chosenClusterOptions, chosenQuorumOptions } from '../../sim/cluster/choices.js';
import type { Clause, Violation } from '../../../spec/clause.js';
import { quorumClauses } from '../../../spec/quorum/clauses.js';
import { describeAllowedLosses, replicationClauses } from '../../../spec/replication/clauses.js';
import { producerClauses } from '../../../spec/producer/clauses.js';
import { groupClauses } from '../../../spec/groups/clauses.js';

export interface SimOptions extends RunOptions {
  readonly seed: number;
  readonly trace?: string;
  readonly replay?: string;
  readonly json?: string | true;
}

/** What one run of either model gives the report. */
interface Outcome {
  readonly options: object;
  readonly clauses: readonly Clause[];
  readonly violations: readonly Violation[];
  readonly steps: number;
  readonly transitions: number;
  readonly virtualTimeMs: number;
  readonly convergedAtMs: number | null;
  /** One line of what the workload did. */
  readonly workload: string;
  readonly extra: Record<string, unknown>;
  /** The trace file's text, from the same run again when it did not record (runs are deterministic: cheaper than always recording). */
  readonly traced: () => string;
  readonly notes: string[];
}

export function simCommand(options: SimOptions, _positionals: string[], command: Command): number {
  if (options.replay !== undefined) return replayCommand(options.replay, command);
  const run = resolveRun(options);
  const jsonPath = options.json === true || options.json === '-' ? '-' : options.json;
  if (options.trace !== undefined) checkWritable(options.trace, 'trace file');
  if (jsonPath !== undefined && jsonPath !== '-') checkWritable(jsonPath, 'JSON file');
  if (jsonPath === '-') humanOutputTo('stderr');

  const started = performance.now();
  const outcome = run.model === 'replication' ? runReplication(options.seed, run, options.trace !== undefined) : runQuorum(options.seed, run, options.trace !== undefined);
  const wallMs = performance.now() - started;
  const cut = cutAtMaxSteps(outcome.steps, run.maxSteps) ? { maxSteps: run.maxSteps } : null;
  const { verdicts, violations } = judge(outcome.clauses, outcome.violations, cut);
  const reproduce = reproduceSeed(run, options.seed);

  say(`steps=${outcome.steps} transitions=${outcome.transitions} virtual-time=${outcome.virtualTimeMs}ms wall=${wallMs.toFixed(0)}ms ${outcome.workload}; converged-at=${outcome.convergedAtMs === null ? 'never' : `${outcome.convergedAtMs}ms`}`);
  printVerdicts(verdicts);
  for (const note of outcome.notes) say(note);
  if (cut !== null) say(`run cut at --max-steps ${run.maxSteps} before its end: liveness and history clauses not judged`);
  const first = violations[0];
  if (first !== undefined) say(`violation of ${first.clauseId} at seed ${options.seed}; reproduce with: ${reproduce}`);

  // Verdicts are printed before any file is written: a failed write never hides them.
  const tracePath = options.trace ?? (first !== undefined ? seedTracePath(run.model, options.seed, run.variant) : undefined);
  let traceWritten: string | null = null;
  if (tracePath !== undefined) {
    const text = outcome.traced();
    writeOutput(tracePath, text, 'trace');
    traceWritten = tracePath;
    say(`trace: ${tracePath} (${text.split('\n').length - 1} lines); replay with: npx kspec sim --replay ${tracePath}`);
  }
  const exitCode = violations.length === 0 ? 0 : 1;
  if (jsonPath !== undefined) {
    const report = simReport(options.seed, run, outcome, verdicts, violations, { wallMs, cut: cut !== null, reproduce, trace: traceWritten, exitCode });
    const text = JSON.stringify(report, null, 2) + '\n';
    if (jsonPath === '-') process.stdout.write(text);
    else writeOutput(jsonPath, text, 'JSON file');
  }
  return exitCode;
}

function runReplication(seed: number, run: RunRequest, recordTrace: boolean): Outcome {
  const options = chosenClusterOptions(seed, run);
  for (const line of describeClusterOptions(options)) say(line);
  const result = new ClusterSimulation({ options, recordTrace }).run();
  const notes: string[] = [];
  const f = result.producerFindings;
  if (f.allowedDuplicates + f.allowedReorders > 0) notes.push(`producer anomalies allowed by Kafka's KIP-360 windows: ${f.allowedDuplicates} duplicate(s), ${f.allowedReorders} reordered record(s)`);
  if (f.allowedSequenceGaps > 0) notes.push(`sequence gaps allowed where a power loss left the leader with an empty log (PROD-SEQ-1): ${f.allowedSequenceGaps}`);
  notes.push(...describeAllowedLosses(result.allowedLostWrites));
  return {
    options,
    // The clauses this run judges: the producer's when the producer machine writes, the groups' when a group reads.
    clauses: [...replicationClauses, ...(options.producer === 'raw' ? [] : producerClauses), ...(options.group === null ? [] : groupClauses)],
    violations: result.violations,
    steps: result.steps, transitions: result.transitions, virtualTimeMs: result.virtualTimeMs, convergedAtMs: result.convergedAtMs,
    workload: `writes: acknowledged=${result.produced.acked} failed=${result.produced.failed} unknown=${result.produced.unknown}; consumed=${result.consumedRecords}`,
    extra: { writes: result.produced, consumedRecords: result.consumedRecords, allowedLostWrites: result.allowedLostWrites.length, producerFindings: result.producerFindings, group: result.group },
    traced: () => {
      const traced = result.trace === null ? new ClusterSimulation({ options, recordTrace: true }).run() : result;
      return memoryTraceText('replication', traced.trace ?? [], traced.violations, true);
    },
    notes,
  };
}

function runQuorum(seed: number, run: RunRequest, recordTrace: boolean): Outcome {
  const options = chosenQuorumOptions(seed, run);
  for (const line of describeOptions(options)) say(line);
  const result = new Simulation({ options, recordTrace }).run();
  const acknowledged = result.history.filter((h) => h.type === 'ok').length;
  const proposals = result.history.filter((h) => h.type === 'invoke').length;
  return {
    options, clauses: quorumClauses, violations: result.violations,
    steps: result.steps, transitions: result.transitions, virtualTimeMs: result.virtualTimeMs, convergedAtMs: result.convergedAtMs,
    workload: `proposals=${proposals} acknowledged=${acknowledged}`,
    extra: { proposals, acknowledged },
    traced: () => {
      const traced = result.trace === null ? new Simulation({ options, recordTrace: true }).run() : result;
      return memoryTraceText('quorum', traced.trace ?? [], traced.violations, true);
    },
    notes: [],
  };
}

/** kspec.sim/1: one run, as a script reads it. Fields are added, never renamed (a new schema name would be). */
function simReport(seed: number, run: RunRequest, outcome: Outcome, verdicts: readonly ClauseVerdict[], violations: readonly Violation[], end: { wallMs: number; cut: boolean; reproduce: string; trace: string | null; exitCode: number }) {
  return {
    schema: 'kspec.sim/1',
    model: run.model,
    seed,
    variant: run.variant,
    maxSteps: run.maxSteps,
    options: outcome.options,
    steps: outcome.steps,
    transitions: outcome.transitions,
    virtualTimeMs: outcome.virtualTimeMs,
    wallMs: Math.round(end.wallMs),
    convergedAtMs: outcome.convergedAtMs,
    cutAtMaxSteps: end.cut,
    ...outcome.extra,
    clauses: verdicts,
    violations: violations.map((v) => ({ clauseId: v.clauseId, step: v.step, timeMs: v.time, message: v.message })),
    reproduce: end.reproduce,
    trace: end.trace,
    exitCode: end.exitCode,
  };
}

function replayCommand(path: string, command: Command): number {
  const given = command.options.filter((o) => o.long !== '--replay' && command.getOptionValueSource(o.attributeName()) === 'cli').map((o) => o.long);
  if (given.length > 0) throw new UsageError(`--replay takes the run's options from the trace; drop ${given.join(', ')}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read trace ${path}: ${(error as Error).message}`);
  }
  let outcome: ReplayOutcome;
  try {
    outcome = replayTraceText(text);
  } catch (error) {
    if (error instanceof TraceFormatError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
  if (!outcome.identical) {
    // A trace the model does not reproduce is bad input (tampered, or from another kspec): one line, exit 2.
    const where = outcome.step === 'end' ? 'at its end' : `at step ${outcome.step} (t=${outcome.time}ms)`;
    throw new UsageError(`${path}: the replay differs ${where}: ${outcome.difference.split('\n').map((l) => l.trim()).join(' ')}${outcome.versionNote}`);
  }
  const reproduced = outcome.violations.length > 0 ? `; it reproduces ${outcome.violations.length} violation(s), the first: ${outcome.violations[0]}` : '; every clause holds';
  say(`replayed ${outcome.steps} steps of ${path}: identical${reproduced}`);
  return outcome.violations.length > 0 ? 1 : 0;
}
