import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultLogConfig, type LogConfig, type RecordBatch } from '../../../src/log/partition-log.js';

export const address = { topic: 'orders', topicId: 'T2rCbqV6RtWaR1bOsQ3Dhw', partition: 3 };
export const key = 'orders-3';

/** Each batch of one 10-byte record is 78 bytes in the model's accounting: segments of 200 bytes hold two. */
export const smallSegments: LogConfig = { ...defaultLogConfig, segmentBytes: 200 };

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-disk-'));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function batch(baseOffset: number, count: number, epoch = 0, timestamp = 1_700_000_000_000, value = 'x'.repeat(10)): RecordBatch {
  return {
    baseOffset, lastOffsetDelta: count - 1, partitionLeaderEpoch: epoch, producerId: -1, producerEpoch: -1, baseSequence: -1, maxTimestamp: timestamp + count - 1,
    records: Array.from({ length: count }, (_, i) => ({ offsetDelta: i, timestamp: timestamp + i, key: i % 2 === 0 ? null : `k${i}`, value: `${value}${i}` })),
  };
}

export const partitionDir = (dir: string): string => path.join(dir, key);

export function segmentFiles(dir: string): string[] {
  return fs.readdirSync(partitionDir(dir)).filter((f) => f.endsWith('.log')).sort();
}
