/**
 * File primitives with Kafka's durability habits: a checkpoint is written to `<name>.tmp`,
 * fsynced, renamed over the old file and the directory fsynced (CheckpointFile.write,
 * Utils.atomicMoveWithFallback), so a reader sees the old file or the new one, never half of one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function writeFileAtomically(file: string, text: string): void {
  const temp = `${file}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  fsyncDirectory(path.dirname(file));
}

/** Make a rename or an unlink in `dir` durable (Utils.flushDir). */
export function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function readFileIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A file the storage cannot read: names the file and what is wrong with it, in one line. */
export class StorageFormatError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'StorageFormatError';
  }
}
