/**
 * `kspec explore [--variant NAME] [--runs N] [--seed N] [--voters N] [--out FILE]`: fast-check
 * generates fault schedules and shrinks a failing one to a minimal counterexample, written as a
 * trace that `kspec sim --replay` reproduces. Exit 1 when a counterexample is found.
 */
import { integer, parse } from '../args.js';
import { explore } from '../../sim/explore.js';
import { writeTrace } from '../../sim/run.js';
import { findVariant } from '../../variants.js';
import { chooseModel } from './model.js';
import { exploreReplication } from './replication.js';
import { printCounterexample } from './verdicts.js';

const USAGE = 'kspec explore [--variant NAME] [--model replication|quorum] [--runs N] [--seed N] [--voters N] [--out FILE]';

export function exploreCommand(args: string[]): number {
  const { values } = parse(args, { variant: { type: 'string' }, model: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, voters: { type: 'string' }, out: { type: 'string' } }, USAGE);
  const variant = findVariant(values.variant ?? 'kraft');
  const runs = integer(values.runs, 'runs', 300, USAGE);
  const seed = integer(values.seed, 'seed', 1, USAGE);
  if (chooseModel(values.model, variant, USAGE) === 'replication') return exploreReplication(variant, runs, seed, values.out);
  const voters = integer(values.voters, 'voters', 3, USAGE);
  console.log(`explore: variant=${variant.name} runs<=${runs} fast-check seed=${seed} voters=${voters}${variant.breaks === null ? '' : ` (expected to break ${variant.breaks})`}`);
  const outcome = explore({ variant: variant.name, runs, seed, voters });
  if (outcome.counterexample === null) {
    console.log(`no counterexample in ${outcome.runsTried} runs`);
    return 0;
  }
  const { faults, result, options } = outcome.counterexample;
  printCounterexample({ ...outcome, seed: options.seed, faults, violation: result.violations[0] });
  const path = values.out ?? `traces/explore-${variant.name}.jsonl`;
  if (result.trace !== null) {
    writeTrace(path, result.trace);
    console.log(`trace: ${path} (${result.trace.length - 1} steps); replay with: npx kspec sim --replay ${path}`);
  }
  return 1;
}
