/**
 * Kafka's text checkpoint files (org.apache.kafka.server.common.CheckpointFile): a version line, a
 * count line, then one entry per line, fields separated by whitespace.
 *
 * - leader-epoch-checkpoint, in each partition directory (LeaderEpochCheckpointFile): version 0,
 *   entries `epoch startOffset`.
 * - replication-offset-checkpoint (high watermarks), recovery-point-offset-checkpoint and
 *   log-start-offset-checkpoint, one each per log directory (OffsetCheckpointFile): version 0,
 *   entries `topic partition offset`.
 */
import type { EpochEntry } from '../../log/epoch-cache.js';
import { readFileIfExists, StorageFormatError, writeFileAtomically, type Sync } from './files.js';

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
/** ReplicaManager.HighWatermarkFilename */
export const REPLICATION_OFFSET_CHECKPOINT = 'replication-offset-checkpoint';
/** LogManager.RecoveryPointCheckpointFile */
export const RECOVERY_POINT_OFFSET_CHECKPOINT = 'recovery-point-offset-checkpoint';
/** LogManager.LogStartOffsetCheckpointFile */
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';

/** LeaderEpochCheckpointFile.CURRENT_VERSION and OffsetCheckpointFile.CURRENT_VERSION */
const CHECKPOINT_VERSION = 0;

function formatCheckpoint(lines: readonly string[]): string {
  return `${CHECKPOINT_VERSION}\n${lines.length}\n${lines.map((l) => `${l}\n`).join('')}`;
}

/** CheckpointFile.CheckpointReadBuffer.read: the entries' fields, checked against the version and count lines. */
function parseCheckpoint(file: string, text: string, fieldsPerLine: number): string[][] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return [];
  const version = parseInteger(file, lines[0] as string);
  if (version !== CHECKPOINT_VERSION) throw new StorageFormatError(file, `unrecognised version ${version}, expected version ${CHECKPOINT_VERSION}`);
  if (lines.length === 1) return [];
  const expected = parseInteger(file, lines[1] as string);
  const entries = lines.slice(2).map((line) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== fieldsPerLine) throw new StorageFormatError(file, `malformed line: ${line}`);
    return fields;
  });
  if (entries.length !== expected) throw new StorageFormatError(file, `expected ${expected} entries, but found ${entries.length}`);
  return entries;
}

function parseInteger(file: string, text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new StorageFormatError(file, `malformed line: ${text}`);
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value)) throw new StorageFormatError(file, `${text} is beyond the safe integers`);
  return value;
}

export function formatLeaderEpochCheckpoint(entries: readonly EpochEntry[]): string {
  return formatCheckpoint(entries.map((e) => `${e.epoch} ${e.startOffset}`));
}

export function parseLeaderEpochCheckpoint(file: string, text: string): EpochEntry[] {
  return parseCheckpoint(file, text, 2).map(([epoch, startOffset]) => ({ epoch: parseInteger(file, epoch as string), startOffset: parseInteger(file, startOffset as string) }));
}

export function writeLeaderEpochCheckpoint(file: string, entries: readonly EpochEntry[], sync: Sync): void {
  writeFileAtomically(file, formatLeaderEpochCheckpoint(entries), sync);
}

export function readLeaderEpochCheckpoint(file: string): EpochEntry[] {
  const text = readFileIfExists(file);
  return text === undefined ? [] : parseLeaderEpochCheckpoint(file, text);
}

/** Offsets by partition key (`topic-partition`, the directory name). */
export type PartitionOffsets = ReadonlyMap<string, number>;

/** Kafka's TopicPartition.toString: the topic, a dash, the partition. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** The topic and partition of a key or a partition directory's name (the partition follows the last dash: LocalLog.parseTopicPartitionName). */
export function parsePartitionKey(key: string): { topic: string; partition: number } | undefined {
  const dash = key.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const partitionText = key.slice(dash + 1);
  if (!/^\d+$/.test(partitionText)) return undefined;
  return { topic: key.slice(0, dash), partition: Number(partitionText) };
}

export function formatOffsetCheckpoint(offsets: PartitionOffsets): string {
  const lines = [...offsets].map(([key, offset]) => {
    const parsed = parsePartitionKey(key);
    if (parsed === undefined) throw new Error(`not a partition key: ${key}`);
    return `${parsed.topic} ${parsed.partition} ${offset}`;
  });
  return formatCheckpoint(lines);
}

export function parseOffsetCheckpoint(file: string, text: string): Map<string, number> {
  return new Map(parseCheckpoint(file, text, 3).map(([topic, partition, offset]) => [partitionKey(topic as string, parseInteger(file, partition as string)), parseInteger(file, offset as string)]));
}

export function writeOffsetCheckpoint(file: string, offsets: PartitionOffsets, sync: Sync): void {
  writeFileAtomically(file, formatOffsetCheckpoint(offsets), sync);
}

export function readOffsetCheckpoint(file: string): Map<string, number> {
  const text = readFileIfExists(file);
  return text === undefined ? new Map() : parseOffsetCheckpoint(file, text);
}
