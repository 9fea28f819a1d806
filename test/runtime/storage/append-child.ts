/**
 * A child process for the kill -9 test: appends one-record batches to a disk log for ever and
 * reports each append on stdout once it has returned (stdout to a pipe is synchronous on Linux).
 * Usage: append-child.ts <dir>
 */
import { defaultLogConfig } from '../../../src/log/partition-log.js';
import { diskStorage } from '../../../src/runtime/storage/index.js';
import { address, batch, key } from './support.js';

const dir = process.argv[2] as string;
const storage = diskStorage(dir, () => ({ ...defaultLogConfig, segmentBytes: 4096 }), { nodeId: 1, clusterId: 'kill-test' });
const log = storage.partitionLogs.open(key, address, 0);
for (let i = log.logEndOffset; ; i++) {
  const nowMs = Date.now();
  log.append(batch(i, 1, 1, nowMs, `record-${i}-`), nowMs);
  process.stdout.write(`${i}\n`);
}
