/**
 * File primitives with Kafka's durability habits: a checkpoint is written to `<name>.tmp`,
 * fsynced, renamed over the old file and the directory fsynced (CheckpointFile.write,
 * Utils.atomicMoveWithFallback), so a reader sees the old file or the new one, never half of one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function writeFileAtomically(file: string, text: string, sync: Sync): void {
  const temp = `${file}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeSync(fd, text);
    sync.file(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  sync.directory(path.dirname(file));
}

/**
 * How the storage makes writes durable. `fsync` is Kafka's behaviour; `noSync` skips every fsync,
 * for tests and benchmarks of the write path only: nothing then survives a power loss, though
 * everything still survives the process being killed.
 */
export interface Sync {
  file(fd: number): void;
  /** Make a rename or an unlink in `dir` durable (Utils.flushDir). */
  directory(dir: string): void;
}

export const fsync: Sync = {
  file: (fd) => fs.fsyncSync(fd),
  directory(dir) {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
};

export const noSync: Sync = { file: () => undefined, directory: () => undefined };

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
