/**
 * The cluster metadata as KRaft keeps it: records in the metadata log (Kafka's
 * RegisterBrokerRecord, BrokerRegistrationChangeRecord, TopicRecord, PartitionRecord,
 * PartitionChangeRecord, ConfigRecord, ProducerIdsRecord, with their field names), and the image every controller and broker
 * builds by applying the committed records in order (MetadataDelta / MetadataImage).
 */

/** PartitionChangeRecord.Leader: the leader did not change. */
export const LEADER_UNCHANGED = -2;
/** No leader (PartitionRecord.Leader, PartitionChangeRecord.Leader). */
export const NO_LEADER = -1;

export type MetadataRecord =
  | { readonly type: 'RegisterBrokerRecord'; readonly brokerId: number; readonly brokerEpoch: number; readonly rack: string | null; readonly fenced: boolean; readonly incarnationId?: string }
  /** fenced: 1 fenced, -1 unfenced, 0 no change. */
  | { readonly type: 'BrokerRegistrationChangeRecord'; readonly brokerId: number; readonly brokerEpoch: number; readonly fenced: -1 | 0 | 1 }
  | { readonly type: 'TopicRecord'; readonly name: string; readonly topicId: string }
  | {
      readonly type: 'PartitionRecord';
      readonly topicId: string;
      readonly partitionId: number;
      readonly replicas: readonly number[];
      readonly isr: readonly number[];
      readonly leader: number;
      readonly leaderEpoch: number;
      readonly partitionEpoch: number;
    }
  /**
   * isr null: unchanged. leader -2: unchanged, -1: none. leaderRecoveryState 1 (RECOVERING) marks an
   * unclean election (KIP-704): the new leader may lack committed records.
   */
  | { readonly type: 'PartitionChangeRecord'; readonly topicId: string; readonly partitionId: number; readonly isr: readonly number[] | null; readonly leader: number; readonly leaderRecoveryState?: 1 }
  /** A dynamic config (resourceType TOPIC): e.g. unclean.leader.election.enable, min.insync.replicas. */
  | { readonly type: 'ConfigRecord'; readonly resourceType: 'TOPIC'; readonly resourceName: string; readonly name: string; readonly value: string }
  /** A block of producer ids leased to broker `brokerId` (at `brokerEpoch`): every id below nextProducerId is taken. */
  | { readonly type: 'ProducerIdsRecord'; readonly brokerId: number; readonly brokerEpoch: number; readonly nextProducerId: number };

export interface BrokerRegistration {
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly rack: string | null;
  readonly fenced: boolean;
  readonly incarnationId?: string;
}

export interface PartitionRegistration {
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

export interface TopicImage {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: readonly PartitionRegistration[];
}

export interface MetadataImage {
  /** By broker id. */
  readonly brokers: Readonly<Record<string, BrokerRegistration>>;
  /** By topic id. */
  readonly topics: Readonly<Record<string, TopicImage>>;
  /** Topic configs by topic name (ConfigRecord). */
  readonly configs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The first producer id of the next block the controller leases (ProducerIdsImage); absent: 0, none leased yet. */
  readonly nextProducerId?: number;
}

export const emptyImage: MetadataImage = { brokers: {}, topics: {} };

/** A topic config value from the image, or the given default. */
export function topicConfig(image: MetadataImage, topicName: string, name: string, fallback: string): string {
  return image.configs?.[topicName]?.[name] ?? fallback;
}

/** The first id of the next producer id block (0 before any ProducerIdsRecord). */
export function nextProducerIdOf(image: MetadataImage): number {
  return image.nextProducerId ?? 0;
}

export class MetadataError extends Error {}

/** Apply one committed record. A record that does not fit the image is a bug in whoever wrote it. */
export function applyRecord(image: MetadataImage, record: MetadataRecord): MetadataImage {
  switch (record.type) {
    case 'RegisterBrokerRecord':
      return {
        ...image,
        brokers: { ...image.brokers, [String(record.brokerId)]: { brokerId: record.brokerId, brokerEpoch: record.brokerEpoch, rack: record.rack, fenced: record.fenced, ...(record.incarnationId === undefined ? {} : { incarnationId: record.incarnationId }) } },
      };
    case 'ConfigRecord': {
      const configs = image.configs ?? {};
      return { ...image, configs: { ...configs, [record.resourceName]: { ...configs[record.resourceName], [record.name]: record.value } } };
    }
    case 'BrokerRegistrationChangeRecord': {
      const broker = image.brokers[String(record.brokerId)];
      if (broker === undefined) throw new MetadataError(`${record.type} for unregistered broker ${record.brokerId}`);
      if (broker.brokerEpoch !== record.brokerEpoch) throw new MetadataError(`${record.type} for broker ${record.brokerId} epoch ${record.brokerEpoch}, registered epoch ${broker.brokerEpoch}`);
      const fenced = record.fenced === 1 ? true : record.fenced === -1 ? false : broker.fenced;
      return { ...image, brokers: { ...image.brokers, [String(record.brokerId)]: { ...broker, fenced } } };
    }
    case 'ProducerIdsRecord':
      // ProducerIdControlManager.replay: the counter only moves forward, or two brokers would share ids.
      if (record.nextProducerId <= nextProducerIdOf(image)) throw new MetadataError(`${record.type} nextProducerId ${record.nextProducerId} not above ${nextProducerIdOf(image)}`);
      return { ...image, nextProducerId: record.nextProducerId };
    case 'TopicRecord':
      if (image.topics[record.topicId] !== undefined) throw new MetadataError(`topic id ${record.topicId} already exists`);
      return { ...image, topics: { ...image.topics, [record.topicId]: { name: record.name, topicId: record.topicId, partitions: [] } } };
    case 'PartitionRecord': {
      const topic = topicOrThrow(image, record.topicId);
      if (record.partitionId !== topic.partitions.length) throw new MetadataError(`partition ${record.partitionId} of ${topic.name} out of order`);
      const { replicas, isr, leader, leaderEpoch, partitionEpoch } = record;
      return withTopic(image, { ...topic, partitions: [...topic.partitions, { replicas, isr, leader, leaderEpoch, partitionEpoch }] });
    }
    case 'PartitionChangeRecord': {
      const topic = topicOrThrow(image, record.topicId);
      const partition = topic.partitions[record.partitionId];
      if (partition === undefined) throw new MetadataError(`change for unknown partition ${topic.name}-${record.partitionId}`);
      // Any Leader value but -2 starts a new leader epoch, even for the same leader (PartitionRegistration.merge).
      const leaderChanged = record.leader !== LEADER_UNCHANGED;
      const next: PartitionRegistration = {
        ...partition,
        isr: record.isr ?? partition.isr,
        leader: record.leader === LEADER_UNCHANGED ? partition.leader : record.leader,
        leaderEpoch: leaderChanged ? partition.leaderEpoch + 1 : partition.leaderEpoch,
        partitionEpoch: partition.partitionEpoch + 1,
      };
      const partitions = topic.partitions.map((p, i) => (i === record.partitionId ? next : p));
      return withTopic(image, { ...topic, partitions });
    }
  }
}

export function applyRecords(image: MetadataImage, records: readonly MetadataRecord[]): MetadataImage {
  return records.reduce(applyRecord, image);
}

export function topicByName(image: MetadataImage, name: string): TopicImage | undefined {
  return Object.values(image.topics).find((t) => t.name === name);
}

function topicOrThrow(image: MetadataImage, topicId: string): TopicImage {
  const topic = image.topics[topicId];
  if (topic === undefined) throw new MetadataError(`unknown topic id ${topicId}`);
  return topic;
}

function withTopic(image: MetadataImage, topic: TopicImage): MetadataImage {
  return { ...image, topics: { ...image.topics, [topic.topicId]: topic } };
}
