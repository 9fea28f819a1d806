/**
 * The records of the metadata log, as KRaft writes them (RegisterBrokerRecord,
 * BrokerRegistrationChangeRecord, TopicRecord, RemoveTopicRecord, PartitionRecord, PartitionChangeRecord, ConfigRecord,
 * ProducerIdsRecord, with Kafka's field names: metadata/src/main/resources/common/metadata/*.json).
 * Every controller and broker builds its metadata image by applying them in order
 * (src/common/metadata-image.ts).
 */
import * as t from 'io-ts';
import { int, list, nullable, struct, structWithOptional } from '../codec.js';
import { recordSpec, type AnyRecordSpec } from '../message-spec.js';

/** PartitionChangeRecord.Leader: the leader did not change. */
export const LEADER_UNCHANGED = -2;
/** No leader (PartitionRecord.Leader, PartitionChangeRecord.Leader). */
export const NO_LEADER = -1;

export const RegisterBrokerRecord = structWithOptional(
  { type: t.literal('RegisterBrokerRecord'), brokerId: int, brokerEpoch: int, rack: nullable(t.string), fenced: t.boolean },
  { incarnationId: t.string },
);
/** fenced: 1 fenced, -1 unfenced, 0 no change. */
export const BrokerRegistrationChangeRecord = struct({
  type: t.literal('BrokerRegistrationChangeRecord'), brokerId: int, brokerEpoch: int,
  fenced: t.union([t.literal(-1), t.literal(0), t.literal(1)]),
});
export const TopicRecord = struct({ type: t.literal('TopicRecord'), name: t.string, topicId: t.string });
/** A deleted topic: its partitions and configs leave the image; replicas stop and delete their logs (ReplicaManager.applyDelta). */
export const RemoveTopicRecord = struct({ type: t.literal('RemoveTopicRecord'), topicId: t.string });
export const PartitionRecord = struct({
  type: t.literal('PartitionRecord'),
  topicId: t.string,
  partitionId: int,
  replicas: list(int),
  isr: list(int),
  leader: int,
  leaderEpoch: int,
  partitionEpoch: int,
});
/**
 * isr null: unchanged. leader -2: unchanged, -1: none. leaderRecoveryState 1 (RECOVERING) marks an
 * unclean election (KIP-704): the new leader may lack committed records.
 */
export const PartitionChangeRecord = structWithOptional(
  { type: t.literal('PartitionChangeRecord'), topicId: t.string, partitionId: int, isr: nullable(list(int)), leader: int },
  { leaderRecoveryState: t.literal(1) },
);
/** A dynamic config (resourceType TOPIC): e.g. unclean.leader.election.enable, min.insync.replicas. */
export const ConfigRecord = struct({ type: t.literal('ConfigRecord'), resourceType: t.literal('TOPIC'), resourceName: t.string, name: t.string, value: t.string });
/** A block of producer ids leased to broker `brokerId` (at `brokerEpoch`): every id below nextProducerId is taken. */
export const ProducerIdsRecord = struct({ type: t.literal('ProducerIdsRecord'), brokerId: int, brokerEpoch: int, nextProducerId: int });

export const MetadataRecord = t.union([
  RegisterBrokerRecord, BrokerRegistrationChangeRecord, TopicRecord, RemoveTopicRecord, PartitionRecord, PartitionChangeRecord, ConfigRecord, ProducerIdsRecord,
]);
export type MetadataRecord = t.TypeOf<typeof MetadataRecord>;
type RecordOf<T extends MetadataRecord['type']> = Extract<MetadataRecord, { type: T }>;

/** A partition as the image (and MetadataResponse) holds it: PartitionRegistration. */
export const PartitionRegistration = struct({ replicas: list(int), isr: list(int), leader: int, leaderEpoch: int, partitionEpoch: int });
export type PartitionRegistration = t.TypeOf<typeof PartitionRegistration>;

/** How metadata records travel in the quorum's log: one controller decision per entry. */
export const MetadataEntry = struct({
  /** The proposing controller's id for the decision, so it can answer once it commits. */
  id: t.string,
  records: list(MetadataRecord),
});
export type MetadataEntry = t.TypeOf<typeof MetadataEntry>;

const fenced = (f: -1 | 0 | 1): string => (f === 1 ? 'fenced' : f === -1 ? 'unfenced' : 'unchanged');
const leader = (id: number): string => (id === LEADER_UNCHANGED ? 'unchanged' : id === NO_LEADER ? 'none' : `n${id}`);

export const metadataRecordSpecs: readonly AnyRecordSpec[] = [
  recordSpec<RecordOf<'RegisterBrokerRecord'>>({
    type: 'RegisterBrokerRecord', log: '__cluster_metadata', codec: RegisterBrokerRecord,
    render: (r) => `RegisterBrokerRecord broker=${r.brokerId} epoch=${r.brokerEpoch}${r.fenced ? ' fenced' : ''}`,
  }),
  recordSpec<RecordOf<'BrokerRegistrationChangeRecord'>>({
    type: 'BrokerRegistrationChangeRecord', log: '__cluster_metadata', codec: BrokerRegistrationChangeRecord,
    render: (r) => `BrokerRegistrationChangeRecord broker=${r.brokerId} epoch=${r.brokerEpoch} ${fenced(r.fenced)}`,
  }),
  recordSpec<RecordOf<'TopicRecord'>>({
    type: 'TopicRecord', log: '__cluster_metadata', codec: TopicRecord,
    render: (r) => `TopicRecord ${r.name} id=${r.topicId}`,
  }),
  recordSpec<RecordOf<'RemoveTopicRecord'>>({
    type: 'RemoveTopicRecord', log: '__cluster_metadata', codec: RemoveTopicRecord,
    render: (r) => `RemoveTopicRecord id=${r.topicId}`,
  }),
  recordSpec<RecordOf<'PartitionRecord'>>({
    type: 'PartitionRecord', log: '__cluster_metadata', codec: PartitionRecord,
    render: (r) => `PartitionRecord ${r.topicId}-${r.partitionId} replicas=[${r.replicas.join(',')}] isr=[${r.isr.join(',')}] leader=${leader(r.leader)} leaderEpoch=${r.leaderEpoch}`,
  }),
  recordSpec<RecordOf<'PartitionChangeRecord'>>({
    type: 'PartitionChangeRecord', log: '__cluster_metadata', codec: PartitionChangeRecord,
    render: (r) => `PartitionChangeRecord ${r.topicId}-${r.partitionId}${r.isr === null ? '' : ` isr=[${r.isr.join(',')}]`} leader=${leader(r.leader)}${r.leaderRecoveryState === 1 ? ' RECOVERING' : ''}`,
  }),
  recordSpec<RecordOf<'ConfigRecord'>>({
    type: 'ConfigRecord', log: '__cluster_metadata', codec: ConfigRecord,
    render: (r) => `ConfigRecord ${r.resourceName} ${r.name}=${r.value}`,
  }),
  recordSpec<RecordOf<'ProducerIdsRecord'>>({
    type: 'ProducerIdsRecord', log: '__cluster_metadata', codec: ProducerIdsRecord,
    render: (r) => `ProducerIdsRecord broker=${r.brokerId} next=${r.nextProducerId}`,
  }),
];
