/**
 * The cluster metadata image every controller and broker builds by applying the committed records
 * of the metadata log in order (MetadataDelta / MetadataImage). The records themselves are in
 * src/protocol/metadata/records.ts.
 */
import { LEADER_UNCHANGED, type MetadataRecord, type PartitionRegistration } from '../protocol/metadata/records.js';

export interface BrokerRegistration {
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly rack: string | null;
  readonly fenced: boolean;
  readonly incarnationId?: string;
}

export interface TopicImage {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: readonly PartitionRegistration[];
}

/** A topic as a group coordinator's image knows it (GroupCoordinator.onNewMetadataImage): what its assignors read. */
export interface TopicMetadata {
  readonly name: string;
  readonly topicId: string;
  readonly numPartitions: number;
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
    case 'RemoveTopicRecord': {
      // ReplicationControlManager.replay(RemoveTopicRecord): the topic and its configs go.
      const topic = topicOrThrow(image, record.topicId);
      const { [record.topicId]: _removed, ...topics } = image.topics;
      if (image.configs?.[topic.name] === undefined) return { ...image, topics };
      const { [topic.name]: _configs, ...configs } = image.configs;
      return { ...image, topics, configs };
    }
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
