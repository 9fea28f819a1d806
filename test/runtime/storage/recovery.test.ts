/**
 * Recovery on open (LogLoader.recoverLog, LogSegment.recover): a torn or corrupt tail is cut at
 * the last whole, valid batch, later segments are deleted, and a process killed with SIGKILL
 * loses nothing whose append had returned.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultLogConfig, lastOffsetOf, type RecordBatch } from '../../../src/log/partition-log.js';
import { diskStorage, type DiskStorage } from '../../../src/runtime/storage/index.js';
import { encodeBatch } from '../../../src/runtime/storage/batch-codec.js';
import { address, batch, key, partitionDir, removeDir, segmentFiles, smallSegments, tempDir } from './support.js';

const dirs: string[] = [];
const newDir = (): string => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach(removeDir));

const oneSegment = { ...defaultLogConfig, segmentBytes: 1 << 20 };

/** Batches written, then the process gone without a clean shutdown (no flush, no checkpoint). */
function writeAndAbandon(dir: string, batches: readonly RecordBatch[], config = oneSegment): void {
  const storage = diskStorage(dir, () => config, { fsync: false });
  const log = storage.partitionLogs.open(key, address, 0);
  for (const b of batches) log.append(b, 0);
}

const reopen = (dir: string, config = oneSegment): DiskStorage => diskStorage(dir, () => config, { fsync: false });

const batchesOf = (sizes: readonly number[]): RecordBatch[] => {
  let offset = 0;
  return sizes.map((count, i) => {
    const b = batch(offset, count, 1 + Math.floor(i / 3), 1_700_000_000_000 + i, `value-${i}-`);
    offset = lastOffsetOf(b) + 1;
    return b;
  });
};

describe('recovery on open', () => {
  it('cuts a torn tail to the last whole batch and reports the bytes cut', () => {
    const dir = newDir();
    const written = batchesOf([1, 2, 3]);
    writeAndAbandon(dir, written);
    const file = path.join(partitionDir(dir), '00000000000000000000.log');
    const sizes = written.map((b) => encodeBatch(b).length);
    fs.truncateSync(file, sizes[0]! + sizes[1]! + 10);
    const storage = reopen(dir);
    expect(storage.partitionLogs.get(key)?.batches()).toEqual(written.slice(0, 2));
    expect(storage.recovery.partitions[0]).toMatchObject({ truncatedBytes: 10, logEndOffset: 3 });
    expect(fs.statSync(file).size).toBe(sizes[0]! + sizes[1]!);
    // The log goes on from there.
    storage.partitionLogs.get(key)?.append(batch(3, 1, 2), 0);
    storage.close();
    expect(reopen(dir).partitionLogs.get(key)?.logEndOffset).toBe(4);
  });

  it('any cut of a segment file recovers exactly the batches wholly before the cut', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }), fc.double({ min: 0, max: 1, noNaN: true }), (sizes, at) => {
        const dir = newDir();
        const written = batchesOf(sizes);
        writeAndAbandon(dir, written);
        const file = path.join(partitionDir(dir), '00000000000000000000.log');
        const length = Math.floor(at * fs.statSync(file).size);
        fs.truncateSync(file, length);
        let end = 0;
        const whole = written.filter((b) => (end += encodeBatch(b).length) <= length);
        const storage = reopen(dir);
        expect(storage.partitionLogs.get(key)?.batches()).toEqual(whole);
        expect(storage.recovery.partitions[0]?.truncatedBytes).toBe(length - whole.reduce((n, b) => n + encodeBatch(b).length, 0));
        removeDir(dir);
      }),
      { numRuns: 40 },
    );
  });

  it('a flipped byte anywhere the CRC or the offset checks reach cuts the log before that batch', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (sizes, where, mask) => {
        const dir = newDir();
        const written = batchesOf(sizes);
        writeAndAbandon(dir, written);
        const file = path.join(partitionDir(dir), '00000000000000000000.log');
        const bytes = fs.readFileSync(file);
        const starts: number[] = [];
        written.reduce((position, b) => (starts.push(position), position + encodeBatch(b).length), 0);
        let position = where % bytes.length;
        const damaged = starts.filter((s) => s <= position).length - 1;
        // partitionLeaderEpoch (bytes 12-15 of a batch) is outside the CRC: Kafka cannot see damage there either.
        if (position - starts[damaged]! >= 12 && position - starts[damaged]! < 16) position = starts[damaged]! + 20;
        bytes[position] = (bytes[position] as number) ^ mask;
        fs.writeFileSync(file, bytes);
        const storage = reopen(dir);
        expect(storage.partitionLogs.get(key)?.batches()).toEqual(written.slice(0, damaged));
        expect(storage.recovery.partitions[0]?.truncatedBytes).toBe(bytes.length - starts[damaged]!);
        removeDir(dir);
      }),
      { numRuns: 60 },
    );
  });

  it('corruption in a segment deletes the segments after it (LogLoader deletes the unflushed segments past a truncated one)', () => {
    const dir = newDir();
    const written = batchesOf([1, 1, 1, 1, 1, 1]);
    writeAndAbandon(dir, written, smallSegments);
    expect(segmentFiles(dir)).toEqual(['00000000000000000000.log', '00000000000000000002.log', '00000000000000000004.log']);
    const middle = path.join(partitionDir(dir), '00000000000000000002.log');
    const bytes = fs.readFileSync(middle);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    fs.writeFileSync(middle, bytes);
    const storage = reopen(dir, smallSegments);
    expect(storage.partitionLogs.get(key)?.batches()).toEqual(written.slice(0, 3));
    expect(storage.recovery.partitions[0]).toMatchObject({ deletedSegments: 1, truncatedBytes: encodeBatch(written[3]!).length });
    expect(segmentFiles(dir)).toEqual(['00000000000000000000.log', '00000000000000000002.log']);
  });

  it('cuts a torn tail of the metadata log', () => {
    const dir = newDir();
    const storage = diskStorage(dir, () => oneSegment, { fsync: false });
    storage.metadataLog.append([{ offset: 0, epoch: 1, value: 'RegisterBroker 1' }]);
    storage.metadataLog.append([{ offset: 1, epoch: 1, value: 'TopicRecord orders' }]);
    const file = path.join(dir, '__cluster_metadata-0', '00000000000000000000.log');
    fs.truncateSync(file, fs.statSync(file).size - 1);
    const again = reopen(dir);
    expect(again.metadataLog.all()).toEqual([{ offset: 0, epoch: 1, value: 'RegisterBroker 1' }]);
    expect(again.recovery.metadataLog.truncatedBytes).toBeGreaterThan(0);
  });

  it('rebuilds the epoch cache from the batches when the leader-epoch-checkpoint is lost, and clamps the high watermark to the log end', () => {
    const dir = newDir();
    const written = batchesOf([2, 2, 2, 2]);
    const storage = diskStorage(dir, () => oneSegment, { fsync: false });
    const log = storage.partitionLogs.open(key, address, 0);
    for (const b of written) log.append(b, 0);
    storage.highWatermarks.write(key, 8);
    storage.close();
    fs.rmSync(path.join(partitionDir(dir), 'leader-epoch-checkpoint'));
    fs.truncateSync(path.join(partitionDir(dir), '00000000000000000000.log'), encodeBatch(written[0]!).length * 3);
    fs.rmSync(path.join(dir, '.kafka_cleanshutdown'));
    const again = reopen(dir);
    // Batches 0-2 (offsets 0-5) are epoch 1; batch 3 (offsets 6-7, epoch 2) was cut.
    expect(again.partitionLogs.get(key)?.epochCache).toEqual([{ epoch: 1, startOffset: 0 }]);
    expect(again.highWatermarks.read(key)).toBe(6);
  });

  it('a process killed with SIGKILL mid-append loses nothing whose append had returned', async () => {
    const dir = newDir();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'append-child.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let reported = -1;
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() as string;
        for (const line of lines) reported = Number(line);
        if (reported >= 1000 && child.exitCode === null) child.kill('SIGKILL');
      });
    });
    expect(child.signalCode).toBe('SIGKILL');
    const storage = diskStorage(dir, () => ({ ...defaultLogConfig, segmentBytes: 4096 }), { nodeId: 1, clusterId: 'kill-test' });
    expect(storage.recovery.cleanShutdown).toBe(false);
    const log = storage.partitionLogs.get(key);
    expect(log?.logEndOffset).toBeGreaterThan(reported);
    log?.batches().forEach((b, i) => expect(b.records[0]?.value).toBe(`record-${i}-0`));
    expect(segmentFiles(dir).length).toBeGreaterThan(5);
    storage.close();
  });
});
