/**
 * The small files that describe a node and its quorum, in Kafka's formats:
 * - meta.properties in each log directory (MetaProperties.toProperties, written by
 *   PropertiesUtils.writePropertiesFile: java.util.Properties text, written atomically);
 * - quorum-state in the metadata partition's directory (FileQuorumStateStore: one JSON line of
 *   QuorumStateData plus data_version);
 * - partition.metadata in each partition directory (PartitionMetadataFile: the topic id);
 * - .kafka_cleanshutdown in each log directory (CleanShutdownFileHandler).
 */
import { randomBytes } from 'node:crypto';
import type { QuorumDurable } from '../../machines/quorum/index.js';
import { readFileIfExists, StorageFormatError, writeFileAtomically, type Sync } from './files.js';

export const META_PROPERTIES = 'meta.properties';
export const QUORUM_STATE = 'quorum-state';
export const PARTITION_METADATA = 'partition.metadata';
export const CLEAN_SHUTDOWN = '.kafka_cleanshutdown';

// ---- Uuid -------------------------------------------------------------------------------------

/** Uuid.toString: the 16 bytes in URL-safe base64 without padding (22 characters). */
export function uuidToString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Uuid.randomUuid: never the zero id, the metadata topic's id (1), or one whose text starts with '-'. */
export function randomUuid(): string {
  for (;;) {
    const bytes = randomBytes(16);
    const text = uuidToString(bytes);
    const isReserved = bytes.subarray(0, 15).every((b) => b === 0) && (bytes[15] as number) <= 1;
    if (!isReserved && !text.startsWith('-')) return text;
  }
}

/** Uuid.ZERO_UUID as text. */
export const ZERO_UUID = uuidToString(new Uint8Array(16));

// ---- meta.properties --------------------------------------------------------------------------

export interface MetaProperties {
  /** MetaPropertiesVersion.V1: the KRaft version (node.id, not broker.id). */
  readonly version: 1;
  readonly nodeId: number;
  readonly clusterId: string;
  readonly directoryId: string;
}

/** java.util.Properties.store with an empty comment: "#", the date, then key=value lines. */
export function formatMetaProperties(meta: MetaProperties, now: Date): string {
  return `#\n#${javaDateString(now)}\nnode.id=${meta.nodeId}\ndirectory.id=${meta.directoryId}\nversion=${meta.version}\ncluster.id=${meta.clusterId}\n`;
}

export function parseMetaProperties(file: string, text: string): MetaProperties {
  const props = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('!')) continue;
    const match = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(trimmed);
    if (match === null) throw new StorageFormatError(file, `malformed line: ${line}`);
    props.set(match[1] as string, match[2] as string);
  }
  const version = props.get('version');
  if (version !== '1') throw new StorageFormatError(file, `version ${version ?? '(missing)'}: only version 1 (KRaft) is read`);
  const nodeId = Number(props.get('node.id'));
  if (!Number.isInteger(nodeId) || nodeId < 0) throw new StorageFormatError(file, `node.id ${props.get('node.id') ?? '(missing)'} is not a node id`);
  const clusterId = props.get('cluster.id');
  if (clusterId === undefined || clusterId === '') throw new StorageFormatError(file, 'cluster.id is missing');
  return { version: 1, nodeId, clusterId, directoryId: props.get('directory.id') ?? ZERO_UUID };
}

/**
 * The log directory's meta.properties: written when absent, else read and checked against the
 * node (MetaPropertiesEnsemble.verify: a directory of another node or cluster is refused).
 */
export function ensureMetaProperties(file: string, nodeId: number, clusterId: string, now: Date, sync: Sync): MetaProperties {
  const text = readFileIfExists(file);
  if (text === undefined) {
    const meta: MetaProperties = { version: 1, nodeId, clusterId, directoryId: randomUuid() };
    writeFileAtomically(file, formatMetaProperties(meta, now), sync);
    return meta;
  }
  const meta = parseMetaProperties(file, text);
  if (meta.nodeId !== nodeId) throw new StorageFormatError(file, `stored node id ${meta.nodeId} doesn't match previous node id ${nodeId}`);
  if (meta.clusterId !== clusterId) throw new StorageFormatError(file, `the stored cluster id ${meta.clusterId} doesn't match the cluster id ${clusterId}`);
  return meta;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date.toString in UTC: "Thu Dec 03 13:44:56 UTC 2026". */
function javaDateString(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

// ---- quorum-state -----------------------------------------------------------------------------

/** The election state the file holds (ElectionState): the model's QuorumDurable less the log's shape. */
export type ElectionState = Pick<QuorumDurable, 'currentEpoch' | 'votedFor' | 'leaderId'>;

/** ReplicaKey.NO_ID / the -1 defaults of QuorumStateData */
const NO_ID = -1;

/**
 * QuorumStateData version 0 (kraft.version 0: static voters from controller.quorum.voters, which
 * is what the model runs), as FileQuorumStateStore writes it: every version-0 field, then
 * data_version, on one line.
 */
export function formatQuorumState(state: ElectionState, voters: readonly number[] | null): string {
  return JSON.stringify({
    clusterId: '',
    leaderId: state.leaderId ?? NO_ID,
    leaderEpoch: state.currentEpoch,
    votedId: state.votedFor ?? NO_ID,
    appliedOffset: 0,
    currentVoters: voters === null ? null : voters.map((voterId) => ({ voterId })),
    data_version: 0,
  });
}

/** FileQuorumStateStore.readStateFromFile: data_version 0 or 1, leaderEpoch, leaderId and votedId. */
export function parseQuorumState(file: string, text: string): ElectionState {
  const line = text.split('\n')[0] ?? '';
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    throw new StorageFormatError(file, 'not a JSON object');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new StorageFormatError(file, 'not a JSON object');
  const fields = data as Record<string, unknown>;
  const version = fields['data_version'];
  if (version !== 0 && version !== 1) throw new StorageFormatError(file, `data_version ${String(version)} is not within the min (0) and max (1) supported version`);
  const int = (name: string): number => {
    const value = fields[name] ?? NO_ID;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new StorageFormatError(file, `${name} is not an integer`);
    return value;
  };
  const leaderId = int('leaderId');
  const votedId = int('votedId');
  return { currentEpoch: Math.max(0, int('leaderEpoch')), leaderId: leaderId === NO_ID ? null : leaderId, votedFor: votedId === NO_ID ? null : votedId };
}

export function readQuorumState(file: string): ElectionState | undefined {
  const text = readFileIfExists(file);
  return text === undefined ? undefined : parseQuorumState(file, text);
}

// ---- partition.metadata -----------------------------------------------------------------------

/** PartitionMetadata.encode */
export function formatPartitionMetadata(topicId: string): string {
  return `version: 0\ntopic_id: ${topicId}`;
}

/** PartitionMetadataReadBuffer.read: the topic id, or undefined when the file is not there. */
export function readPartitionMetadata(file: string): string | undefined {
  const text = readFileIfExists(file);
  if (text === undefined) return undefined;
  const match = /^version: 0\ntopic_id: (\S+)/.exec(text);
  if (match === null) throw new StorageFormatError(file, 'malformed partition metadata');
  return match[1];
}
