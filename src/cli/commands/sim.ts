/**
 * `kspec sim [--seed N] [--variant NAME] [--model replication|quorum] [--unclean] [--no-idempotence] [--max-steps N] [--trace FILE] [--replay FILE]`
 * One simulated run (of the replication model by default; `--replay` is the quorum model's): prints the seed and options first, then the verdict of every clause.
 * Exit 0 when every clause holds, 1 on a violation.
 */
import { readFileSync } from 'node:fs';
import { integer, parse, UsageError } from '../args.js';
import { describeOptions, optionsFromSeed } from '../../sim/options.js';
import { Simulation, type RunResult } from '../../sim/simulator.js';
import { reproduceCommand, writeTrace } from '../../sim/run.js';
import { TraceError } from '../../sim/trace.js';
import { replayTrace, type ReplayOutcome } from '../../sim/replay.js';
import { quorumClauses } from '../../../spec/quorum/clauses.js';
import { findVariant } from '../../variants.js';
import { chooseModel } from './model.js';
import { printClauseVerdicts } from './verdicts.js';
import { simReplication } from './replication.js';

const USAGE = 'kspec sim [--seed N] [--variant NAME] [--model replication|quorum] [--unclean] [--no-idempotence] [--max-steps N] [--trace FILE] | kspec sim --replay FILE';

export function simCommand(args: string[]): number {
  const { values } = parse(args, {
    seed: { type: 'string' },
    variant: { type: 'string' },
    'max-steps': { type: 'string' },
    trace: { type: 'string' },
    replay: { type: 'string' },
    model: { type: 'string' },
    unclean: { type: 'boolean' },
    'no-idempotence': { type: 'boolean' },
  }, USAGE);
  if (values.replay !== undefined) {
    if (values.seed !== undefined || values.variant !== undefined) throw new UsageError(`--replay takes its seed and variant from the trace\nusage: ${USAGE}`);
    return replay(values.replay);
  }
  const seed = integer(values.seed, 'seed', 1, USAGE);
  const found = findVariant(values.variant ?? 'kraft');
  const variant = found.name;
  if (chooseModel(values.model, found, USAGE) === 'replication') {
    return simReplication(seed, variant, integer(values['max-steps'], 'max-steps', 400_000, USAGE), values.unclean === true, values.trace, values['no-idempotence'] === true);
  }
  if (values.unclean === true) throw new UsageError(`--unclean is a topic config: it needs the replication model\nusage: ${USAGE}`);
  if (values['no-idempotence'] === true) throw new UsageError(`--no-idempotence configures the producer: it needs the replication model\nusage: ${USAGE}`);
  const maxSteps = integer(values['max-steps'], 'max-steps', 200_000, USAGE);
  const options = optionsFromSeed(seed, { variant, maxSteps });
  for (const line of describeOptions(options)) console.log(line);
  const started = performance.now();
  const result = new Simulation({ options, recordTrace: values.trace !== undefined }).run();
  const wallMs = performance.now() - started;
  if (values.trace !== undefined && result.trace !== null) {
    writeTrace(values.trace, result.trace);
    console.log(`trace: ${values.trace} (${result.trace.length} lines)`);
  } else if (result.violations.length > 0) {
    // The run is deterministic: run it again with the trace on rather than pay for recording every run.
    const path = `traces/seed-${seed}${variant === 'kraft' ? '' : `-${variant}`}.jsonl`;
    const traced = new Simulation({ options, recordTrace: true }).run();
    if (traced.trace !== null) writeTrace(path, traced.trace);
    console.log(`trace: ${path}; replay with: npx kspec sim --replay ${path}`);
  }
  printVerdicts(result, wallMs);
  return result.violations.length === 0 ? 0 : 1;
}

export function printVerdicts(result: RunResult, wallMs: number): void {
  const ok = result.history.filter((h) => h.type === 'ok').length;
  const invoked = result.history.filter((h) => h.type === 'invoke').length;
  console.log(
    `steps=${result.steps} transitions=${result.transitions} virtual-time=${result.virtualTimeMs}ms wall=${wallMs.toFixed(0)}ms ` +
      `proposals=${invoked} acknowledged=${ok} converged-at=${result.convergedAtMs === null ? 'never' : `${result.convergedAtMs}ms`}`,
  );
  printClauseVerdicts(quorumClauses, result.violations);
  if (result.violations.length > 0) {
    const first = result.violations[0];
    console.log(`violation of ${first?.clauseId} at seed ${result.options.seed}; reproduce with: ${reproduceCommand(result.options)}`);
  }
}

function replay(path: string): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read trace ${path}: ${(error as Error).message}`);
  }
  let outcome: ReplayOutcome;
  try {
    outcome = replayTrace(text);
  } catch (error) {
    if (error instanceof TraceError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
  if (!outcome.identical) {
    console.log(`replay of ${path} diverges at step ${outcome.step} (t=${outcome.time}ms): ${outcome.difference}`);
    return 1;
  }
  const reproduced = outcome.violations.length > 0 ? `; reproduced violation ${outcome.violations[0]}` : '';
  console.log(`replayed ${outcome.steps} steps of ${path}: identical${reproduced}`);
  return 0;
}
