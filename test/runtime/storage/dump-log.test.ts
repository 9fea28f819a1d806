/** `kspec dump-log`: a segment file in the words of Kafka's kafka-dump-log.sh (DumpLogSegments). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { diskStorage } from '../../../src/runtime/storage/index.js';
import { address, batch, key, partitionDir, removeDir, smallSegments, tempDir } from './support.js';

let output: string[] = [];
let dir = '';
beforeEach(() => {
  output = [];
  dir = tempDir();
  vi.spyOn(console, 'log').mockImplementation((...a) => void output.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void output.push(a.join(' ')));
});
afterEach(() => {
  vi.restoreAllMocks();
  removeDir(dir);
});

describe('kspec dump-log', () => {
  it('prints each batch and, with --print-data-log, each record as kafka-dump-log.sh does', async () => {
    const storage = diskStorage(dir, () => smallSegments, { fsync: false });
    const log = storage.partitionLogs.open(key, address, 0);
    log.append({ ...batch(0, 2, 5, 1_700_000_000_000, 'v'), producerId: 42, producerEpoch: 1, baseSequence: 7 }, 0);
    storage.close();
    const file = path.join(partitionDir(dir), '00000000000000000000.log');
    fs.appendFileSync(file, new Uint8Array(5));
    expect(await main(['dump-log', '--print-data-log', file])).toBe(0);
    expect(output[0]).toBe(`Dumping ${file}`);
    expect(output[1]).toBe('Log starting offset: 0');
    expect(output[2]).toMatch(
      /^baseOffset: 0 lastOffset: 1 count: 2 baseSequence: 7 lastSequence: 8 producerId: 42 producerEpoch: 1 partitionLeaderEpoch: 5 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1700000000001 size: \d+ magic: 2 compresscodec: none crc: \d+ isvalid: true$/,
    );
    expect(output.slice(3, 5)).toEqual([
      '| offset: 0 CreateTime: 1700000000000 keySize: -1 valueSize: 2 sequence: 7 headerKeys: [] payload: v0',
      '| offset: 1 CreateTime: 1700000000001 keySize: 2 valueSize: 2 sequence: 8 headerKeys: [] key: k1 payload: v1',
    ]);
    expect(output[5]).toBe('Found 5 invalid bytes at the end of 00000000000000000000.log');
  });

  it('refuses a file it cannot read with one line and exit code 2', async () => {
    expect(await main(['dump-log', path.join(dir, '00000000000000000000.log')])).toBe(2);
    expect(output.join('\n')).toMatch(/cannot read .*00000000000000000000\.log: ENOENT/);
  });
});
