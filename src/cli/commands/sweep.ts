/**
 * `kspec sweep --seeds N [--from S] [--variant NAME]`: many seeds, a progress bar, and a summary
 * (seeds, steps, virtual time, violations by clause, wall time). Exit 1 on any violation.
 * The first violating seeds get their traces written to traces/.
 */
import { integer, parse } from '../args.js';
import { optionsFromSeed } from '../../sim/options.js';
import { Simulation } from '../../sim/simulator.js';
import { reproduceCommand, writeTrace } from '../../sim/run.js';
import { findVariant } from '../../variants.js';

const USAGE = 'kspec sweep --seeds N [--from S] [--variant NAME] [--max-steps N]';
const TRACES_WRITTEN_MAX = 3;

export interface SweepSummary {
  seeds: number;
  steps: number;
  transitions: number;
  virtualTimeMs: number;
  wallMs: number;
  violationsByClause: Map<string, number[]>;
}

export function sweep(from: number, count: number, variant: string, maxSteps: number, onSeed?: (done: number, failed: number) => void): SweepSummary {
  const summary: SweepSummary = { seeds: 0, steps: 0, transitions: 0, virtualTimeMs: 0, wallMs: 0, violationsByClause: new Map() };
  const started = performance.now();
  let failed = 0;
  for (let seed = from; seed < from + count; seed++) {
    const result = new Simulation({ options: optionsFromSeed(seed, { variant, maxSteps }) }).run();
    summary.seeds++;
    summary.steps += result.steps;
    summary.transitions += result.transitions;
    summary.virtualTimeMs += result.virtualTimeMs;
    const first = result.violations[0];
    if (first !== undefined) {
      failed++;
      summary.violationsByClause.set(first.clauseId, [...(summary.violationsByClause.get(first.clauseId) ?? []), seed]);
    }
    onSeed?.(summary.seeds, failed);
  }
  summary.wallMs = performance.now() - started;
  return summary;
}

export function sweepCommand(args: string[]): number {
  const { values } = parse(args, { seeds: { type: 'string' }, from: { type: 'string' }, variant: { type: 'string' }, 'max-steps': { type: 'string' } }, USAGE);
  const count = integer(values.seeds, 'seeds', 100, USAGE);
  const from = integer(values.from, 'from', 1, USAGE);
  const variant = findVariant(values.variant ?? 'kraft').name;
  const maxSteps = integer(values['max-steps'], 'max-steps', 200_000, USAGE);
  console.log(`sweep: seeds ${from}..${from + count - 1} variant=${variant}`);
  const progress = progressBar(count);
  const summary = sweep(from, count, variant, maxSteps, progress);
  process.stderr.write('\n');
  const violating = [...summary.violationsByClause.values()].reduce((n, seeds) => n + seeds.length, 0);
  console.log(`seeds: ${summary.seeds}`);
  console.log(`steps: ${summary.steps} (${(summary.steps / (summary.wallMs / 1000)).toFixed(0)} steps/s, ${(summary.transitions / (summary.wallMs / 1000)).toFixed(0)} transitions/s)`);
  console.log(`virtual time: ${(summary.virtualTimeMs / 1000).toFixed(1)}s`);
  console.log(`wall time: ${(summary.wallMs / 1000).toFixed(1)}s`);
  console.log(`violations: ${violating}`);
  let written = 0;
  for (const [clause, seeds] of [...summary.violationsByClause].sort()) {
    console.log(`  ${clause}: ${seeds.length} seed(s), first ${seeds.slice(0, 5).join(', ')}`);
    for (const seed of seeds.slice(0, TRACES_WRITTEN_MAX - written)) {
      const options = optionsFromSeed(seed, { variant, maxSteps });
      const rerun = new Simulation({ options, recordTrace: true }).run();
      const path = `traces/seed-${seed}${variant === 'kraft' ? '' : `-${variant}`}.jsonl`;
      if (rerun.trace !== null) writeTrace(path, rerun.trace);
      console.log(`    seed ${seed}: ${rerun.violations[0]?.message ?? '?'}\n    trace ${path}; reproduce with: ${reproduceCommand(options)}`);
      written++;
    }
  }
  return violating === 0 ? 0 : 1;
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
