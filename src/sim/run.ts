/**
 * Running seeds: one run, the command that reproduces it, and writing its trace.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Simulation, type RunResult } from './simulator.js';
import { optionsFromSeed, type OptionOverrides, type SimOptions } from './options.js';
import type { TimedFault } from './faults.js';
import type { TraceHeader, TraceStep } from './trace.js';

export function runSeed(seed: number, overrides: OptionOverrides = {}, recordTrace = false): RunResult {
  return new Simulation({ options: optionsFromSeed(seed, overrides), recordTrace }).run();
}

export function runSchedule(options: SimOptions, faults: TimedFault[], recordTrace = false): RunResult {
  return new Simulation({ options, faults, recordTrace }).run();
}

export function reproduceCommand(options: SimOptions): string {
  const variant = options.variant === 'kraft' ? '' : ` --variant ${options.variant}`;
  return `npx kspec sim --seed ${options.seed}${variant}`;
}

export function writeTrace(path: string, trace: readonly (TraceHeader | TraceStep)[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, trace.map((line) => JSON.stringify(line)).join('\n') + '\n');
}
