/**
 * `kspec explore`: fast-check generates fault schedules and shrinks a failing one to a minimal
 * counterexample, written as a trace, with the command that reproduces the exploration. Exit 1
 * when a counterexample is found.
 */
import { UsageError } from '../args.js';
import { checkWritable, writeOutput } from '../files.js';
import { humanOutputTo, say } from '../output.js';
import { exploreTracePath, reproduceExploration, type ExploreRequest } from '../reproduce.js';
import { chooseModel } from './model.js';
import { counterexampleJson, printCounterexample, type ExploredCounterexample } from './verdicts.js';
import { explore } from '../../sim/explore.js';
import { exploreCluster, type ShrinkProgress } from '../../sim/cluster/run.js';
import { findVariant } from '../../variants.js';
import { memoryTraceText, type MemoryTrace } from '../../trace/write.js';
import type { Violation } from '../../../spec/clause.js';

export interface ExploreOptions {
  readonly variant: string;
  readonly model?: 'replication' | 'quorum';
  readonly runs: number;
  readonly seed: number;
  readonly voters?: number;
  readonly out?: string;
  readonly json?: string | true;
}

/** The quorum exploration's voters when none are asked for. */
const QUORUM_VOTERS = 3;

export function exploreCommand(options: ExploreOptions): number {
  const variant = findVariant(options.variant);
  const model = chooseModel(options.model, variant);
  if (model === 'replication' && options.voters !== undefined) {
    throw new UsageError('--voters sets the quorum model\'s voter count; the replication exploration runs one controller and three brokers (use --model quorum)');
  }
  const request: ExploreRequest = { model, variant: variant.name, runs: options.runs, seed: options.seed, ...(options.voters === undefined ? {} : { voters: options.voters }) };
  const tracePath = options.out ?? exploreTracePath(model, variant.name);
  const jsonPath = options.json === true || options.json === '-' ? '-' : options.json;
  checkWritable(tracePath, 'trace file');
  if (jsonPath !== undefined && jsonPath !== '-') checkWritable(jsonPath, 'JSON file');
  if (jsonPath === '-') humanOutputTo('stderr');

  const voters = options.voters ?? QUORUM_VOTERS;
  say(`explore: ${model} variant=${variant.name} runs<=${options.runs} fast-check seed=${options.seed}${model === 'quorum' ? ` voters=${voters}` : ''}${variant.breaks === null ? '' : ` (expected to break ${variant.breaks})`}`);
  const found = model === 'quorum' ? exploreQuorum(request, voters) : exploreReplication(request);
  const reproduce = reproduceExploration(request);
  let traceWritten: string | null = null;
  if (found.counterexample === null) say(`no counterexample in ${found.runsTried} runs`);
  else {
    printCounterexample(found.counterexample);
    say(`reproduce with: ${reproduce}`);
    if (found.trace !== null) {
      writeOutput(tracePath, memoryTraceText(model, found.trace, found.violations, true), 'trace');
      traceWritten = tracePath;
      say(`trace: ${tracePath} (${found.trace.length - 1} steps); replay with: npx kspec sim --replay ${tracePath}`);
    }
  }
  const exitCode = found.counterexample === null ? 0 : 1;
  if (jsonPath !== undefined) {
    const report = {
      schema: 'kspec.explore/1', model, variant: variant.name, runs: options.runs, seed: options.seed, ...(model === 'quorum' ? { voters } : {}),
      runsTried: found.runsTried, counterexample: found.counterexample === null ? null : counterexampleJson(found.counterexample),
      reproduce, trace: traceWritten, exitCode,
    };
    const text = JSON.stringify(report, null, 2) + '\n';
    if (jsonPath === '-') process.stdout.write(text);
    else writeOutput(jsonPath, text, 'JSON file');
  }
  return exitCode;
}

interface Found {
  readonly runsTried: number;
  readonly counterexample: ExploredCounterexample | null;
  readonly trace: MemoryTrace | null;
  readonly violations: readonly Violation[];
}

function exploreQuorum(request: ExploreRequest, voters: number): Found {
  const outcome = explore({ variant: request.variant, runs: request.runs, seed: request.seed, voters });
  const c = outcome.counterexample;
  if (c === null) return { runsTried: outcome.runsTried, counterexample: null, trace: null, violations: [] };
  return { runsTried: outcome.runsTried, counterexample: { ...outcome, seed: c.options.seed, faults: c.faults, violation: c.result.violations[0] }, trace: c.result.trace, violations: c.result.violations };
}

function exploreReplication(request: ExploreRequest): Found {
  const progress = shrinkProgressLine();
  const outcome = exploreCluster({ variant: request.variant, runs: request.runs, seed: request.seed }, { onShrink: progress.update });
  progress.done();
  const c = outcome.counterexample;
  if (c === null) return { runsTried: outcome.runsTried, counterexample: null, trace: null, violations: [] };
  return { runsTried: outcome.runsTried, counterexample: { ...outcome, seed: c.options.seed, faults: c.faults, violation: c.result.violations[0] }, trace: c.result.trace, violations: c.result.violations };
}

/** How often the shrink progress line is written, in wall-clock milliseconds. */
const PROGRESS_INTERVAL_MS = 1_000;

/**
 * Shrinking takes seconds: say how far it has got, on stderr so that stdout stays the verdict. A
 * terminal gets one line rewritten in place; a pipe gets a line a second.
 */
function shrinkProgressLine(): { update: (p: ShrinkProgress) => void; done: () => void } {
  const terminal = process.stderr.isTTY === true;
  let shownAtMs = 0;
  let shown = false;
  return {
    update(p) {
      if (p.elapsedMs - shownAtMs < PROGRESS_INTERVAL_MS) return;
      shownAtMs = p.elapsedMs;
      shown = true;
      const line = `shrinking: ${p.tried} candidates run, ${p.shrinks} shrinks, ${p.episodes} fault episode(s) left (${(p.elapsedMs / 1000).toFixed(0)}s)`;
      process.stderr.write(terminal ? `\r${line}\u001b[K` : `${line}\n`);
    },
    done() {
      if (terminal && shown) process.stderr.write('\r\u001b[K');
    },
  };
}
