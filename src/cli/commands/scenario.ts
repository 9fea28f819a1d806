/**
 * `kspec scenario FILE... [--update]`: run scenario scripts and compare each command's output with
 * the expected output in the file; `--update` rewrites the expected output instead.
 * Exit 0 when every file matches, 1 on a mismatch.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../args.js';
import { parseScript, renderScript, ScriptError } from '../../scenario/script.js';
import { ScenarioRunner } from '../../scenario/runner.js';
import { ClusterScenarioRunner } from '../../scenario/cluster-runner.js';
import { BranchScenarioRunner } from '../../trace/branch-script.js';

export interface ScenarioOutcome {
  readonly file: string;
  readonly mismatches: string[];
  readonly rewritten: string;
}

export function runScenarioFile(file: string): ScenarioOutcome {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read scenario ${file}: ${(error as Error).message}`);
  }
  const blocks = parseScript(text);
  // A replication script starts with `brokers`; a quorum script with `cluster`; a stepper's saved branch with `branch`.
  const runner = blocks[0]?.command === 'brokers' ? new ClusterScenarioRunner() : blocks[0]?.command === 'branch' ? new BranchScenarioRunner() : new ScenarioRunner();
  const results = blocks.map((block) => ({ block, output: runner.execute(block) }));
  const mismatches: string[] = [];
  for (const { block, output } of results) {
    if (output.join('\n') !== block.expected.join('\n')) {
      mismatches.push(`${file}:${block.line}: ${block.command} ${block.words.join(' ')}\n  expected:\n${indent(block.expected)}\n  got:\n${indent(output)}`);
    }
  }
  return { file, mismatches, rewritten: renderScript(results) };
}

export function scenarioCommand(values: { update: boolean }, positionals: string[]): number {
  let failed = 0;
  for (const file of positionals) {
    let outcome: ScenarioOutcome;
    try {
      outcome = runScenarioFile(file);
    } catch (error) {
      if (error instanceof ScriptError) throw new UsageError(`${file}: ${error.message}`);
      throw error;
    }
    if (values.update) {
      writeFileSync(file, outcome.rewritten);
      console.log(`${file}: updated`);
    } else if (outcome.mismatches.length > 0) {
      failed++;
      for (const m of outcome.mismatches) console.log(m);
    } else console.log(`${file}: ok`);
  }
  return failed === 0 ? 0 : 1;
}

const indent = (lines: readonly string[]): string => lines.map((l) => `    ${l}`).join('\n');
