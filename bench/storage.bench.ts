/**
 * `npm run bench:storage`: the disk partition log's write path and its recovery, beside a bare
 * fs.writeSync of the same bytes to one file (the floor: what any write-through log pays).
 *
 * Rows, each writing KSPEC_BENCH_STORAGE_MB (default 64) MB in batches of 100 records of 100
 * bytes, segments of 64 MB, to os.tmpdir():
 * - bare writeSync: the encoded batches written back to back;
 * - model batches: append() of the model's string batches (encodeRecordBatch on each, default flush policy);
 * - raw batches: append() of batches that carry their Kafka bytes (the live runtime's path: no encoding);
 * - flush.messages=1: raw batches, fsync after every append (a sixteenth of the data);
 * - recovery: reopen after an unclean shutdown with no recovery point (every batch CRC-checked and decoded).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultLogConfig, type LogConfig, type RecordBatch } from '../src/log/partition-log.js';
import { diskStorage } from '../src/runtime/storage/index.js';
import { encodeBatch } from '../src/runtime/storage/batch-codec.js';

const TOTAL_MB = Number(process.env['KSPEC_BENCH_STORAGE_MB'] ?? 64);
const RECORDS_PER_BATCH = 100;
const VALUE = 'v'.repeat(100);
const address = { topic: 'bench', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partition: 0 };
const config: LogConfig = { ...defaultLogConfig, segmentBytes: 64 * 1024 * 1024 };

function modelBatch(baseOffset: number, nowMs: number): RecordBatch {
  return {
    baseOffset, lastOffsetDelta: RECORDS_PER_BATCH - 1, partitionLeaderEpoch: 1, producerId: -1, producerEpoch: -1, baseSequence: -1, maxTimestamp: nowMs,
    records: Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({ offsetDelta: i, timestamp: nowMs, key: null, value: VALUE })),
  };
}

const batchBytes = encodeBatch(modelBatch(0, Date.now())).length;
const allBatches = Math.ceil((TOTAL_MB * 1024 * 1024) / batchBytes);

function row(name: string, bytes: number, ms: number, extra = ''): void {
  const mbPerSecond = bytes / 1024 / 1024 / (ms / 1000);
  console.log(`${name.padEnd(22)} ${(bytes / 1024 / 1024).toFixed(0).padStart(5)} MB  ${ms.toFixed(0).padStart(6)} ms  ${mbPerSecond.toFixed(1).padStart(7)} MB/s  ${extra}`);
}

function withDir<T>(run: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-bench-storage-'));
  try {
    return run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function bare(): void {
  const batches = allBatches;
  withDir((dir) => {
    const nowMs = Date.now();
    const prepared = Array.from({ length: batches }, (_, i) => encodeBatch(modelBatch(i * RECORDS_PER_BATCH, nowMs)));
    const fd = fs.openSync(path.join(dir, 'bare.log'), 'a');
    const start = performance.now();
    for (const bytes of prepared) fs.writeSync(fd, bytes);
    const ms = performance.now() - start;
    fs.closeSync(fd);
    row('bare writeSync', batches * batchBytes, ms);
  });
}

function appends(name: string, raw: boolean, flushMessages: number, thenRecover: boolean, share = 1): void {
  const batches = Math.ceil(allBatches * share);
  withDir((dir) => {
    const nowMs = Date.now();
    const prepared = Array.from({ length: batches }, (_, i) => {
      const batch = modelBatch(i * RECORDS_PER_BATCH, nowMs);
      if (raw) Object.defineProperty(batch, 'bytes', { value: encodeBatch(batch), enumerable: false });
      return batch;
    });
    const storage = diskStorage(dir, () => ({ ...config, flushMessages }), { nowMs });
    const log = storage.partitionLogs.open('bench-0', address, nowMs);
    const start = performance.now();
    for (const batch of prepared) log.append(batch, nowMs);
    const ms = performance.now() - start;
    row(name, batches * batchBytes, ms, `${((batches * RECORDS_PER_BATCH) / (ms / 1000) / 1000).toFixed(0)}k records/s`);
    if (!thenRecover) return storage.close();
    // No close: the next open finds no clean-shutdown marker and no recovery point.
    const reopenStart = performance.now();
    const reopened = diskStorage(dir, () => config, { nowMs });
    const reopenMs = performance.now() - reopenStart;
    const recovered = reopened.partitionLogs.get('bench-0')?.logEndOffset ?? 0;
    row('recovery (unclean)', batches * batchBytes, reopenMs, `${recovered} records recovered`);
    reopened.close();
  });
}

console.log(`${allBatches} batches of ${RECORDS_PER_BATCH} records of ${VALUE.length} bytes (${batchBytes} bytes each), node ${process.version}, ${os.cpus().length} cpus, ${os.tmpdir()}`);
bare();
appends('model batches', false, Number.MAX_SAFE_INTEGER, true);
appends('raw batches', true, Number.MAX_SAFE_INTEGER, false);
// An fsync per append is slow on any disk: a sixteenth of the data is enough to measure it.
appends('flush.messages=1', true, 1, false, 1 / 16);
