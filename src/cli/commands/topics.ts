/**
 * `kspec topics --bootstrap-server H:P --create|--list|--describe|--delete`: Kafka's
 * kafka-topics.sh against any broker, through kspec's own client. --describe prints what
 * TopicCommand prints: a topic line (Topic, TopicId, PartitionCount, ReplicationFactor, Configs)
 * then a line per partition (Partition, Leader, Replicas, Isr). Configs lists a topic's
 * non-default configs when the broker serves DescribeConfigs, else is left empty.
 * Exit codes: 0 done, 1 the broker refused (its error on stderr), 2 bad arguments or an
 * unreachable server.
 */
import type { Command } from 'commander';
import { UsageError, integerIn } from '../args.js';
import { ApiKey, type KafkaClient } from '../../client/index.js';
import { errorName } from '../../protocol/errors.js';
import type { CreateTopicsResponseData, DeleteTopicsResponseData, DescribeConfigsResponseData, MetadataResponseData } from '../../protocol/wire/generated/index.js';
import { withAdminClient } from './admin-client.js';

interface TopicsOptions {
  bootstrapServer?: string;
  create?: boolean;
  list?: boolean;
  describe?: boolean;
  delete?: boolean;
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
  config: string[];
}

const DESCRIBE_CONFIGS = 32;
const TOPIC_RESOURCE = 2;
/** DescribeConfigsResponse ConfigSource values that are not a default. */
const DYNAMIC_TOPIC_CONFIG = 1;

export function registerTopicsCommand(root: Command, setExitCode: (code: number) => void): void {
  root.command('topics')
    .description('create, list, describe and delete topics on any Kafka broker (kafka-topics.sh\'s options and output)')
    .option('--bootstrap-server <host:port>', 'the broker(s) to connect to, comma-separated')
    .option('--create', 'create a topic (--topic, --partitions, --replication-factor, --config)')
    .option('--list', 'list the topics')
    .option('--describe', 'describe every topic, or --topic')
    .option('--delete', 'delete --topic')
    .option('--topic <name>', 'the topic')
    .option('--partitions <n>', 'partitions of a new topic (default: the broker\'s num.partitions)', integerIn(1, 1_000_000))
    .option('--replication-factor <n>', 'replication factor of a new topic (default: the broker\'s default.replication.factor)', integerIn(1, 32_767))
    .option('--config <key=value>', 'a config of the new topic, repeatable', (value: string, all: string[]) => [...all, value], [] as string[])
    .action(async (options: TopicsOptions) => setExitCode(await topicsCommand(options)));
}

export async function topicsCommand(options: TopicsOptions): Promise<number> {
  const actions = (['create', 'list', 'describe', 'delete'] as const).filter((a) => options[a] === true);
  if (actions.length !== 1) throw new UsageError('give exactly one of --create, --list, --describe, --delete');
  const action = actions[0]!;
  if ((action === 'create' || action === 'delete') && options.topic === undefined) throw new UsageError(`--${action} needs --topic`);
  const configs = options.config.map((c) => {
    const eq = c.indexOf('=');
    if (eq <= 0) throw new UsageError(`--config '${c}' is not key=value`);
    return { name: c.slice(0, eq), value: c.slice(eq + 1) };
  });
  return withAdminClient(options.bootstrapServer, async (client) => {
    switch (action) {
      case 'create': return create(client, options.topic!, options.partitions ?? -1, options.replicationFactor ?? -1, configs);
      case 'list': return list(client);
      case 'describe': return describe(client, options.topic);
      case 'delete': return remove(client, options.topic!);
    }
  });
}

async function create(client: KafkaClient, topic: string, numPartitions: number, replicationFactor: number, configs: { name: string; value: string }[]): Promise<number> {
  const { body } = await client.request<CreateTopicsResponseData>(-1, ApiKey.CreateTopics, { topics: [{ name: topic, numPartitions, replicationFactor, configs }], timeoutMs: 30_000 });
  const result = body.topics[0];
  if (result === undefined) return refused(`no answer for topic '${topic}'`);
  if (result.errorCode !== 0) return refused(result.errorMessage ?? errorName(result.errorCode));
  console.log(`Created topic ${topic}.`);
  return 0;
}

async function list(client: KafkaClient): Promise<number> {
  const metadata = await client.metadata(null);
  for (const name of [...metadata.topics.keys()].sort()) console.log(name);
  return 0;
}

async function remove(client: KafkaClient, topic: string): Promise<number> {
  const { body } = await client.request<DeleteTopicsResponseData>(-1, 20, { topicNames: [topic], topics: [{ name: topic }], timeoutMs: 30_000 });
  const result = body.responses[0];
  if (result === undefined) return refused(`no answer for topic '${topic}'`);
  if (result.errorCode !== 0) return refused(result.errorCode === 3 ? `Topic '${topic}' does not exist as expected` : (result.errorMessage ?? errorName(result.errorCode)));
  return 0;
}

async function describe(client: KafkaClient, topic: string | undefined): Promise<number> {
  const { body } = await client.request<MetadataResponseData>(-1, ApiKey.Metadata, { topics: topic === undefined ? null : [{ name: topic }], allowAutoTopicCreation: false });
  const topics = body.topics.filter((t) => t.name !== null).sort((a, b) => (a.name! < b.name! ? -1 : 1));
  if (topic !== undefined && (topics.length === 0 || topics[0]!.errorCode !== 0)) return refused(`Topic '${topic}' does not exist as expected`);
  const configs = await topicConfigs(client, topics.map((t) => t.name!));
  for (const t of topics) {
    const partitions = [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex);
    const replicationFactor = partitions[0]?.replicaNodes.length ?? 0;
    const topicId = t.topicId === 'AAAAAAAAAAAAAAAAAAAAAA' ? '' : `\tTopicId: ${t.topicId}`;
    console.log(`Topic: ${t.name}${topicId}\tPartitionCount: ${partitions.length}\tReplicationFactor: ${replicationFactor}\tConfigs: ${configs.get(t.name!) ?? ''}`);
    for (const p of partitions) {
      const leader = p.leaderId < 0 ? 'none' : String(p.leaderId);
      console.log(`\tTopic: ${t.name}\tPartition: ${p.partitionIndex}\tLeader: ${leader}\tReplicas: ${p.replicaNodes.join(',')}\tIsr: ${p.isrNodes.join(',')}`);
    }
  }
  return 0;
}

/** Each topic's non-default configs as `k=v,k=v` (DescribeConfigs), or nothing when the broker does not serve it. */
async function topicConfigs(client: KafkaClient, topics: readonly string[]): Promise<Map<string, string>> {
  const configs = new Map<string, string>();
  if (topics.length === 0 || client.versionFor(DESCRIBE_CONFIGS) === undefined) return configs;
  const { body } = await client.request<DescribeConfigsResponseData>(-1, DESCRIBE_CONFIGS, { resources: topics.map((name) => ({ resourceType: TOPIC_RESOURCE, resourceName: name, configurationKeys: null })) });
  for (const r of body.results) {
    if (r.errorCode !== 0) continue;
    const set = r.configs.filter((c) => c.configSource === DYNAMIC_TOPIC_CONFIG && c.value !== null).map((c) => `${c.name}=${c.value}`);
    configs.set(r.resourceName, set.join(','));
  }
  return configs;
}

function refused(message: string): number {
  console.error(`Error while executing topic command : ${message}`);
  return 1;
}
