/**
 * Timing profiles: one set of timeouts for every machine of a cluster. `kafka` is Kafka's own
 * defaults (what the live cluster runs with); `simulated` scales them down so that a simulated
 * run of a few virtual minutes sees many elections, rebalances and retries.
 */
import { defaultQuorumConfig, type QuorumConfig } from '../machines/quorum/index.js';
import { defaultGroupCoordinatorConfig, type GroupCoordinatorConfig } from '../machines/group/shard.js';
import { defaultConsumerConfig, type ConsumerConfig } from '../machines/consumer/kafka-consumer.js';
import type { ProducerSettings } from '../machines/producer/config.js';

/** The consumer's timing settings (the rest of its configuration is the application's). */
export type ConsumerTimings = Pick<ConsumerConfig,
  'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'maxPollIntervalMs' | 'autoCommitIntervalMs' | 'requestTimeoutMs' | 'retryBackoffMs' | 'metadataMaxAgeMs' | 'fetchMaxWaitMs'>;

export interface TimingProfile {
  readonly name: 'kafka' | 'simulated';
  readonly quorum: QuorumConfig;
  /** Records a quorum leader sends in one FetchResponse. */
  readonly quorumFetchRecordsMax: number;
  readonly groupCoordinator: GroupCoordinatorConfig;
  /** The producer's timing settings, over Kafka's producer defaults. */
  readonly producer: ProducerSettings;
  readonly consumer: ConsumerTimings;
}

export const kafkaTimings: TimingProfile = {
  name: 'kafka',
  quorum: defaultQuorumConfig,
  quorumFetchRecordsMax: 16,
  groupCoordinator: defaultGroupCoordinatorConfig,
  producer: {},
  consumer: {
    sessionTimeoutMs: defaultConsumerConfig.sessionTimeoutMs, heartbeatIntervalMs: defaultConsumerConfig.heartbeatIntervalMs,
    maxPollIntervalMs: defaultConsumerConfig.maxPollIntervalMs, autoCommitIntervalMs: defaultConsumerConfig.autoCommitIntervalMs,
    requestTimeoutMs: defaultConsumerConfig.requestTimeoutMs, retryBackoffMs: defaultConsumerConfig.retryBackoffMs,
    metadataMaxAgeMs: defaultConsumerConfig.metadataMaxAgeMs, fetchMaxWaitMs: defaultConsumerConfig.fetchMaxWaitMs,
  },
};

export const simulatedTimings: TimingProfile = {
  name: 'simulated',
  /**
   * The simulated network drops messages silently, where Kafka's TCP connections would report a
   * broken connection and the client would reconnect and resend at once. A request timeout shorter
   * than the fetch timeout stands in for that, so one lost fetch does not start an election.
   */
  quorum: { ...defaultQuorumConfig, requestTimeoutMs: 500 },
  quorumFetchRecordsMax: 16,
  /**
   * Session timeouts of seconds, not tens of seconds: group.min.session.timeout.ms 6 s → 0.5 s,
   * group.initial.rebalance.delay.ms 3 s → 0.3 s, offsets.commit.timeout.ms 5 s → 1.5 s, KIP-848
   * session 45 s → 1.5 s and heartbeat interval 5 s → 0.3 s.
   */
  groupCoordinator: {
    ...defaultGroupCoordinatorConfig,
    groupMinSessionTimeoutMs: 500,
    groupInitialRebalanceDelayMs: 300,
    newMemberJoinTimeoutMs: 3_000,
    offsetsCommitTimeoutMs: 1_500,
    consumerGroupSessionTimeoutMs: 1_500,
    consumerGroupHeartbeatIntervalMs: 300,
  },
  /** request.timeout.ms 30 s → 1.5 s, delivery.timeout.ms 120 s → 8 s. */
  producer: { requestTimeoutMs: 1_500, deliveryTimeoutMs: 8_000, retryBackoffMs: 50, retryBackoffMaxMs: 500, maxBlockMs: 10_000, metadataMaxAgeMs: 5_000, batchSize: 512 },
  consumer: {
    sessionTimeoutMs: 1_500, heartbeatIntervalMs: 300, maxPollIntervalMs: 5_000, autoCommitIntervalMs: 500,
    requestTimeoutMs: 1_500, retryBackoffMs: 50, metadataMaxAgeMs: 1_000, fetchMaxWaitMs: 100,
  },
};

export function timingProfile(name: TimingProfile['name']): TimingProfile {
  return name === 'kafka' ? kafkaTimings : simulatedTimings;
}
