import { describe, expect, it } from 'vitest';
import {
  decodeBatchRecords,
  decodeControlRecord,
  encodeRecordBatch,
  endTransactionMarkerRecord,
  leaderChangeRecord,
  readBatchHeaders,
  RecordsDecodeError,
} from '../../src/protocol/records/index.js';

const bound = { maxUncompressedBytes: 1 << 20 };

/** A control batch with one record, as a transaction coordinator or a KRaft leader writes it. */
function controlBatch(key: Uint8Array, value: Uint8Array | null) {
  const bytes = encodeRecordBatch({ baseTimestamp: 1n, isControl: true, isTransactional: true, producerId: 42n, producerEpoch: 3, records: [{ key, value }] });
  const [batch] = readBatchHeaders(bytes);
  expect(batch!.header.isControl).toBe(true);
  return decodeBatchRecords(batch!, bound)[0]!;
}

describe('control records', () => {
  it('decode a COMMIT and an ABORT marker from their wire bytes (ControlRecordType, EndTransactionMarker v0)', () => {
    const commit = controlBatch(Uint8Array.of(0, 0, 0, 1), Uint8Array.of(0, 0, 0, 0, 0, 7));
    expect(decodeControlRecord(commit)).toEqual({ type: 'COMMIT', version: 0, coordinatorEpoch: 7 });
    const abort = controlBatch(Uint8Array.of(0, 0, 0, 0), Uint8Array.of(0, 0, 0xff, 0xff, 0xff, 0xff));
    expect(decodeControlRecord(abort)).toEqual({ type: 'ABORT', version: 0, coordinatorEpoch: -1 });
  });

  it('decode a LeaderChangeMessage v0 (flexible: compact arrays, tagged fields)', () => {
    const value = Uint8Array.of(0, 0, 0, 0, 0, 1, 3, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 1, 0, 0);
    expect(decodeControlRecord(controlBatch(Uint8Array.of(0, 0, 0, 2), value))).toEqual({ type: 'LEADER_CHANGE', version: 0, leaderId: 1, voters: [1, 2], grantingVoters: [1] });
  });

  it('our marker and leader-change builders write exactly those bytes', () => {
    expect(endTransactionMarkerRecord('COMMIT', 7)).toEqual({ key: Uint8Array.of(0, 0, 0, 1), value: Uint8Array.of(0, 0, 0, 0, 0, 7) });
    expect(leaderChangeRecord(1, [1, 2], [1])).toEqual({ key: Uint8Array.of(0, 0, 0, 2), value: Uint8Array.of(0, 0, 0, 0, 0, 1, 3, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 1, 0, 0) });
  });

  it('name the snapshot and KRaft types, and an unknown type as UNKNOWN (readers ignore it)', () => {
    expect(decodeControlRecord(controlBatch(Uint8Array.of(0, 0, 0, 3), Uint8Array.of(9)))).toMatchObject({ type: 'SNAPSHOT_HEADER' });
    expect(decodeControlRecord(controlBatch(Uint8Array.of(0, 0, 0, 6), null))).toEqual({ type: 'KRAFT_VOTERS', value: null });
    expect(decodeControlRecord(controlBatch(Uint8Array.of(0, 0, 0, 99), null))).toEqual({ type: 'UNKNOWN', typeId: 99, value: null });
  });

  it('refuse a short key, a negative key version, a short marker and an oversized voter count', () => {
    const refused = (key: Uint8Array | null, value: Uint8Array | null) => {
      try {
        decodeControlRecord({ key, value });
      } catch (error) {
        expect(error).toBeInstanceOf(RecordsDecodeError);
        return (error as RecordsDecodeError).kind;
      }
      throw new Error('accepted');
    };
    expect(refused(Uint8Array.of(0, 0, 1), null)).toBe('invalid-record');
    expect(refused(null, null)).toBe('invalid-record');
    expect(refused(Uint8Array.of(0xff, 0xff, 0, 1), Uint8Array.of(0, 0, 0, 0, 0, 1))).toBe('invalid-record');
    expect(refused(Uint8Array.of(0, 0, 0, 1), Uint8Array.of(0, 0, 0))).toBe('invalid-record');
    expect(refused(Uint8Array.of(0, 0, 0, 2), Uint8Array.of(0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f))).toBe('invalid-record');
  });
});
