/**
 * The checks a CreateTopics request goes through at the controller before placement
 * (org.apache.kafka.common.internals.Topic.validate; ReplicationControlManager.createTopic), with
 * Kafka's error names.
 */
import type { ErrorName } from '../../protocol/errors.js';

/** Topic names longer than this are refused (Topic.MAX_NAME_LENGTH). */
export const TOPIC_NAME_LENGTH_MAX = 249;
const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;

export interface CreatableTopic {
  readonly name: string;
  /** -1 takes the broker default (num.partitions). */
  readonly numPartitions: number;
  /** -1 takes the broker default (default.replication.factor). */
  readonly replicationFactor: number;
}

export interface TopicDefaults {
  readonly numPartitions: number;
  readonly replicationFactor: number;
}

export const kafkaTopicDefaults: TopicDefaults = { numPartitions: 1, replicationFactor: 1 };

export type TopicCheck =
  | { readonly ok: true; readonly numPartitions: number; readonly replicationFactor: number }
  | { readonly ok: false; readonly error: ErrorName; readonly message: string };

export function validateTopicName(name: string): string | null {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > TOPIC_NAME_LENGTH_MAX) return `Topic name is illegal, it can't be longer than ${TOPIC_NAME_LENGTH_MAX} characters, topic name: ${name}`;
  if (!LEGAL_NAME.test(name)) return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  return null;
}

/** '.' and '_' collide in metric names, so Kafka refuses a topic that differs from another only by them. */
const collisionKey = (name: string): string => name.replace(/\./g, '_');

export function checkCreateTopic(topic: CreatableTopic, existing: readonly string[], defaults: TopicDefaults = kafkaTopicDefaults): TopicCheck {
  const nameProblem = validateTopicName(topic.name);
  if (nameProblem !== null) return { ok: false, error: 'INVALID_TOPIC_EXCEPTION', message: nameProblem };
  if (existing.includes(topic.name)) return { ok: false, error: 'TOPIC_ALREADY_EXISTS', message: `Topic '${topic.name}' already exists.` };
  const colliding = existing.find((other) => collisionKey(other) === collisionKey(topic.name));
  if (colliding !== undefined) return { ok: false, error: 'INVALID_TOPIC_EXCEPTION', message: `Topic '${topic.name}' collides with existing topic: ${colliding}` };
  const numPartitions = topic.numPartitions === -1 ? defaults.numPartitions : topic.numPartitions;
  if (numPartitions <= 0) return { ok: false, error: 'INVALID_PARTITIONS', message: 'Number of partitions was set to an invalid non-positive value.' };
  const replicationFactor = topic.replicationFactor === -1 ? defaults.replicationFactor : topic.replicationFactor;
  if (replicationFactor <= 0) return { ok: false, error: 'INVALID_REPLICATION_FACTOR', message: 'Replication factor must be larger than 0, or -1 to use the default value.' };
  return { ok: true, numPartitions, replicationFactor };
}
