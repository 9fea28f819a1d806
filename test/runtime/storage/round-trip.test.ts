/**
 * diskStorage round trips: what the node writes through the storage interfaces is what a new
 * storage opened on the same directory holds, in Kafka's file layout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diskStorage } from '../../../src/runtime/storage/index.js';
import { readBatchHeaders, decodeBatchRecords, encodeRecordBatch } from '../../../src/protocol/records/index.js';
import { address, batch, key, partitionDir, removeDir, segmentFiles, smallSegments, tempDir } from './support.js';

const dirs: string[] = [];
const newDir = (): string => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach(removeDir));

describe('diskStorage', () => {
  it('keeps a partition log across a clean close: batches, segments, log start offset, epoch cache, high watermark', () => {
    const dir = newDir();
    const storage = diskStorage(dir, () => smallSegments, { nodeId: 1, clusterId: 'MkU3OEVBNTcwNTJENDM2Qk' });
    const log = storage.partitionLogs.open(key, address, 0);
    for (let i = 0; i < 7; i++) log.append(batch(log.logEndOffset, 1, i < 3 ? 1 : 4), 0);
    log.raiseLogStartOffset(2);
    storage.highWatermarks.write(key, 5);
    storage.close();

    expect(segmentFiles(dir)).toEqual(['00000000000000000000.log', '00000000000000000002.log', '00000000000000000004.log', '00000000000000000006.log']);
    const reopened = diskStorage(dir, () => smallSegments, { nodeId: 1, clusterId: 'MkU3OEVBNTcwNTJENDM2Qk' });
    expect(reopened.recovery.cleanShutdown).toBe(true);
    const again = reopened.partitionLogs.get(key);
    expect(again?.batches()).toEqual(log.batches());
    expect(again?.segmentBaseOffsets()).toEqual(log.segmentBaseOffsets());
    expect(again?.logStartOffset).toBe(2);
    expect(again?.logEndOffset).toBe(7);
    expect(again?.epochCache).toEqual([{ epoch: 1, startOffset: 2 }, { epoch: 4, startOffset: 3 }]);
    expect(reopened.highWatermarks.read(key)).toBe(5);
    reopened.close();
  });

  it('writes segments Kafka can read: v2 batches with baseOffset and partitionLeaderEpoch set, CRC32C valid, records as appended', () => {
    const dir = newDir();
    const storage = diskStorage(dir, () => smallSegments);
    const log = storage.partitionLogs.open(key, address, 0);
    log.append(batch(0, 3, 7, 1_700_000_000_000, 'v'), 0);
    log.append({ ...batch(3, 2, 7), producerId: 4000, producerEpoch: 2, baseSequence: 10 }, 0);
    storage.close();
    const bytes = fs.readFileSync(path.join(partitionDir(dir), '00000000000000000000.log'));
    const views = readBatchHeaders(bytes, { verifyCrc: true });
    expect(views.map((v) => [v.header.baseOffset, v.header.lastOffsetDelta, v.header.partitionLeaderEpoch, v.header.magic])).toEqual([[0n, 2, 7, 2], [3n, 1, 7, 2]]);
    expect(views[1]?.header).toMatchObject({ producerId: 4000n, producerEpoch: 2, baseSequence: 10, maxTimestamp: 1_700_000_000_001n });
    const records = decodeBatchRecords(views[0]!, { maxUncompressedBytes: 1 << 20 });
    expect(records.map((r) => [r.offset, r.timestamp, r.key === null ? null : Buffer.from(r.key).toString(), Buffer.from(r.value!).toString()])).toEqual([
      [0n, 1_700_000_000_000n, null, 'v0'],
      [1n, 1_700_000_000_001n, 'k1', 'v1'],
      [2n, 1_700_000_000_002n, null, 'v2'],
    ]);
  });

  it('writes the checkpoints in Kafka formats: version 0, a count, then entries', () => {
    const dir = newDir();
    const storage = diskStorage(dir, () => smallSegments, { nodeId: 2, clusterId: 'MkU3OEVBNTcwNTJENDM2Qk' });
    const log = storage.partitionLogs.open(key, address, 0);
    log.append(batch(0, 2, 3), 0);
    log.append(batch(2, 2, 5), 0);
    log.raiseLogStartOffset(1);
    storage.highWatermarks.write(key, 4);
    storage.close();
    const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');
    expect(read('orders-3/leader-epoch-checkpoint')).toBe('0\n2\n3 1\n5 2\n');
    expect(read('replication-offset-checkpoint')).toBe('0\n1\norders 3 4\n');
    expect(read('recovery-point-offset-checkpoint')).toBe('0\n1\norders 3 4\n');
    expect(read('log-start-offset-checkpoint')).toBe('0\n1\norders 3 1\n');
    expect(read('orders-3/partition.metadata')).toBe('version: 0\ntopic_id: T2rCbqV6RtWaR1bOsQ3Dhw');
    expect(read('meta.properties')).toMatch(/^#\n#\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}\nnode\.id=2\ndirectory\.id=[A-Za-z0-9_-]{22}\nversion=1\ncluster\.id=MkU3OEVBNTcwNTJENDM2Qk\n$/);
    expect(fs.existsSync(path.join(dir, '.kafka_cleanshutdown'))).toBe(true);
  });

  it('refuses a log directory of another node', () => {
    const dir = newDir();
    diskStorage(dir, () => smallSegments, { nodeId: 1, clusterId: 'c1' }).close();
    expect(() => diskStorage(dir, () => smallSegments, { nodeId: 2, clusterId: 'c1' })).toThrow(/stored node id 1 doesn't match previous node id 2/);
  });

  it('keeps the metadata log and the quorum state in __cluster_metadata-0', () => {
    const dir = newDir();
    const storage = diskStorage(dir, () => smallSegments, { voters: [1, 2, 3] });
    expect(storage.quorumState.read()).toBeUndefined();
    storage.metadataLog.append([{ offset: 0, epoch: 1, value: 'a' }, { offset: 1, epoch: 1, value: 'b' }, { offset: 2, epoch: 2, value: 'c' }]);
    storage.metadataLog.append([{ offset: 3, epoch: 2, value: 'd' }]);
    storage.metadataLog.truncateTo(1);
    storage.metadataLog.append([{ offset: 1, epoch: 3, value: 'e' }]);
    storage.quorumState.write({ currentEpoch: 3, votedFor: 2, leaderId: 2, logEndOffset: 2, epochCache: [] });
    storage.close();
    expect(fs.readFileSync(path.join(dir, '__cluster_metadata-0/quorum-state'), 'utf8')).toBe(
      '{"clusterId":"","leaderId":2,"leaderEpoch":3,"votedId":2,"appliedOffset":0,"currentVoters":[{"voterId":1},{"voterId":2},{"voterId":3}],"data_version":0}',
    );
    const reopened = diskStorage(dir, () => smallSegments);
    expect(reopened.metadataLog.all()).toEqual([{ offset: 0, epoch: 1, value: 'a' }, { offset: 1, epoch: 3, value: 'e' }]);
    expect(reopened.quorumState.read()).toEqual({ currentEpoch: 3, votedFor: 2, leaderId: 2, logEndOffset: 2, epochCache: [{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 1 }] });
    reopened.close();
  });

  it('starts a node whose quorum-state was never written unattached in its log\'s last epoch (QuorumState.initialize)', () => {
    const dir = newDir();
    const storage = diskStorage(dir, () => smallSegments);
    storage.metadataLog.append([{ offset: 0, epoch: 4, value: 'a' }]);
    storage.close();
    expect(diskStorage(dir, () => smallSegments).quorumState.read()).toEqual({ currentEpoch: 4, votedFor: null, leaderId: null, logEndOffset: 1, epochCache: [{ epoch: 4, startOffset: 0 }] });
  });
});

describe('the flush policy', () => {
  it('leaves appends to the operating system by default: the recovery point moves only when a segment rolls (UnifiedLog.roll flushes the old one)', () => {
    const dir = newDir();
    const storage = diskStorage(dir, () => smallSegments, { fsync: false });
    const log = storage.partitionLogs.open(key, address, 0);
    for (let i = 0; i < 3; i++) log.append(batch(i, 1), 0);
    storage.checkpoint();
    expect(fs.readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 3 2\n');
  });

  it('flushes every flush.messages records', () => {
    const dir = newDir();
    const storage = diskStorage(dir, () => ({ ...smallSegments, segmentBytes: 1 << 20, flushMessages: 2 }), { fsync: false });
    const log = storage.partitionLogs.open(key, address, 0);
    for (let i = 0; i < 5; i++) log.append(batch(i, 1), 0);
    storage.checkpoint();
    expect(fs.readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 3 4\n');
  });

  it('flushes a log whose flush.ms has passed when the flusher runs (LogManager.flushDirtyLogs)', () => {
    const dir = newDir();
    const storage = diskStorage(dir, () => ({ ...smallSegments, segmentBytes: 1 << 20, flushMs: 1000 }), { fsync: false, nowMs: 0 });
    const log = storage.partitionLogs.open(key, address, 0);
    log.append(batch(0, 3), 0);
    storage.flushDirtyLogs(999);
    storage.checkpoint();
    expect(fs.readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 3 0\n');
    storage.flushDirtyLogs(1000);
    storage.checkpoint();
    expect(fs.readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 3 3\n');
  });
});

describe('batches that carry their Kafka bytes (the live runtime path)', () => {
  it('are written byte for byte with the offset and epoch the log assigned, and read back with those bytes', () => {
    const dir = newDir();
    const storage = diskStorage(dir, () => smallSegments, { fsync: false });
    const log = storage.partitionLogs.open(key, address, 0);
    log.append(batch(0, 2, 1), 0);
    const sent = encodeRecordBatch({
      baseOffset: 0n, compression: 'gzip', baseTimestamp: 1_700_000_000_000n, producerId: 7n, producerEpoch: 0, baseSequence: 0,
      records: [{ key: new Uint8Array([0xff, 0x00]), value: Buffer.from('binary key'), headers: [{ key: 'h', value: Buffer.from('1') }] }],
    });
    const model = { ...batch(2, 1, 3), producerId: 7, producerEpoch: 0, baseSequence: 0, maxTimestamp: 1_700_000_000_000 };
    Object.defineProperty(model, 'bytes', { value: sent.slice(), enumerable: false });
    log.append(model, 0);
    storage.close();
    const view = readBatchHeaders(fs.readFileSync(path.join(partitionDir(dir), '00000000000000000000.log')))[1];
    expect(view?.header).toMatchObject({ baseOffset: 2n, partitionLeaderEpoch: 3, compression: 'gzip', producerId: 7n });
    // Past baseOffset, batchLength and partitionLeaderEpoch, the bytes are the client's.
    const file = view?.bytes ?? new Uint8Array();
    expect(Buffer.from(file.subarray(16)).equals(Buffer.from(sent.subarray(16)))).toBe(true);
    const reopened = diskStorage(dir, () => smallSegments, { fsync: false }).partitionLogs.get(key);
    const again = reopened?.batches()[1] as { bytes?: Uint8Array } | undefined;
    expect(Buffer.from(again?.bytes ?? []).equals(file)).toBe(true);
  });
});

describe('files it cannot read', () => {
  it('name the file and the fault in one line', () => {
    const dir = newDir();
    diskStorage(dir, () => smallSegments, { fsync: false }).close();
    fs.writeFileSync(path.join(dir, 'replication-offset-checkpoint'), '0\n2\norders 3 4\n');
    expect(() => diskStorage(dir, () => smallSegments)).toThrow(/replication-offset-checkpoint: expected 2 entries, but found 1$/);
    fs.writeFileSync(path.join(dir, 'replication-offset-checkpoint'), '1\n0\n');
    expect(() => diskStorage(dir, () => smallSegments)).toThrow(/unrecognised version 1, expected version 0/);
  });

  it('reads a quorum-state of data_version 1 (kraft.version 1) as well', () => {
    const dir = newDir();
    fs.mkdirSync(path.join(dir, '__cluster_metadata-0'), { recursive: true });
    fs.writeFileSync(path.join(dir, '__cluster_metadata-0/quorum-state'), '{"leaderId":-1,"leaderEpoch":9,"votedId":3,"votedDirectoryId":"AAAAAAAAAAAAAAAAAAAAAA","data_version":1}');
    expect(diskStorage(dir, () => smallSegments).quorumState.read()).toEqual({ currentEpoch: 9, votedFor: 3, leaderId: null, logEndOffset: 0, epochCache: [] });
  });
});
