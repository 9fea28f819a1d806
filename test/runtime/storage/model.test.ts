/**
 * The disk log against the model: random sequences of appends (rolling by size and by time),
 * truncations (also below the log start offset), restarts at a new offset, new leader epochs, log start offset moves, retention and
 * reopens (clean, or as after kill -9 with the recovery path), applied to a diskStorage log and to
 * a plain in-memory PartitionLog; after every reopen the two hold the same log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultLogConfig, PartitionLog, type LogConfig } from '../../../src/log/partition-log.js';
import { truncateEpochCache, truncateEpochCacheFromStart } from '../../../src/log/epoch-cache.js';
import { diskStorage, type DiskStorage } from '../../../src/runtime/storage/index.js';
import { address, batch, key, removeDir, tempDir } from './support.js';

const config: LogConfig = { ...defaultLogConfig, segmentBytes: 300, segmentMs: 500, retentionBytes: 600, retentionMs: 2000 };

type Op =
  | { kind: 'append'; count: number; newEpoch: boolean; advanceMs: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'truncateBelowStart'; back: number }
  | { kind: 'truncateFully'; ahead: number }
  | { kind: 'assignEpoch' }
  | { kind: 'raiseStart'; at: number }
  | { kind: 'retention'; highWatermarkAt: number; advanceMs: number }
  | { kind: 'reopen'; clean: boolean };

const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('append' as const), count: fc.integer({ min: 1, max: 3 }), newEpoch: fc.boolean(), advanceMs: fc.integer({ min: 0, max: 300 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fraction }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncateBelowStart' as const), back: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncateFully' as const), ahead: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('assignEpoch' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raiseStart' as const), at: fraction }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retention' as const), highWatermarkAt: fraction, advanceMs: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reopen' as const), clean: fc.boolean() }) },
);

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function between(low: number, high: number, at: number): number {
  return low + Math.floor(at * (high - low + 1 - 1e-9));
}

/**
 * The model as a restart leaves it (LogLoader): the epoch cache cut to the log's bounds
 * (LeaderEpochFileCache.truncateFromStart and truncateFromEnd), so an epoch with no record yet is
 * forgotten and of two epochs starting at one offset only the later stays.
 */
function restarted(model: PartitionLog, nowMs: number): PartitionLog {
  const bases = model.segmentBaseOffsets();
  const segments = bases.map((baseOffset, i) => ({ baseOffset, batches: model.batches().filter((b) => b.baseOffset >= baseOffset && b.baseOffset < (bases[i + 1] ?? Infinity)) }));
  const epochCache = truncateEpochCache(truncateEpochCacheFromStart(model.epochCache, model.logStartOffset), model.logEndOffset);
  const log = new PartitionLog(model.config, nowMs);
  log.load({ segments, logStartOffset: model.logStartOffset, epochCache, recoveryPoint: 0 }, nowMs);
  return log;
}

function run(ops: readonly Op[]): void {
  const dir = tempDir();
  dirs.push(dir);
  const open = (): DiskStorage => diskStorage(dir, () => config, { fsync: false, nowMs: 0 });
  let storage = open();
  let disk = storage.partitionLogs.open(key, address, 0);
  let model = new PartitionLog(config, 0);
  let nowMs = 0;
  let epoch = 0;
  const both = (f: (log: PartitionLog) => void): void => {
    f(model);
    f(disk);
  };
  for (const o of ops) {
    switch (o.kind) {
      case 'append': {
        nowMs += o.advanceMs;
        if (o.newEpoch) epoch++;
        const b = batch(model.logEndOffset, o.count, epoch, nowMs, 'v'.repeat(20));
        both((log) => log.append(b, nowMs));
        break;
      }
      case 'truncate':
        both((log) => log.truncateTo(between(model.logStartOffset, model.logEndOffset, o.at), nowMs));
        break;
      case 'truncateBelowStart': {
        // A follower told the leader's log ends below its own log start (UnifiedLog.truncateTo starts the log over there).
        const offset = Math.max(0, model.logStartOffset - o.back);
        both((log) => log.truncateTo(offset, nowMs));
        break;
      }
      case 'truncateFully': {
        const offset = model.logEndOffset + o.ahead;
        both((log) => log.truncateFullyAndStartAt(offset, nowMs));
        break;
      }
      case 'assignEpoch':
        epoch++;
        both((log) => log.assignEpochStartOffset(epoch, model.logEndOffset));
        break;
      case 'raiseStart':
        both((log) => log.raiseLogStartOffset(between(model.logStartOffset, model.logEndOffset, o.at)));
        break;
      case 'retention': {
        nowMs += o.advanceMs;
        const highWatermark = between(model.logStartOffset, model.logEndOffset, o.highWatermarkAt);
        const deleted = model.deleteOldSegments(nowMs, highWatermark);
        expect(disk.deleteOldSegments(nowMs, highWatermark)).toBe(deleted);
        break;
      }
      case 'reopen':
        if (o.clean) storage.close();
        else storage.checkpoint(); // a kill -9 after the periodic checkpoints: no flush, no clean-shutdown marker
        storage = open();
        disk = storage.partitionLogs.get(key) as PartitionLog as never;
        model = restarted(model, nowMs);
        expect(disk.epochCache).toEqual(model.epochCache);
        expect(storage.recovery.partitions[0]?.truncatedBytes).toBe(0);
        break;
    }
    expect({ start: disk.logStartOffset, end: disk.logEndOffset }).toEqual({ start: model.logStartOffset, end: model.logEndOffset });
  }
  storage.close();
  const reopened = open().partitionLogs.get(key) as PartitionLog;
  model = restarted(model, nowMs);
  expect(reopened.batches()).toEqual(model.batches());
  expect(reopened.segmentBaseOffsets()).toEqual(model.segmentBaseOffsets());
  expect(reopened.epochCache).toEqual(model.epochCache);
  expect({ start: reopened.logStartOffset, end: reopened.logEndOffset }).toEqual({ start: model.logStartOffset, end: model.logEndOffset });
}

describe('the disk log against the in-memory model', () => {
  it('a reopened store holds the log the model holds, after any sequence of appends, rolls, truncations, retention and restarts', () => {
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => run(ops)), { numRuns: 60 });
  });
});
