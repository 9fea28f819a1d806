/**
 * The producer's configuration, with Kafka's names and defaults (ProducerConfig) and the rules
 * KafkaProducer applies when it starts:
 *
 * - enable.idempotence (default true) needs acks=all, retries > 0 and
 *   max.in.flight.requests.per.connection <= 5. Set explicitly, a conflict is a ConfigException;
 *   left to its default, idempotence is quietly turned off instead (ProducerConfig.postProcessAndValidateIdempotenceConfigs).
 * - delivery.timeout.ms must be at least linger.ms + request.timeout.ms; set explicitly, a smaller
 *   value is a ConfigException, otherwise it is raised to that sum (KafkaProducer.configureDeliveryTimeout).
 */

export type Acks = -1 | 0 | 1;

export interface ProducerConfig {
  /** acks: -1 (all), 0 or 1. */
  readonly acks: Acks;
  /** enable.idempotence */
  readonly enableIdempotence: boolean;
  /** max.in.flight.requests.per.connection */
  readonly maxInFlightRequestsPerConnection: number;
  /** retries */
  readonly retries: number;
  /** batch.size, in bytes */
  readonly batchSize: number;
  /** linger.ms */
  readonly lingerMs: number;
  /** delivery.timeout.ms: from send() to the final answer, retries included. */
  readonly deliveryTimeoutMs: number;
  /** request.timeout.ms: one request's wait; also the acks=all wait the broker is given. */
  readonly requestTimeoutMs: number;
  /** retry.backoff.ms */
  readonly retryBackoffMs: number;
  /** retry.backoff.max.ms (KIP-580: the backoff doubles per attempt up to this, with 20% jitter). */
  readonly retryBackoffMaxMs: number;
  /** max.block.ms: how long send() waits for the topic's metadata. */
  readonly maxBlockMs: number;
  /** metadata.max.age.ms: metadata older than this is refreshed even without an error. */
  readonly metadataMaxAgeMs: number;
  /** partitioner.class: 'built-in' (Kafka's default, KIP-794), 'round-robin', or the name of a custom partitioner. */
  readonly partitioner: string;
  /** partitioner.ignore.keys */
  readonly partitionerIgnoreKeys: boolean;
}

/** Kafka 4.x client defaults. */
export const kafkaProducerDefaults: ProducerConfig = {
  acks: -1,
  enableIdempotence: true,
  maxInFlightRequestsPerConnection: 5,
  retries: 2_147_483_647,
  batchSize: 16_384,
  // KIP-1030 raised linger.ms from 0 to 5 in Kafka 4.0.
  lingerMs: 5,
  deliveryTimeoutMs: 120_000,
  requestTimeoutMs: 30_000,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1_000,
  maxBlockMs: 60_000,
  metadataMaxAgeMs: 300_000,
  partitioner: 'built-in',
  partitionerIgnoreKeys: false,
};

/** The broker's dedupe window (ProducerStateEntry.NUM_BATCHES_TO_RETAIN): why idempotence caps max.in.flight at 5. */
export const MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;

export type ProducerConfigResult = { readonly ok: true; readonly config: ProducerConfig; readonly notes: readonly string[] } | { readonly ok: false; readonly error: string };

/** What the user set: anything left out takes Kafka's default. */
export type ProducerSettings = Partial<ProducerConfig>;

export function resolveProducerConfig(settings: ProducerSettings, defaults: ProducerConfig = kafkaProducerDefaults): ProducerConfigResult {
  const config = { ...defaults, ...settings };
  const notes: string[] = [];
  if (config.acks !== -1 && config.acks !== 0 && config.acks !== 1) return { ok: false, error: `Invalid value ${String(config.acks)} for configuration acks: String must be one of: all, -1, 0, 1` };
  for (const [name, value] of [['batch.size', config.batchSize], ['linger.ms', config.lingerMs], ['retries', config.retries], ['retry.backoff.ms', config.retryBackoffMs], ['delivery.timeout.ms', config.deliveryTimeoutMs]] as const) {
    if (!Number.isInteger(value) || value < 0) return { ok: false, error: `Invalid value ${value} for configuration ${name}: Value must be at least 0` };
  }
  if (!Number.isInteger(config.maxInFlightRequestsPerConnection) || config.maxInFlightRequestsPerConnection < 1) {
    return { ok: false, error: `Invalid value ${config.maxInFlightRequestsPerConnection} for configuration max.in.flight.requests.per.connection: Value must be at least 1` };
  }
  if (!Number.isInteger(config.requestTimeoutMs) || config.requestTimeoutMs < 1) return { ok: false, error: `Invalid value ${config.requestTimeoutMs} for configuration request.timeout.ms: Value must be at least 1` };
  let enableIdempotence = config.enableIdempotence;
  const conflicts = [
    config.acks !== -1 && 'acks must be all (-1)',
    config.retries === 0 && 'retries must be greater than 0',
    config.maxInFlightRequestsPerConnection > MAX_IN_FLIGHT_FOR_IDEMPOTENCE && `max.in.flight.requests.per.connection must be at most ${MAX_IN_FLIGHT_FOR_IDEMPOTENCE}`,
  ].filter((c): c is string => typeof c === 'string');
  if (enableIdempotence && conflicts.length > 0) {
    if (settings.enableIdempotence === true) return { ok: false, error: `enable.idempotence=true conflicts with the configuration: ${conflicts.join('; ')}` };
    enableIdempotence = false;
    notes.push(`idempotence turned off (it was only defaulted): ${conflicts.join('; ')}`);
  }
  let deliveryTimeoutMs = config.deliveryTimeoutMs;
  if (deliveryTimeoutMs < config.lingerMs + config.requestTimeoutMs) {
    if (settings.deliveryTimeoutMs !== undefined) return { ok: false, error: `delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms (${config.lingerMs + config.requestTimeoutMs})` };
    deliveryTimeoutMs = config.lingerMs + config.requestTimeoutMs;
    notes.push(`delivery.timeout.ms raised to linger.ms + request.timeout.ms = ${deliveryTimeoutMs}`);
  }
  return { ok: true, config: { ...config, enableIdempotence, deliveryTimeoutMs }, notes };
}
