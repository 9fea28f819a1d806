/**
 * Output files (traces, JSON reports) are checked before a run starts, so a bad path costs a
 * second, not a finished run; and written after the verdict is printed, so a failure to write
 * never hides the verdict.
 */
import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './args.js';

/** Throws a UsageError when `path` cannot be written: a directory, or under a file, or not writable. */
export function checkWritable(path: string, what: string): void {
  const target = statOrNull(path);
  if (target?.isDirectory() === true) throw new UsageError(`${what} ${path} is a directory: give a file name`);
  let parent = dirname(resolve(path));
  // The nearest existing ancestor decides: writeOutput creates the missing directories below it.
  for (let above = statOrNull(parent); above === null; above = statOrNull(parent)) parent = dirname(parent);
  if (!(statOrNull(parent)?.isDirectory() ?? false)) throw new UsageError(`${what} ${path}: ${parent} is not a directory`);
  try {
    accessSync(target === null ? parent : path, constants.W_OK);
  } catch {
    throw new UsageError(`${what} ${path} is not writable`);
  }
}

export class OutputError extends Error {}

export function writeOutput(path: string, text: string, what: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    throw new OutputError(`could not write ${what} ${path}: ${(error as Error).message}`);
  }
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
