/**
 * The quorum model's reproduce command, and writing a trace.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SimOptions } from './options.js';
import type { TraceHeader, TraceStep } from './trace.js';

export function reproduceCommand(options: SimOptions): string {
  const variant = options.variant === 'kraft' ? '' : ` --variant ${options.variant}`;
  // The quorum model is not the default: the hint names it (issue 17).
  return `npx kspec sim --model quorum --seed ${options.seed}${variant}`;
}

export function writeTrace(path: string, trace: readonly (TraceHeader | TraceStep)[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, trace.map((line) => JSON.stringify(line)).join('\n') + '\n');
}
