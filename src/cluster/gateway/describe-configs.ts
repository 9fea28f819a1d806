/**
 * DescribeConfigs (api key 32, v1+) for topics: the configs a topic was given (its ConfigRecords in
 * the broker's metadata image), each with source TOPIC_CONFIG (DescribeConfigsResponse's
 * ConfigSource 1), as kafka-topics.sh --describe lists them. Simplification, said here: Kafka also
 * lists every default a topic inherits (source DEFAULT_CONFIG or STATIC_BROKER_CONFIG); the image
 * holds only what was set, so only that is answered. Broker and other resources are not served
 * (INVALID_REQUEST with the reason); an unknown topic is UNKNOWN_TOPIC_OR_PARTITION (ConfigHelper).
 */
import type { DescribeConfigsRequestData } from '../../protocol/wire/generated/index.js';
import { errorCode } from '../../protocol/errors.js';
import { topicByName } from '../../common/metadata-image.js';
import type { Handled, RequestContext } from './gateway.js';

const TOPIC_RESOURCE = 2;
const TOPIC_CONFIG_SOURCE = 1;
/** ConfigEntry.ConfigType STRING: the image keeps every value as its text. */
const STRING_TYPE = 2;

export async function handleDescribeConfigs(request: RequestContext): Promise<Handled> {
  const body = request.body as DescribeConfigsRequestData;
  const image = request.gateway.node.image();
  const results = body.resources.map((resource) => {
    const answer = (code: number, message: string | null, configs: unknown[]) => ({ errorCode: code, errorMessage: message, resourceType: resource.resourceType, resourceName: resource.resourceName, configs });
    if (resource.resourceType !== TOPIC_RESOURCE) return answer(errorCode('INVALID_REQUEST'), `resource type ${resource.resourceType} is not served (topics only)`, []);
    if (topicByName(image, resource.resourceName) === undefined) return answer(errorCode('UNKNOWN_TOPIC_OR_PARTITION'), `Topic ${resource.resourceName} does not exist`, []);
    const wanted = resource.configurationKeys === null ? null : new Set(resource.configurationKeys);
    const configs = Object.entries(image.configs?.[resource.resourceName] ?? {})
      .filter(([name]) => wanted === null || wanted.has(name))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => ({
        name, value, readOnly: false, isDefault: false, configSource: TOPIC_CONFIG_SOURCE, isSensitive: false,
        synonyms: body.includeSynonyms ? [{ name, value, source: TOPIC_CONFIG_SOURCE }] : [],
        configType: STRING_TYPE, documentation: null,
      }));
    return answer(0, null, configs);
  });
  return { throttleTimeMs: 0, results };
}
