/**
 * Metadata (api key 3), answered from the broker's metadata image as KafkaApis.handleTopicMetadataRequest
 * answers from its MetadataCache: the live (unfenced) brokers with the listener each advertises,
 * and for each topic asked about (all of them when the request names none) its partitions with
 * leader, leader epoch, replicas and ISR. In KRaft the controller id a client sees is a random
 * live broker (clients cannot reach controllers; brokers forward controller requests): here the
 * lowest live broker id, so answers are deterministic.
 *
 * A topic the image does not know is created when the request allows it and
 * auto.create.topics.enable is set (AutoTopicCreationManager: CreateTopics to the controller with
 * num.partitions and default.replication.factor), answered LEADER_NOT_AVAILABLE meanwhile; else
 * UNKNOWN_TOPIC_OR_PARTITION (UNKNOWN_TOPIC_ID for a topic asked by id).
 */
import type { MetadataRequestData } from '../../protocol/wire/generated/index.js';
import { ZERO_UUID } from '../../protocol/wire/index.js';
import { errorCode } from '../../protocol/errors.js';
import { topicByName, type MetadataImage, type TopicImage } from '../../common/metadata-image.js';
import { OFFSETS_TOPIC } from '../../common/partition-for.js';
import { validateTopicName } from '../../machines/controller/topics.js';
import type { Gateway, Handled, RequestContext } from './gateway.js';
import { topicByWireId, wireTopicId } from './topic-ids.js';

/** The unfenced brokers with an advertised listener, by id. */
export function liveBrokers(gateway: Gateway, image: MetadataImage): { nodeId: number; host: string; port: number; rack: string | null }[] {
  return Object.values(image.brokers)
    .filter((b) => !b.fenced)
    .flatMap((b) => {
      const endpoint = gateway.endpointOf(b.brokerId);
      return endpoint === undefined ? [] : [{ nodeId: b.brokerId, host: endpoint.host, port: endpoint.port, rack: b.rack }];
    })
    .sort((a, b) => a.nodeId - b.nodeId);
}

export async function handleMetadata(request: RequestContext): Promise<Handled> {
  const { gateway, version } = request;
  const body = request.body as MetadataRequestData;
  const image = gateway.node.image();
  const brokers = liveBrokers(gateway, image);
  const live = new Set(brokers.map((b) => b.nodeId));
  // v0 asks for every topic with an empty list; v1+ with null.
  const all = body.topics === null || (version === 0 && body.topics.length === 0);
  const allowAutoCreation = version < 4 || body.allowAutoTopicCreation;
  const topics = all
    ? Object.values(image.topics).sort((a, b) => a.name.localeCompare(b.name)).map((t) => describeTopic(t, live))
    : body.topics!.map((asked) => {
      if (asked.name === null || (version >= 10 && asked.topicId !== ZERO_UUID && asked.name === '')) {
        const topic = topicByWireId(image, asked.topicId);
        return topic === undefined ? { errorCode: errorCode('UNKNOWN_TOPIC_ID'), name: null, topicId: asked.topicId, partitions: [] } : describeTopic(topic, live);
      }
      const topic = topicByName(image, asked.name);
      if (topic !== undefined) return describeTopic(topic, live);
      return { errorCode: autoCreate(request, asked.name, allowAutoCreation), name: asked.name, topicId: ZERO_UUID, partitions: [] };
    });
  return {
    throttleTimeMs: 0, brokers, clusterId: gateway.config.clusterId,
    controllerId: brokers[0]?.nodeId ?? -1, topics,
  };
}

function describeTopic(topic: TopicImage, live: ReadonlySet<number>): Record<string, unknown> {
  return {
    errorCode: 0, name: topic.name, topicId: wireTopicId(topic.topicId), isInternal: topic.name === OFFSETS_TOPIC,
    partitions: topic.partitions.map((p, partitionIndex) => ({
      // MetadataCache: a leader that is not alive is reported as LEADER_NOT_AVAILABLE.
      errorCode: p.leader >= 0 && live.has(p.leader) ? 0 : errorCode('LEADER_NOT_AVAILABLE'),
      partitionIndex, leaderId: p.leader, leaderEpoch: p.leaderEpoch,
      replicaNodes: [...p.replicas], isrNodes: [...p.isr], offlineReplicas: [],
    })),
  };
}

/** AutoTopicCreationManager.createTopics: ask the controller, answer LEADER_NOT_AVAILABLE until the topic is there. */
function autoCreate(request: RequestContext, name: string, allowed: boolean): number {
  const { gateway } = request;
  if (!allowed || !gateway.config.autoCreateTopicsEnable || name === OFFSETS_TOPIC) return errorCode('UNKNOWN_TOPIC_OR_PARTITION');
  if (validateTopicName(name) !== null) return errorCode('INVALID_TOPIC_EXCEPTION');
  // AutoTopicCreationManager.inflightTopics: one creation of a topic at a time, however many Metadata requests name it.
  if (!gateway.autoCreating.has(name)) {
    gateway.autoCreating.add(name);
    void gateway.forwardToController(request.clientId, {
      type: 'CreateTopics', name, numPartitions: gateway.config.numPartitions, replicationFactor: gateway.config.defaultReplicationFactor, configs: {},
    }).finally(() => gateway.autoCreating.delete(name));
  }
  return errorCode('LEADER_NOT_AVAILABLE');
}
