import { RecordsDecodeError } from './errors.js';
import { RecordReader } from './reader.js';
import type { DecodedRecord } from './records.js';
import { RecordWriter } from './writer.js';

/**
 * Control records: the single record of a batch with the control attribute. Its key is
 * [version int16][type int16] (ControlRecordType); its value depends on the type. Transaction markers
 * (EndTransactionMarker: [version int16][coordinatorEpoch int32]) and KRaft's LeaderChangeMessage are
 * decoded; the snapshot and KRaft membership types are named, with their value left as bytes.
 */
export const controlRecordTypes = {
  ABORT: 0,
  COMMIT: 1,
  LEADER_CHANGE: 2,
  SNAPSHOT_HEADER: 3,
  SNAPSHOT_FOOTER: 4,
  KRAFT_VERSION: 5,
  KRAFT_VOTERS: 6,
} as const;
export type ControlRecordTypeName = keyof typeof controlRecordTypes;

export type ControlRecord =
  | { type: 'ABORT' | 'COMMIT'; version: number; coordinatorEpoch: number }
  | { type: 'LEADER_CHANGE'; version: number; leaderId: number; voters: number[]; grantingVoters: number[] }
  | { type: Exclude<ControlRecordTypeName, 'ABORT' | 'COMMIT' | 'LEADER_CHANGE'>; value: Uint8Array | null }
  /** A type this version does not know: Kafka's ControlRecordType.UNKNOWN, which readers ignore. */
  | { type: 'UNKNOWN'; typeId: number; value: Uint8Array | null };

const typeNames = Object.fromEntries(Object.entries(controlRecordTypes).map(([name, id]) => [id, name])) as Record<number, ControlRecordTypeName>;

/** The control record a control batch's record carries (ControlRecordType.parse, ControlRecordUtils). */
export function decodeControlRecord(record: Pick<DecodedRecord, 'key' | 'value'>): ControlRecord {
  const key = record.key;
  if (key === null || key.length < 4) {
    throw new RecordsDecodeError('invalid-record', 0, `control record key must have at least 4 bytes, found ${key?.length ?? 'null'}`);
  }
  const keyReader = new RecordReader(key, 0, key.length, 'invalid-record', 0, 'offset in the control record key');
  const keyVersion = keyReader.int16();
  if (keyVersion < 0) throw keyReader.fault(`invalid version found for control record: ${keyVersion}`, 0);
  const typeId = keyReader.int16();
  const type = typeNames[typeId];
  if (type === undefined) return { type: 'UNKNOWN', typeId, value: record.value };
  if (type === 'ABORT' || type === 'COMMIT') return { type, ...readEndTransactionMarker(record.value) };
  if (type === 'LEADER_CHANGE') return { type, ...readLeaderChangeMessage(record.value) };
  return { type, value: record.value };
}

function valueReader(value: Uint8Array | null, what: string): RecordReader {
  if (value === null) throw new RecordsDecodeError('invalid-record', 0, `${what} has a null value`);
  return new RecordReader(value, 0, value.length, 'invalid-record', 0, `offset in the ${what} value`);
}

/** EndTransactionMarker.deserializeValue: version 0 is [version int16][coordinatorEpoch int32]; later versions may append. */
function readEndTransactionMarker(value: Uint8Array | null): { version: number; coordinatorEpoch: number } {
  const reader = valueReader(value, 'end transaction marker');
  const version = reader.int16();
  if (version < 0) throw reader.fault(`invalid version found for end transaction marker: ${version}`, 0);
  return { version, coordinatorEpoch: reader.int32() };
}

/**
 * LeaderChangeMessage at version 0 (ControlRecordUtils.LEADER_CHANGE_CURRENT_VERSION), a flexible
 * message: Version int16, LeaderId int32, Voters and GrantingVoters as compact arrays of
 * {VoterId int32, tagged fields}, then tagged fields.
 */
function readLeaderChangeMessage(value: Uint8Array | null): { version: number; leaderId: number; voters: number[]; grantingVoters: number[] } {
  const reader = valueReader(value, 'leader change message');
  const version = reader.int16();
  const leaderId = reader.int32();
  const voters = readVoters(reader);
  const grantingVoters = readVoters(reader);
  skipTaggedFields(reader);
  return { version, leaderId, voters, grantingVoters };
}

function readVoters(reader: RecordReader): number[] {
  const countPlusOne = reader.unsignedVarint();
  if (countPlusOne === 0) throw reader.fault('voters must not be null');
  const count = countPlusOne - 1;
  // Each voter takes at least 5 bytes (VoterId and an empty tagged-field count).
  if (count > reader.remaining() / 5) throw reader.fault(`${count} voters cannot fit in ${reader.remaining()} bytes`);
  const voters: number[] = [];
  for (let i = 0; i < count; i++) {
    voters.push(reader.int32());
    skipTaggedFields(reader);
  }
  return voters;
}

function skipTaggedFields(reader: RecordReader): void {
  const count = reader.unsignedVarint();
  if (count > reader.remaining()) throw reader.fault(`${count} tagged fields cannot fit in ${reader.remaining()} bytes`);
  for (let i = 0; i < count; i++) {
    reader.unsignedVarint();
    reader.take(reader.unsignedVarint(), 'tagged field');
  }
}

/** The key and value of a transaction marker (EndTransactionMarker), to build a control batch. */
export function endTransactionMarkerRecord(type: 'ABORT' | 'COMMIT', coordinatorEpoch: number): { key: Uint8Array; value: Uint8Array } {
  const key = new Uint8Array(4);
  const keyView = new DataView(key.buffer);
  keyView.setInt16(0, 0);
  keyView.setInt16(2, controlRecordTypes[type]);
  const value = new Uint8Array(6);
  const valueView = new DataView(value.buffer);
  valueView.setInt16(0, 0);
  valueView.setInt32(2, coordinatorEpoch);
  return { key, value };
}

/** The key and value of a LeaderChangeMessage v0 control record (KRaft writes one per new leader). */
export function leaderChangeRecord(leaderId: number, voters: readonly number[], grantingVoters: readonly number[]): { key: Uint8Array; value: Uint8Array } {
  const key = new Uint8Array(4);
  new DataView(key.buffer).setInt16(2, controlRecordTypes.LEADER_CHANGE);
  const writer = new RecordWriter(32);
  const int32 = (n: number) => {
    for (const shift of [24, 16, 8, 0]) writer.int8(n >> shift);
  };
  writer.int8(0);
  writer.int8(0); // Version int16 = 0
  int32(leaderId);
  for (const list of [voters, grantingVoters]) {
    writer.unsignedVarint(list.length + 1);
    for (const voterId of list) {
      int32(voterId);
      writer.unsignedVarint(0);
    }
  }
  writer.unsignedVarint(0);
  return { key, value: writer.finish().slice() };
}
