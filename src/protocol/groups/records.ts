/**
 * The records a group coordinator writes to its partition of __consumer_offsets, after Kafka's
 * CoordinatorRecord types (the key's version is the record type). A new coordinator rebuilds every
 * group of the partition by replaying them in log order; a null value is a tombstone.
 *
 * In the log a record's key is the JSON of [keyVersion, ...key fields] and its value the JSON of
 * the value (null stays null), so a trace shows them as they are.
 */
import * as t from 'io-ts';
import { int, list, nullable, struct } from '../codec.js';
import { recordSpec, type AnyRecordSpec } from '../message-spec.js';
import { ConsumerProtocolAssignment, ConsumerProtocolSubscription, renderById, renderByName, TopicIdPartitions } from './consumer-protocol.js';

/** Key version 1: a committed offset (OffsetCommitKey / OffsetCommitValue). */
export const OffsetCommitRecord = struct({
  type: t.literal('OffsetCommit'),
  group: t.string,
  topic: t.string,
  partition: int,
  value: nullable(struct({ offset: int, leaderEpoch: int, metadata: t.string, commitTimestamp: int })),
});
export type OffsetCommitRecord = t.TypeOf<typeof OffsetCommitRecord>;

export const GroupMetadataMember = struct({
  memberId: t.string,
  groupInstanceId: nullable(t.string),
  clientId: t.string,
  rebalanceTimeoutMs: int,
  sessionTimeoutMs: int,
  /** The member's metadata for the selected protocol. */
  subscription: ConsumerProtocolSubscription,
  assignment: ConsumerProtocolAssignment,
});
export type GroupMetadataMember = t.TypeOf<typeof GroupMetadataMember>;

/** Key version 2: a classic group's generation and members (GroupMetadataKey / GroupMetadataValue). */
export const GroupMetadataRecord = struct({
  type: t.literal('GroupMetadata'),
  group: t.string,
  value: nullable(struct({
    protocolType: t.string,
    generation: int,
    protocol: nullable(t.string),
    leader: nullable(t.string),
    currentStateTimestamp: int,
    members: list(GroupMetadataMember),
  })),
});
export type GroupMetadataRecord = t.TypeOf<typeof GroupMetadataRecord>;

/** Key version 3: a KIP-848 group's epoch. */
export const ConsumerGroupMetadataRecord = struct({
  type: t.literal('ConsumerGroupMetadata'),
  group: t.string,
  value: nullable(struct({ epoch: int })),
});
export type ConsumerGroupMetadataRecord = t.TypeOf<typeof ConsumerGroupMetadataRecord>;

/** Key version 5: a KIP-848 member's subscription. */
export const ConsumerGroupMemberMetadataRecord = struct({
  type: t.literal('ConsumerGroupMemberMetadata'),
  group: t.string,
  memberId: t.string,
  value: nullable(struct({
    instanceId: nullable(t.string),
    rackId: nullable(t.string),
    clientId: t.string,
    rebalanceTimeoutMs: int,
    subscribedTopicNames: list(t.string),
    serverAssignor: nullable(t.string),
  })),
});
export type ConsumerGroupMemberMetadataRecord = t.TypeOf<typeof ConsumerGroupMemberMetadataRecord>;

/** Key version 6: the epoch the target assignment was computed for. */
export const ConsumerGroupTargetAssignmentMetadataRecord = struct({
  type: t.literal('ConsumerGroupTargetAssignmentMetadata'),
  group: t.string,
  value: nullable(struct({ assignmentEpoch: int })),
});
export type ConsumerGroupTargetAssignmentMetadataRecord = t.TypeOf<typeof ConsumerGroupTargetAssignmentMetadataRecord>;

/** Key version 7: one member's target assignment. */
export const ConsumerGroupTargetAssignmentMemberRecord = struct({
  type: t.literal('ConsumerGroupTargetAssignmentMember'),
  group: t.string,
  memberId: t.string,
  value: nullable(struct({ topicPartitions: list(TopicIdPartitions) })),
});
export type ConsumerGroupTargetAssignmentMemberRecord = t.TypeOf<typeof ConsumerGroupTargetAssignmentMemberRecord>;

/** Key version 8: one member's current assignment and reconciliation state. */
export const ConsumerGroupCurrentMemberAssignmentRecord = struct({
  type: t.literal('ConsumerGroupCurrentMemberAssignment'),
  group: t.string,
  memberId: t.string,
  value: nullable(struct({
    memberEpoch: int,
    previousMemberEpoch: int,
    state: t.union([t.literal('STABLE'), t.literal('UNREVOKED_PARTITIONS'), t.literal('UNRELEASED_PARTITIONS'), t.literal('UNKNOWN')]),
    assignedPartitions: list(TopicIdPartitions),
    partitionsPendingRevocation: list(TopicIdPartitions),
  })),
});
export type ConsumerGroupCurrentMemberAssignmentRecord = t.TypeOf<typeof ConsumerGroupCurrentMemberAssignmentRecord>;

export const GroupRecord = t.union([
  OffsetCommitRecord, GroupMetadataRecord,
  ConsumerGroupMetadataRecord, ConsumerGroupMemberMetadataRecord,
  ConsumerGroupTargetAssignmentMetadataRecord, ConsumerGroupTargetAssignmentMemberRecord, ConsumerGroupCurrentMemberAssignmentRecord,
]);
export type GroupRecord = t.TypeOf<typeof GroupRecord>;
type RecordOf<T extends GroupRecord['type']> = Extract<GroupRecord, { type: T }>;

const TOMBSTONE = 'tombstone';

export const groupRecordSpecs: readonly AnyRecordSpec[] = [
  recordSpec<OffsetCommitRecord>({
    type: 'OffsetCommit', log: '__consumer_offsets', codec: OffsetCommitRecord,
    render: (r) => `OffsetCommit ${r.group} ${r.topic}-${r.partition} ${r.value === null ? TOMBSTONE : `offset=${r.value.offset} leaderEpoch=${r.value.leaderEpoch}`}`,
  }),
  recordSpec<GroupMetadataRecord>({
    type: 'GroupMetadata', log: '__consumer_offsets', codec: GroupMetadataRecord,
    render: (r) =>
      `GroupMetadata ${r.group} ${r.value === null ? TOMBSTONE : `generation=${r.value.generation} protocol=${r.value.protocol ?? 'none'} leader=${r.value.leader ?? 'none'} members=[${r.value.members.map((m) => `${m.memberId}:${renderByName(m.assignment.assignedPartitions)}`).join('; ')}]`}`,
  }),
  recordSpec<RecordOf<'ConsumerGroupMetadata'>>({
    type: 'ConsumerGroupMetadata', log: '__consumer_offsets', codec: ConsumerGroupMetadataRecord,
    render: (r) => `ConsumerGroupMetadata ${r.group} ${r.value === null ? TOMBSTONE : `epoch=${r.value.epoch}`}`,
  }),
  recordSpec<RecordOf<'ConsumerGroupMemberMetadata'>>({
    type: 'ConsumerGroupMemberMetadata', log: '__consumer_offsets', codec: ConsumerGroupMemberMetadataRecord,
    render: (r) => `ConsumerGroupMemberMetadata ${r.group} ${r.memberId} ${r.value === null ? TOMBSTONE : `topics=[${r.value.subscribedTopicNames.join(',')}]${r.value.instanceId === null ? '' : ` instance=${r.value.instanceId}`}`}`,
  }),
  recordSpec<RecordOf<'ConsumerGroupTargetAssignmentMetadata'>>({
    type: 'ConsumerGroupTargetAssignmentMetadata', log: '__consumer_offsets', codec: ConsumerGroupTargetAssignmentMetadataRecord,
    render: (r) => `ConsumerGroupTargetAssignmentMetadata ${r.group} ${r.value === null ? TOMBSTONE : `assignmentEpoch=${r.value.assignmentEpoch}`}`,
  }),
  recordSpec<RecordOf<'ConsumerGroupTargetAssignmentMember'>>({
    type: 'ConsumerGroupTargetAssignmentMember', log: '__consumer_offsets', codec: ConsumerGroupTargetAssignmentMemberRecord,
    render: (r) => `ConsumerGroupTargetAssignmentMember ${r.group} ${r.memberId} ${r.value === null ? TOMBSTONE : `[${renderById(r.value.topicPartitions)}]`}`,
  }),
  recordSpec<RecordOf<'ConsumerGroupCurrentMemberAssignment'>>({
    type: 'ConsumerGroupCurrentMemberAssignment', log: '__consumer_offsets', codec: ConsumerGroupCurrentMemberAssignmentRecord,
    render: (r) =>
      `ConsumerGroupCurrentMemberAssignment ${r.group} ${r.memberId} ${r.value === null ? TOMBSTONE : `epoch=${r.value.memberEpoch} ${r.value.state} [${renderById(r.value.assignedPartitions)}]${r.value.partitionsPendingRevocation.length > 0 ? ` revoking=[${renderById(r.value.partitionsPendingRevocation)}]` : ''}`}`,
  }),
];

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
