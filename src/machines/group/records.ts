/**
 * The records a group coordinator writes to its partition of __consumer_offsets, after Kafka's
 * CoordinatorRecord types (the key's version is the record type). A new coordinator rebuilds every
 * group of the partition by replaying them in log order; a null value is a tombstone.
 *
 * In the log a record's key is the JSON of [keyVersion, ...key fields] and its value the JSON of
 * the value (null stays null), so a trace shows them as they are.
 */
import type { ConsumerProtocolAssignment, ConsumerProtocolSubscription, TopicIdPartitions } from '../../protocol/groups/messages.js';

/** Key version 1: a committed offset (OffsetCommitKey / OffsetCommitValue). */
export interface OffsetCommitRecord {
  readonly type: 'OffsetCommit';
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly value: { readonly offset: number; readonly leaderEpoch: number; readonly metadata: string; readonly commitTimestamp: number } | null;
}

export interface GroupMetadataMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  /** The member's metadata for the selected protocol. */
  readonly subscription: ConsumerProtocolSubscription;
  readonly assignment: ConsumerProtocolAssignment;
}

/** Key version 2: a classic group's generation and members (GroupMetadataKey / GroupMetadataValue). */
export interface GroupMetadataRecord {
  readonly type: 'GroupMetadata';
  readonly group: string;
  readonly value: {
    readonly protocolType: string;
    readonly generation: number;
    readonly protocol: string | null;
    readonly leader: string | null;
    readonly currentStateTimestamp: number;
    readonly members: readonly GroupMetadataMember[];
  } | null;
}

/** Key version 3: a KIP-848 group's epoch. */
export interface ConsumerGroupMetadataRecord {
  readonly type: 'ConsumerGroupMetadata';
  readonly group: string;
  readonly value: { readonly epoch: number } | null;
}

/** Key version 5: a KIP-848 member's subscription. */
export interface ConsumerGroupMemberMetadataRecord {
  readonly type: 'ConsumerGroupMemberMetadata';
  readonly group: string;
  readonly memberId: string;
  readonly value: {
    readonly instanceId: string | null;
    readonly rackId: string | null;
    readonly clientId: string;
    readonly rebalanceTimeoutMs: number;
    readonly subscribedTopicNames: readonly string[];
    readonly serverAssignor: string | null;
  } | null;
}

/** Key version 6: the epoch the target assignment was computed for. */
export interface ConsumerGroupTargetAssignmentMetadataRecord {
  readonly type: 'ConsumerGroupTargetAssignmentMetadata';
  readonly group: string;
  readonly value: { readonly assignmentEpoch: number } | null;
}

/** Key version 7: one member's target assignment. */
export interface ConsumerGroupTargetAssignmentMemberRecord {
  readonly type: 'ConsumerGroupTargetAssignmentMember';
  readonly group: string;
  readonly memberId: string;
  readonly value: { readonly topicPartitions: readonly TopicIdPartitions[] } | null;
}

/** Key version 8: one member's current assignment and reconciliation state. */
export interface ConsumerGroupCurrentMemberAssignmentRecord {
  readonly type: 'ConsumerGroupCurrentMemberAssignment';
  readonly group: string;
  readonly memberId: string;
  readonly value: {
    readonly memberEpoch: number;
    readonly previousMemberEpoch: number;
    readonly state: 'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS' | 'UNKNOWN';
    readonly assignedPartitions: readonly TopicIdPartitions[];
    readonly partitionsPendingRevocation: readonly TopicIdPartitions[];
  } | null;
}

export type GroupRecord =
  | OffsetCommitRecord | GroupMetadataRecord
  | ConsumerGroupMetadataRecord | ConsumerGroupMemberMetadataRecord
  | ConsumerGroupTargetAssignmentMetadataRecord | ConsumerGroupTargetAssignmentMemberRecord | ConsumerGroupCurrentMemberAssignmentRecord;

const keyVersion: Record<GroupRecord['type'], number> = {
  OffsetCommit: 1,
  GroupMetadata: 2,
  ConsumerGroupMetadata: 3,
  ConsumerGroupMemberMetadata: 5,
  ConsumerGroupTargetAssignmentMetadata: 6,
  ConsumerGroupTargetAssignmentMember: 7,
  ConsumerGroupCurrentMemberAssignment: 8,
};
const typeOfVersion = new Map(Object.entries(keyVersion).map(([type, version]) => [version, type as GroupRecord['type']]));

function keyFields(record: GroupRecord): unknown[] {
  switch (record.type) {
    case 'OffsetCommit':
      return [record.group, record.topic, record.partition];
    case 'ConsumerGroupMemberMetadata':
    case 'ConsumerGroupTargetAssignmentMember':
    case 'ConsumerGroupCurrentMemberAssignment':
      return [record.group, record.memberId];
    default:
      return [record.group];
  }
}

/** The record as a log record (key and value strings; a tombstone's value is null). */
export function encodeGroupRecord(record: GroupRecord): { key: string; value: string | null } {
  return { key: JSON.stringify([keyVersion[record.type], ...keyFields(record)]), value: record.value === null ? null : JSON.stringify(record.value) };
}

/** A log record back to a group record; null for a record that is not one (ignored on load, as Kafka skips unknown key versions). */
export function decodeGroupRecord(key: string | null, value: string | null): GroupRecord | null {
  if (key === null) return null;
  let fields: unknown;
  try {
    fields = JSON.parse(key);
  } catch {
    return null;
  }
  if (!Array.isArray(fields) || typeof fields[0] !== 'number') return null;
  const type = typeOfVersion.get(fields[0]);
  if (type === undefined) return null;
  const parsed = value === null ? null : (JSON.parse(value) as never);
  const group = String(fields[1]);
  switch (type) {
    case 'OffsetCommit':
      return { type, group, topic: String(fields[2]), partition: Number(fields[3]), value: parsed };
    case 'ConsumerGroupMemberMetadata':
    case 'ConsumerGroupTargetAssignmentMember':
    case 'ConsumerGroupCurrentMemberAssignment':
      return { type, group, memberId: String(fields[2]), value: parsed } as GroupRecord;
    default:
      return { type, group, value: parsed } as GroupRecord;
  }
}
