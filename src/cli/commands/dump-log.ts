/**
 * `kspec dump-log [--deep-iteration] [--print-data-log] FILE...`: segment files (Kafka's or
 * kspec's) printed as Kafka's kafka-dump-log.sh prints them (DumpLogSegments), so a log directory
 * written by `kspec up` can be read beside one a Kafka broker wrote.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../args.js';
import { dumpLogLines } from '../../runtime/storage/dump-log.js';

interface DumpLogOptions {
  readonly deepIteration: boolean;
  readonly printDataLog: boolean;
}

/** Registers the command on the kspec program (one line in main.ts). */
export function registerDumpLog(root: Command, act: (run: (options: DumpLogOptions, files: string[]) => number) => (...args: unknown[]) => Promise<void>): void {
  root.command('dump-log')
    .description('segment files (.log) printed as Kafka\'s kafka-dump-log.sh prints them: one line per batch; records with --deep-iteration')
    .argument('<files...>', 'segment files, e.g. data/orders-0/00000000000000000000.log')
    .option('--deep-iteration', 'every record, not just the batches', false)
    .option('--print-data-log', 'keys and payloads too (implies --deep-iteration)', false)
    .action(act(dumpLogCommand));
}

export function dumpLogCommand(options: DumpLogOptions, files: string[]): number {
  // Read every file before printing any, so a bad path leaves no partial answer.
  const contents = files.map((file) => ({ file, bytes: readSegment(file) }));
  for (const { file, bytes } of contents) {
    if (bytes === undefined) {
      console.error(`Ignoring unknown file ${file}`);
      continue;
    }
    console.log(`Dumping ${file}`);
    for (const line of dumpLogLines(file, bytes, options)) console.log(line);
  }
  return 0;
}

function readSegment(file: string): Uint8Array | undefined {
  if (!/(^|\/)\d{20}\.log$/.test(file)) return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
