/**
 * The partition log: segment rolls, retention by time / size / log start offset bounded by the
 * high watermark (protocol-rules D.6), whole-batch reads and OFFSET_OUT_OF_RANGE (D.1), the
 * leader-epoch cache (D.3), and flushing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultLogConfig, lastOffsetOf, PartitionLog, type LogConfig, type RecordBatch } from '../../src/log/partition-log.js';
import { endOffsetForEpoch } from '../../src/log/epoch-cache.js';

function batch(baseOffset: number, count: number, epoch = 0, timestamp = 0, valueBytes = 10): RecordBatch {
  return {
    baseOffset, lastOffsetDelta: count - 1, partitionLeaderEpoch: epoch, producerId: -1, producerEpoch: -1, baseSequence: -1, maxTimestamp: timestamp,
    records: Array.from({ length: count }, (_, i) => ({ offsetDelta: i, timestamp, key: null, value: 'x'.repeat(valueBytes) })),
  };
}

/** Each batch of 1 record of 10 bytes is 78 bytes; segments of 200 bytes hold two batches. */
const small: LogConfig = { ...defaultLogConfig, segmentBytes: 200, retentionMs: 1000, retentionBytes: -1 };

function fill(log: PartitionLog, batches: number, timestampOf = (i: number) => i * 100): void {
  for (let i = 0; i < batches; i++) log.append(batch(log.logEndOffset, 1, 0, timestampOf(i)), timestampOf(i));
}

describe('the partition log', () => {
  it('regression (replication sweep, seed 24): truncating at the log end drops an epoch started there with no records', () => {
    // A replica that became leader in epoch 3 at offset 2 and lost leadership before appending:
    // the entry must go, or its fetches keep naming an epoch the new leader never had.
    const log = new PartitionLog(small);
    log.append(batch(0, 2, 1), 0);
    log.assignEpochStartOffset(3, 2);
    expect(log.epochCache).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 2 }]);
    log.truncateTo(2, 0);
    expect(log.epochCache).toEqual([{ epoch: 1, startOffset: 0 }]);
    expect(log.logEndOffset).toBe(2);
  });

  it('UnifiedLog.truncateTo: a target below the log start offset empties the log and starts it at the target (regression: reference seed 128)', () => {
    // A follower whose records retention had all deleted (log [4, 4)) is told the leader's log ends at 1: Kafka's
    // AbstractFetcherThread.fetchOffsetAndTruncate truncates to 1, and UnifiedLog.truncateTo starts the log over
    // there (the first segment's base is above the target). Refusing, or stopping at the log start, left the
    // follower asking for offset 4 from a leader that had only 1, for ever.
    const log = new PartitionLog(small);
    fill(log, 4);
    log.assignEpochStartOffset(2, 4);
    log.deleteOldSegments(5_000, 4);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([4, 4]);
    log.truncateTo(1, 6_000);
    expect([log.logStartOffset, log.logEndOffset, log.recoveryPoint]).toEqual([1, 1, 1]);
    expect(log.segmentBaseOffsets()).toEqual([1]);
    expect(log.epochCache).toEqual([]);
    log.append(batch(1, 1, 3), 6_000);
    expect(log.logEndOffset).toBe(2);
  });

  it('recordAt finds a record and its batch epoch across segments, and nothing outside the log', () => {
    const log = new PartitionLog(small);
    for (let i = 0; i < 5; i++) log.append(batch(log.logEndOffset, 2, i, i), i);
    expect(log.recordAt(7)).toMatchObject({ epoch: 3, value: 'x'.repeat(10) });
    expect(log.recordAt(10)).toBeUndefined();
    expect(log.recordAt(-1)).toBeUndefined();
  });

  it('appends only at the log end offset and rolls segments at segment.bytes', () => {
    const log = new PartitionLog(small);
    fill(log, 5);
    expect(log.logEndOffset).toBe(5);
    expect(log.segmentBaseOffsets()).toEqual([0, 2, 4]);
    expect(() => log.append(batch(7, 1), 0)).toThrow(/append at 7, log end offset is 5/);
  });

  it('rolls a segment older than segment.ms', () => {
    const log = new PartitionLog({ ...defaultLogConfig, segmentMs: 1000 });
    log.append(batch(0, 1, 0, 0), 0);
    log.append(batch(1, 1, 0, 500), 500);
    log.append(batch(2, 1, 0, 1500), 1500);
    expect(log.segmentBaseOffsets()).toEqual([0, 2]);
  });

  it('retention.ms deletes old segments from the front, but never past the high watermark', () => {
    const log = new PartitionLog(small);
    fill(log, 6);
    expect(log.deleteOldSegments(10_000, 3)).toBe(1);
    expect(log.logStartOffset).toBe(2);
    expect(log.deleteOldSegments(10_000, 6)).toBe(2);
    expect(log.logStartOffset).toBe(6);
    expect(log.segmentBaseOffsets()).toEqual([6]);
    expect(log.logEndOffset).toBe(6);
  });

  it('retention.ms and ListOffsets by timestamp read the records\' CreateTime, not when the leader appended them', () => {
    // Records the producer stamped at t=0..300 (CreateTime), appended late, at t=10000.
    const log = new PartitionLog(small);
    for (let i = 0; i < 4; i++) log.append(batch(log.logEndOffset, 1, 0, i * 100), 10_000);
    expect(log.offsetForTimestamp(150, log.logEndOffset)).toEqual({ offset: 2, timestamp: 200 });
    // retention.ms=1000 at t=10001: both segments' largest timestamps (100, 300) are past it (UnifiedLog.deleteRetentionMsBreachedSegments).
    expect(log.deleteOldSegments(10_001, log.logEndOffset)).toBe(2);
    expect(log.logStartOffset).toBe(4);
    // The same records stamped when they were appended (LogAppendTime) are young and stay.
    const appendTime = new PartitionLog(small);
    for (let i = 0; i < 4; i++) appendTime.append(batch(appendTime.logEndOffset, 1, 0, 10_000), 10_000);
    expect(appendTime.deleteOldSegments(10_001, appendTime.logEndOffset)).toBe(0);
  });

  it('retention.ms keeps segments with a recent record', () => {
    const log = new PartitionLog(small);
    fill(log, 4, (i) => (i < 2 ? 0 : 5000));
    expect(log.deleteOldSegments(5500, 4)).toBe(1);
    expect(log.logStartOffset).toBe(2);
  });

  it('retention.bytes deletes the oldest segments while the log stays above the limit', () => {
    const log = new PartitionLog({ ...small, retentionMs: -1, retentionBytes: 200 });
    fill(log, 6);
    expect(log.sizeInBytes).toBe(6 * 78);
    expect(log.deleteOldSegments(0, 6)).toBe(1);
    expect(log.sizeInBytes).toBe(4 * 78);
  });

  it('retention.bytes and retention.ms run as separate passes (UnifiedLog.deleteOldSegments): the size excess is measured before the time pass, which does not add to it', () => {
    // Segments: [0,1] 156 bytes written at 0; [2] 78 bytes at 5000; [3] 198 bytes at 5000 (active).
    const log = new PartitionLog({ ...small, retentionMs: 1000, retentionBytes: 156 + 78 + 198 - 100 });
    log.append(batch(0, 1, 0, 0), 0);
    log.append(batch(1, 1, 0, 0), 0);
    log.append(batch(2, 1, 0, 5000), 5000);
    log.append(batch(3, 1, 0, 5000, 130), 5000);
    expect(log.segmentBaseOffsets()).toEqual([0, 2, 3]);
    // The size pass deletes nothing (the oldest segment is bigger than the 100-byte excess); the
    // time pass deletes the old segment; the young 78-byte segment stays, though it is under the
    // excess measured before the time pass.
    expect(log.deleteOldSegments(5500, 4)).toBe(1);
    expect(log.segmentBaseOffsets()).toEqual([2, 3]);
    expect(log.logStartOffset).toBe(2);
  });

  it('the size pass measures the log after the log-start pass has removed segments below the log start offset', () => {
    // Six 78-byte batches, two per segment; retention.bytes 300 (excess 168 at first).
    const log = new PartitionLog({ ...small, retentionMs: -1, retentionBytes: 300 });
    fill(log, 6);
    log.raiseLogStartOffset(2);
    // Log-start pass: [0,1] goes (312 bytes left, excess 12): the size pass deletes no more.
    expect(log.deleteOldSegments(0, 6)).toBe(1);
    expect(log.segmentBaseOffsets()).toEqual([2, 4]);
  });

  it('raising the log start offset (DeleteRecords) lets the next retention pass remove the segments below it', () => {
    const log = new PartitionLog({ ...small, retentionMs: -1 });
    fill(log, 6);
    log.raiseLogStartOffset(5);
    expect(log.read(4, 6, 1 << 20)).toMatchObject({ error: 'OFFSET_OUT_OF_RANGE', logStartOffset: 5 });
    expect(log.deleteOldSegments(0, 6)).toBe(2);
    expect(log.segmentBaseOffsets()).toEqual([4]);
    expect(log.logStartOffset).toBe(5);
  });

  it('reads whole batches below a bound, at least one even past maxBytes, and rejects offsets outside [start, end]', () => {
    const log = new PartitionLog();
    log.append(batch(0, 3), 0);
    log.append(batch(3, 2), 0);
    log.append(batch(5, 1), 0);
    const read = log.read(1, 5, 1);
    expect(read.error === 'NONE' && read.batches.map((b) => b.baseOffset)).toEqual([0]);
    const bounded = log.read(0, 5, 1 << 20);
    expect(bounded.error === 'NONE' && bounded.batches.map((b) => b.baseOffset)).toEqual([0, 3]);
    expect(log.read(6, 6, 1 << 20)).toEqual({ error: 'NONE', batches: [] });
    expect(log.read(7, 7, 1 << 20)).toMatchObject({ error: 'OFFSET_OUT_OF_RANGE' });
  });

  it('keeps the leader-epoch cache with the log: appends, truncation, and retention from the start', () => {
    const log = new PartitionLog(small);
    log.append(batch(0, 1, 1), 0);
    log.append(batch(1, 1, 1), 0);
    log.append(batch(2, 1, 3), 0);
    log.append(batch(3, 1, 4), 0);
    expect(log.epochCache).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 2 }, { epoch: 4, startOffset: 3 }]);
    expect(endOffsetForEpoch(log.epochCache, log.logEndOffset, 2)).toEqual({ epoch: 1, endOffset: 2 });
    log.truncateTo(3, 0);
    expect(log.epochCache).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 2 }]);
    log.raiseLogStartOffset(1);
    expect(log.epochCache).toEqual([{ epoch: 1, startOffset: 1 }, { epoch: 3, startOffset: 2 }]);
  });

  it('a machine crash loses the unflushed suffix; flush.messages bounds it', () => {
    const log = new PartitionLog();
    fill(log, 3);
    log.flush();
    fill(log, 2);
    expect(log.loseUnflushed(0)).toBe(2);
    expect(log.logEndOffset).toBe(3);
    const eager = new PartitionLog({ ...defaultLogConfig, flushMessages: 1 });
    fill(eager, 3);
    expect(eager.loseUnflushed(0)).toBe(0);
  });

  it('finds the first offset at or after a timestamp, below a bound', () => {
    const log = new PartitionLog();
    fill(log, 5);
    expect(log.offsetForTimestamp(250, 5)).toEqual({ offset: 3, timestamp: 300 });
    expect(log.offsetForTimestamp(250, 3)).toBeNull();
  });

  it('keeps its invariants over random appends, truncations, retention and crashes', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), count: fc.integer({ min: 1, max: 4 }), epochStep: fc.integer({ min: 0, max: 1 }), dt: fc.integer({ min: 0, max: 700 }) }),
      fc.record({ kind: fc.constant('truncate' as const), back: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ kind: fc.constant('retain' as const), hwBack: fc.integer({ min: 0, max: 6 }), dt: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ kind: fc.constant('flush' as const) }),
      fc.record({ kind: fc.constant('crash' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const log = new PartitionLog({ ...small, retentionBytes: 400 });
        let now = 0;
        let epoch = 0;
        for (const o of ops) {
          if (o.kind === 'append') {
            now += o.dt;
            epoch += o.epochStep;
            log.append(batch(log.logEndOffset, o.count, epoch, now), now);
          } else if (o.kind === 'truncate') log.truncateTo(Math.max(log.logStartOffset, log.logEndOffset - o.back), now);
          else if (o.kind === 'retain') {
            now += o.dt;
            log.deleteOldSegments(now, Math.max(log.logStartOffset, log.logEndOffset - o.hwBack));
          } else if (o.kind === 'flush') log.flush();
          else log.loseUnflushed(now);
          // Offsets are contiguous from the first segment's base to the log end offset.
          const batches = log.batches();
          batches.forEach((b, i) => i > 0 && expect(b.baseOffset).toBe(lastOffsetOf(batches[i - 1]!) + 1));
          expect(log.logEndOffset).toBe(batches.length === 0 ? log.logEndOffset : lastOffsetOf(batches.at(-1)!) + 1);
          expect(log.logStartOffset).toBeLessThanOrEqual(log.logEndOffset);
          expect(log.recoveryPoint).toBeLessThanOrEqual(log.logEndOffset);
          const bases = log.segmentBaseOffsets();
          expect([...bases].sort((a, b) => a - b)).toEqual(bases);
          expect(bases[0]!).toBeLessThanOrEqual(log.logStartOffset);
          // The epoch cache: strictly increasing epochs, non-decreasing starts, all within [start, end] (the latest entry survives a log emptied by retention, as in Kafka).
          log.epochCache.forEach((e, i) => {
            if (i > 0) expect(e.epoch).toBeGreaterThan(log.epochCache[i - 1]!.epoch);
            expect(e.startOffset).toBeGreaterThanOrEqual(log.logStartOffset);
            expect(e.startOffset).toBeLessThanOrEqual(log.logEndOffset);
          });
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
