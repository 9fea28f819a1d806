/**
 * A broker's lifecycle with the controller (BrokerLifecycleManager) and its metadata
 * (BrokerMetadataPublisher → ReplicaManager.applyDelta). States after Kafka's BrokerState:
 * Starting (registering), Recovery (registered, fenced, catching up with the metadata log),
 * Running (unfenced).
 *
 * The broker follows the metadata log as a KRaft observer (its quorum machine runs beside this
 * one); the shell hands this machine every committed batch of metadata records and every change of
 * quorum leader (the active controller). From each change to a partition this broker hosts it
 * tells that partition's replica machine (`replica.metadata`) — but only once the controller has
 * said this process caught up with the metadata log (a heartbeat answered isCaughtUp): until then
 * its image may be stale (a restarted broker's log still names it leader of partitions that moved
 * while it was down), and Kafka's BrokerServer does not start its metadata publishers before
 * BrokerLifecycleManager's initial catch-up completes.
 *
 * It also answers InitProducerId for idempotent producers with ids from blocks it leases from the
 * controller (AllocateProducerIds; the rules are in ./producer-ids.ts), and FindCoordinator for
 * groups: the coordinator is the leader of the group's partition of __consumer_offsets, which the
 * first FindCoordinator creates (AutoTopicCreationManager). The co-located group coordinator is
 * told every change of topics (`coordinator.metadata`, GroupCoordinator.onNewMetadataImage).
 */
import { emit, enqueueActions, not, setup } from 'xstate';
import { errorCode, type ErrorName } from '../../protocol/errors.js';
import { nextInt } from '../../core/prng.js';
import { applyRecords, emptyImage, nextProducerIdOf, topicByName, topicConfig, type MetadataImage, type TopicMetadata } from '../../common/metadata-image.js';
import type { MetadataRecord, PartitionRegistration } from '../../protocol/metadata/records.js';
import { errorResponseTo } from '../../protocol/registry.js';
import type {
  AllocateProducerIdsResponse, BrokerHeartbeatResponse, BrokerRegistrationResponse, FetchRequest, InitProducerIdRequest, ListOffsetsRequest,
  MetadataRequest, OffsetForLeaderEpochRequest, PartitionAddress, ProduceRequest, ReplicationMessage,
} from '../../protocol/replication/messages.js';
import { Step as GenericStep } from '../step.js';
import type { FindCoordinatorRequest, FindCoordinatorResponse, GroupMessage } from '../../protocol/groups/messages.js';
import { OFFSETS_TOPIC, partitionFor } from '../../common/partition-for.js';
import { answersRequest, blockRequested, claimProducerId, initialProducerIdManager, receiveBlock, type ProducerIdManagerState } from './producer-ids.js';

export interface BrokerConfig {
  /** broker.heartbeat.interval.ms */
  readonly heartbeatIntervalMs: number;
  /** A registration with no answer is sent again after this long. */
  readonly registrationRetryMs: number;
  /**
   * A refused registration (DUPLICATE_BROKER_REGISTRATION while the previous incarnation's session
   * is valid) is retried after an exponential backoff: BrokerLifecycleManager's
   * ExponentialBackoff(100 ms, x2, up to broker.session.timeout.ms; its 2% jitter is left out).
   */
  readonly registrationBackoffInitialMs: number;
  readonly registrationBackoffMaxMs: number;
  /** min.insync.replicas (broker default; a topic config overrides it). */
  readonly minInsyncReplicas: number;
  /**
   * An AllocateProducerIds with no answer after this long is given up, and the next InitProducerId
   * asks again. Kafka's controller channel resends on a broken connection and gives up after 60 s;
   * the simulated network loses messages silently, so this is short, like the registration retry.
   */
  readonly producerIdRequestTimeoutMs: number;
  /** offsets.topic.num.partitions (Kafka: 50). */
  readonly offsetsTopicNumPartitions: number;
  /** offsets.topic.replication.factor (Kafka: 3). */
  readonly offsetsTopicReplicationFactor: number;
  /** A CreateTopics for __consumer_offsets with no answer after this long may be sent again. */
  readonly offsetsTopicCreateRetryMs: number;
}

/** Kafka's 2 s heartbeat scaled with the rest of the simulated timings. */
export const defaultBrokerConfig: BrokerConfig = {
  heartbeatIntervalMs: 500, registrationRetryMs: 1_000, registrationBackoffInitialMs: 100, registrationBackoffMaxMs: 2_250, minInsyncReplicas: 1, producerIdRequestTimeoutMs: 1_000,
  offsetsTopicNumPartitions: 50, offsetsTopicReplicationFactor: 3, offsetsTopicCreateRetryMs: 1_000,
};

export interface BrokerInput {
  readonly brokerId: number;
  readonly config: BrokerConfig;
  readonly randomSeed: number;
}

export type BrokerEffect =
  | { readonly type: 'send'; readonly to: number; readonly message: ReplicationMessage | GroupMessage }
  /** Tell the co-located replica of `address` its partition's new state (makeLeader / makeFollower). */
  | {
      readonly type: 'replica.metadata';
      readonly address: PartitionAddress;
      readonly partition: PartitionRegistration;
      readonly brokerEpoch: number;
      readonly minInsyncReplicas: number;
      readonly ineligible: readonly number[];
    }
  /** Stop the co-located replica of `key` and delete its log: its topic was deleted (ReplicaManager.stopPartitions with deleteLocalLog). */
  | { readonly type: 'replica.stop'; readonly key: string; readonly topicId: string }
  /** Tell the co-located group coordinator the topics as they are now. */
  | { readonly type: 'coordinator.metadata'; readonly topics: readonly TopicMetadata[] };

export interface BrokerContext {
  readonly brokerId: number;
  readonly config: BrokerConfig;
  readonly incarnationId: string;
  readonly controllerId: number;
  readonly brokerEpoch: number;
  readonly image: MetadataImage;
  /** The metadata log offset this broker has applied up to (its currentMetadataOffset). */
  readonly metadataOffset: number;
  readonly nextCorrelationId: number;
  readonly registrationCorrelationId: number;
  /** Registrations refused in a row (the backoff's exponent); reset by a successful one. */
  readonly failedRegistrations: number;
  /** What each hosted replica was last told, to tell it only of changes. */
  readonly told: Readonly<Record<string, string>>;
  readonly fenced: boolean;
  /** The controller has answered a heartbeat with isCaughtUp since this process started. */
  readonly caughtUp: boolean;
  /**
   * Clients are served (InitProducerId): this process has been unfenced once. BrokerServer opens
   * its listeners only after the broker is unfenced, and keeps them open if it is fenced later.
   */
  readonly serving: boolean;
  /** The producer id block and the request for the next (volatile: a restart leases a new block). */
  readonly producerIds: ProducerIdManagerState;
  /** When this broker last asked the controller to create __consumer_offsets (-1: never). */
  readonly offsetsTopicRequestedAtMs: number;
  /** The topic list the coordinator was last told, to tell it only of changes. */
  readonly coordinatorTopicsDigest: string;
}

export type BrokerLocalEvent =
  | { readonly type: 'QuorumLeaderChange'; readonly leaderId: number; readonly epoch: number }
  | { readonly type: 'MetadataCommitted'; readonly records: readonly MetadataRecord[]; readonly committedOffset: number };

export type BrokerEvent = (ReplicationMessage | FindCoordinatorRequest | BrokerLocalEvent) & { readonly from: number; readonly nowMs: number };
type With<T> = T & { readonly from: number; readonly nowMs: number };
const as = <T>(event: BrokerEvent): With<T> => event as unknown as With<T>;

class Step extends GenericStep<BrokerContext, BrokerEffect> {}

/**
 * InitProducerId for an idempotent producer: the next id of the leased block with epoch 0
 * (TransactionCoordinator.handleInitProducerId, transactionalId null), or, with none at hand,
 * COORDINATOR_LOAD_IN_PROGRESS; asks the controller for a block when the manager wants one.
 */
function initProducerId(step: Step, request: With<InitProducerIdRequest>): void {
  const c = step.c;
  const claim = claimProducerId(c.producerIds, request.nowMs, c.config.producerIdRequestTimeoutMs);
  step.patch({ producerIds: claim.state });
  step.effect(claim.producerId === null
    ? initProducerIdError(request, 'COORDINATOR_LOAD_IN_PROGRESS')
    : { type: 'send', to: request.from, message: { type: 'InitProducerIdResponse', correlationId: request.correlationId, errorCode: errorCode('NONE'), producerId: claim.producerId, producerEpoch: 0 } });
  if (claim.requestBlock && c.controllerId >= 0) {
    const correlationId = step.c.nextCorrelationId;
    step.patch({ nextCorrelationId: correlationId + 1, producerIds: blockRequested(step.c.producerIds, correlationId, request.nowMs, nextProducerIdOf(c.image)) });
    step.effect({ type: 'send', to: c.controllerId, message: { type: 'AllocateProducerIds', correlationId, brokerId: c.brokerId, brokerEpoch: c.brokerEpoch } });
  }
}

/** TransactionCoordinator.initTransactionError: no producer id, no epoch. */
function initProducerIdError(request: With<InitProducerIdRequest>, error: ErrorName): BrokerEffect {
  return { type: 'send', to: request.from, message: { type: 'InitProducerIdResponse', correlationId: request.correlationId, errorCode: errorCode(error), producerId: -1, producerEpoch: -1 } };
}

/**
 * Tell every hosted replica whose partition, broker epoch or ISR eligibility changed, and stop the
 * replicas of deleted topics first (ReplicaManager.applyDelta: deletes before changes, so a topic
 * deleted and created again under the same name starts from an empty log). What a replica was told
 * is kept as `topicId digest`, so the topic id it belongs to is known when its topic goes.
 */
function publishPartitions(step: Step): void {
  const c = step.c;
  if (c.brokerEpoch < 0 || !c.caughtUp) return;
  const fenced = Object.values(c.image.brokers).filter((b) => b.fenced).map((b) => b.brokerId);
  const hosted = new Map<string, string>();
  for (const topic of Object.values(c.image.topics)) {
    topic.partitions.forEach((partition, index) => {
      if (partition.replicas.includes(c.brokerId)) hosted.set(`${topic.name}-${index}`, topic.topicId);
    });
  }
  const told: Record<string, string> = { ...c.told };
  for (const [key, value] of Object.entries(told)) {
    const topicId = value.slice(0, value.indexOf(' '));
    if (hosted.get(key) === topicId) continue;
    delete told[key];
    step.effect({ type: 'replica.stop', key, topicId });
  }
  for (const topic of Object.values(c.image.topics)) {
    const minInsyncReplicas = Number(topicConfig(c.image, topic.name, 'min.insync.replicas', String(c.config.minInsyncReplicas)));
    topic.partitions.forEach((partition, index) => {
      if (!partition.replicas.includes(c.brokerId)) return;
      const ineligible = partition.replicas.filter((r) => fenced.includes(r));
      const key = `${topic.name}-${index}`;
      const digest = `${topic.topicId} ${JSON.stringify([partition, c.brokerEpoch, minInsyncReplicas, ineligible])}`;
      if (told[key] === digest) return;
      told[key] = digest;
      step.effect({ type: 'replica.metadata', address: { topic: topic.name, topicId: topic.topicId, partition: index }, partition, brokerEpoch: c.brokerEpoch, minInsyncReplicas, ineligible });
    });
  }
  step.patch({ told });
  publishCoordinatorTopics(step);
}

/** GroupCoordinator.onNewMetadataImage: the coordinator needs topic ids and partition counts (KIP-848 assignments). */
function publishCoordinatorTopics(step: Step): void {
  const topics = Object.values(step.c.image.topics)
    .map((t) => ({ name: t.name, topicId: t.topicId, numPartitions: t.partitions.length }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const digest = JSON.stringify(topics);
  if (digest === step.c.coordinatorTopicsDigest) return;
  step.patch({ coordinatorTopicsDigest: digest });
  step.effect({ type: 'coordinator.metadata', topics });
}

/**
 * KafkaApis.getCoordinator for a group: the leader of partition partitionFor(groupId) of
 * __consumer_offsets. Without the topic, ask the controller to create it (once per retry
 * interval) and answer COORDINATOR_NOT_AVAILABLE, as Kafka does while the topic is created; the
 * client retries. A partition with no leader is COORDINATOR_NOT_AVAILABLE too.
 */
function findCoordinator(step: Step, request: With<FindCoordinatorRequest>): void {
  const c = step.c;
  const answer = (error: ErrorName, nodeId: number): void => {
    const message: FindCoordinatorResponse = { type: 'FindCoordinatorResponse', correlationId: request.correlationId, key: request.key, errorCode: errorCode(error), nodeId: error === 'NONE' ? nodeId : -1 };
    step.effect({ type: 'send', to: request.from, message });
  };
  // Transactions are out of scope (InitProducerId refuses transactional ids the same way).
  if (request.keyType !== 0 || request.key === '') return answer('INVALID_REQUEST', -1);
  if (!c.serving) return answer('COORDINATOR_NOT_AVAILABLE', -1);
  const topic = topicByName(c.image, OFFSETS_TOPIC);
  if (topic === undefined) {
    requestOffsetsTopic(step, request.nowMs);
    return answer('COORDINATOR_NOT_AVAILABLE', -1);
  }
  const leader = topic.partitions[partitionFor(request.key, topic.partitions.length)]?.leader ?? -1;
  answer(leader >= 0 ? 'NONE' : 'COORDINATOR_NOT_AVAILABLE', leader);
}

/** AutoTopicCreationManager: __consumer_offsets with the offsets.topic.* settings, compacted. */
function requestOffsetsTopic(step: Step, nowMs: number): void {
  const c = step.c;
  if (c.controllerId < 0) return;
  if (c.offsetsTopicRequestedAtMs >= 0 && nowMs - c.offsetsTopicRequestedAtMs < c.config.offsetsTopicCreateRetryMs) return;
  const correlationId = c.nextCorrelationId;
  step.patch({ nextCorrelationId: correlationId + 1, offsetsTopicRequestedAtMs: nowMs });
  step.effect({
    type: 'send', to: c.controllerId,
    message: {
      type: 'CreateTopics', correlationId, name: OFFSETS_TOPIC, numPartitions: c.config.offsetsTopicNumPartitions, replicationFactor: c.config.offsetsTopicReplicationFactor,
      configs: { 'cleanup.policy': 'compact' },
    },
  });
}

export function createBrokerMachine() {
  return setup({
    types: { context: {} as BrokerContext, events: {} as BrokerEvent, input: {} as BrokerInput, emitted: {} as BrokerEffect },
    delays: {
      heartbeatInterval: ({ context }) => context.config.heartbeatIntervalMs,
      registrationRetry: ({ context }) => context.config.registrationRetryMs,
      // Entered after the refusal is counted: the first refusal waits the initial backoff.
      registrationBackoff: ({ context }) => Math.min(context.config.registrationBackoffMaxMs, context.config.registrationBackoffInitialMs * 2 ** Math.max(0, context.failedRegistrations - 1)),
    },
    guards: {
      knowsController: ({ context }) => context.controllerId >= 0,
      announcesController: ({ event }) => as<Extract<BrokerLocalEvent, { type: 'QuorumLeaderChange' }>>(event).leaderId >= 0,
      registered: ({ context, event }) => {
        const r = as<BrokerRegistrationResponse>(event);
        return r.correlationId === context.registrationCorrelationId && r.errorCode === 0;
      },
      registrationRefused: ({ context, event }) => {
        const r = as<BrokerRegistrationResponse>(event);
        return r.correlationId === context.registrationCorrelationId && r.errorCode !== 0;
      },
      reportsCaughtUp: ({ context, event }) => !context.caughtUp && as<BrokerHeartbeatResponse>(event).errorCode === 0 && as<BrokerHeartbeatResponse>(event).isCaughtUp,
      unfenced: ({ event }) => as<BrokerHeartbeatResponse>(event).errorCode === 0 && !as<BrokerHeartbeatResponse>(event).isFenced,
      fenced: ({ event }) => as<BrokerHeartbeatResponse>(event).errorCode === 0 && as<BrokerHeartbeatResponse>(event).isFenced,
      staleBrokerEpoch: ({ event }) => as<BrokerHeartbeatResponse>(event).errorCode === errorCode('STALE_BROKER_EPOCH'),
      serving: ({ context }) => context.serving,
      transactional: ({ event }) => as<InitProducerIdRequest>(event).transactionalId !== null,
      producerIdAtHand: ({ context }) => {
        const { current, next } = context.producerIds;
        return next !== null || (current !== null && current.claimed < current.size);
      },
      answersBlockRequest: ({ context, event }) => answersRequest(context.producerIds, as<AllocateProducerIdsResponse>(event)),
    },
    actions: {
      followController: enqueueActions(({ enqueue, event }) => {
        enqueue.assign({ controllerId: as<Extract<BrokerLocalEvent, { type: 'QuorumLeaderChange' }>>(event).leaderId });
      }),
      applyMetadata: enqueueActions(({ context, enqueue, event }) => {
        const committed = as<Extract<BrokerLocalEvent, { type: 'MetadataCommitted' }>>(event);
        const step = new Step(context);
        step.patch({ image: applyRecords(context.image, committed.records), metadataOffset: committed.committedOffset });
        publishPartitions(step);
        step.flush(enqueue as never);
      }),
      sendRegistration: enqueueActions(({ context, enqueue }) => {
        const correlationId = context.nextCorrelationId;
        enqueue.assign({ registrationCorrelationId: correlationId, nextCorrelationId: correlationId + 1 });
        enqueue.emit({ type: 'send', to: context.controllerId, message: { type: 'BrokerRegistration', correlationId, brokerId: context.brokerId, incarnationId: context.incarnationId, rack: null } });
      }),
      adoptBrokerEpoch: enqueueActions(({ context, enqueue, event }) => {
        const step = new Step(context);
        step.patch({ brokerEpoch: as<BrokerRegistrationResponse>(event).brokerEpoch, told: {}, failedRegistrations: 0 });
        publishPartitions(step);
        step.flush(enqueue as never);
      }),
      countFailedRegistration: enqueueActions(({ context, enqueue }) => enqueue.assign({ failedRegistrations: context.failedRegistrations + 1 })),
      forgetRegistration: enqueueActions(({ enqueue }) => enqueue.assign({ brokerEpoch: -1, fenced: true })),
      markFenced: enqueueActions(({ enqueue }) => enqueue.assign({ fenced: true })),
      startPublishing: enqueueActions(({ context, enqueue, event }) => {
        if (context.caughtUp || !as<BrokerHeartbeatResponse>(event).isCaughtUp) return;
        const step = new Step(context);
        step.patch({ caughtUp: true });
        publishPartitions(step);
        step.flush(enqueue as never);
      }),
      markUnfenced: enqueueActions(({ enqueue }) => enqueue.assign({ fenced: false })),
      startServing: enqueueActions(({ enqueue }) => enqueue.assign({ serving: true })),
      initProducerId: enqueueActions(({ context, enqueue, event }) => {
        const step = new Step(context);
        initProducerId(step, as<InitProducerIdRequest>(event));
        step.flush(enqueue as never);
      }),
      adoptProducerIdBlock: enqueueActions(({ context, enqueue, event }) => {
        enqueue.assign({ producerIds: receiveBlock(context.producerIds, as<AllocateProducerIdsResponse>(event), event.nowMs) });
      }),
      refuseInitProducerIdUntilServing: emit(({ event }) => initProducerIdError(as<InitProducerIdRequest>(event), 'COORDINATOR_NOT_AVAILABLE')),
      // Transactions are out of scope: a transactional id is refused as Kafka refuses an empty one.
      refuseTransactionalId: emit(({ event }) => initProducerIdError(as<InitProducerIdRequest>(event), 'INVALID_REQUEST')),
      sendHeartbeat: enqueueActions(({ context, enqueue }) => {
        const correlationId = context.nextCorrelationId;
        enqueue.assign({ nextCorrelationId: correlationId + 1 });
        if (context.controllerId < 0) return;
        enqueue.emit({
          type: 'send', to: context.controllerId,
          message: { type: 'BrokerHeartbeat', correlationId, brokerId: context.brokerId, brokerEpoch: context.brokerEpoch, currentMetadataOffset: context.metadataOffset, wantFence: false },
        });
      }),
      findCoordinator: enqueueActions(({ context, enqueue, event }) => {
        const step = new Step(context);
        findCoordinator(step, as<FindCoordinatorRequest>(event));
        step.flush(enqueue as never);
      }),
      answerMetadata: emit(({ context, event }) => ({
        type: 'send' as const, to: event.from,
        message: {
          type: 'MetadataResponse' as const, correlationId: as<MetadataRequest>(event).correlationId, controllerId: context.controllerId,
          topics: Object.values(context.image.topics).map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions })),
        },
      })),
      answerUnhostedPartition: emit(({ context, event }) => {
        // ReplicaManager: a partition this broker does not host. Unknown topic → UNKNOWN_TOPIC_OR_PARTITION, else NOT_LEADER_OR_FOLLOWER.
        const request = as<FetchRequest | ProduceRequest | ListOffsetsRequest | OffsetForLeaderEpochRequest>(event);
        const topic = context.image.topics[request.topicId];
        const known = topic !== undefined && request.partition < topic.partitions.length;
        const error = errorCode(known ? 'NOT_LEADER_OR_FOLLOWER' : 'UNKNOWN_TOPIC_OR_PARTITION');
        return { type: 'send' as const, to: event.from, message: errorResponseTo(request, error) as ReplicationMessage };
      }),
    },
  }).createMachine({
    id: 'broker',
    context: ({ input }) => ({
      brokerId: input.brokerId,
      config: input.config,
      // Kafka draws a random Uuid per process start; here it comes from the seeded stream.
      incarnationId: `inc-${nextInt(input.randomSeed >>> 0, 0, 0x7fffffff).value.toString(16)}`,
      controllerId: -1,
      brokerEpoch: -1,
      image: emptyImage,
      metadataOffset: 0,
      nextCorrelationId: 1,
      registrationCorrelationId: -1,
      failedRegistrations: 0,
      told: {},
      fenced: true,
      caughtUp: false,
      serving: false,
      producerIds: initialProducerIdManager,
      offsetsTopicRequestedAtMs: -1,
      coordinatorTopicsDigest: '',
    }),
    initial: 'Starting',
    on: {
      QuorumLeaderChange: { actions: 'followController', description: 'The quorum names its leader: the active controller that registrations and heartbeats go to.' },
      MetadataCommitted: { actions: 'applyMetadata', description: 'Apply committed metadata records in order; tell each hosted replica of changes to its partition.' },
      Metadata: { actions: 'answerMetadata', description: 'KafkaApis.handleTopicMetadataRequest from this broker\'s metadata image: every topic\'s partitions with leader, leader epoch, replicas and ISR.' },
      Fetch: { actions: 'answerUnhostedPartition', description: 'ReplicaManager: a partition this broker hosts no replica of: NOT_LEADER_OR_FOLLOWER for a known partition, UNKNOWN_TOPIC_OR_PARTITION otherwise (hosted replicas answer for themselves).' },
      Produce: { actions: 'answerUnhostedPartition', description: 'ReplicaManager: a partition this broker hosts no replica of: NOT_LEADER_OR_FOLLOWER for a known partition, UNKNOWN_TOPIC_OR_PARTITION otherwise (hosted replicas answer for themselves).' },
      ListOffsets: { actions: 'answerUnhostedPartition', description: 'ReplicaManager: a partition this broker hosts no replica of: NOT_LEADER_OR_FOLLOWER for a known partition, UNKNOWN_TOPIC_OR_PARTITION otherwise (hosted replicas answer for themselves).' },
      OffsetForLeaderEpoch: { actions: 'answerUnhostedPartition', description: 'ReplicaManager: a partition this broker hosts no replica of: NOT_LEADER_OR_FOLLOWER for a known partition, UNKNOWN_TOPIC_OR_PARTITION otherwise (hosted replicas answer for themselves).' },
      InitProducerId: [
        { guard: not('serving'), actions: 'refuseInitProducerIdUntilServing', description: 'Not yet unfenced since this process started (Kafka accepts no client connection yet): COORDINATOR_NOT_AVAILABLE, the client retries.' },
        { guard: 'transactional', actions: 'refuseTransactionalId', description: 'A transactional id: transactions are not modelled, INVALID_REQUEST.' },
        { guard: 'producerIdAtHand', actions: 'initProducerId', description: 'RPCProducerIdManager: the next unused id of the leased block, epoch 0; at 90% of the block, ask the controller for the next one (AllocateProducerIds).' },
        { actions: 'initProducerId', description: 'No id at hand: COORDINATOR_LOAD_IN_PROGRESS (the client retries), and AllocateProducerIds to the controller unless one is in flight or backing off after an error.' },
      ],
      FindCoordinator: { actions: 'findCoordinator', description: 'The coordinator of a group is the leader of its __consumer_offsets partition (abs(hashCode(groupId)) % partitions); the first request creates the topic, answered COORDINATOR_NOT_AVAILABLE meanwhile.' },
      AllocateProducerIdsResponse: { guard: 'answersBlockRequest', actions: 'adoptProducerIdBlock', description: 'Keep the leased block for when the current one runs out; an error, or a block not above every id already leased, backs off 50 ms.' },
    },
    states: {
      Starting: {
        description: 'Registers with the active controller (BrokerRegistration) and waits for its broker epoch.',
        initial: 'FindingController',
        states: {
          FindingController: {
            description: 'No active controller is known yet: waits for the quorum to name one (QuorumLeaderChange) before registering.',
            always: { guard: 'knowsController', target: 'Registering', description: 'The active controller is known: register with it.' },
            on: {
              QuorumLeaderChange: [
                { guard: 'announcesController', target: 'Registering', actions: 'followController', description: 'A controller leads the quorum now: register with it.' },
                { actions: 'followController', description: 'The quorum has no leader (an election is running): keep waiting.' },
              ],
            },
          },
          Registering: {
            description: 'A BrokerRegistration (broker id, incarnation id) went to the active controller on entry; waits for the answer and its broker epoch.',
            entry: 'sendRegistration',
            after: { registrationRetry: { target: 'FindingController', reenter: true, description: 'No answer: register again with whoever leads now.' } },
          },
          RegistrationBackoff: {
            description: 'The controller refused the registration: wait (exponential backoff), then register again.',
            after: { registrationBackoff: { target: 'FindingController', description: 'The backoff passed: register again with whoever leads now.' } },
          },
        },
        on: {
          BrokerRegistrationResponse: [
            { guard: 'registered', target: 'Recovery', actions: 'adoptBrokerEpoch', description: 'Registered: the broker epoch names this incarnation; the broker starts fenced.' },
            { guard: 'registrationRefused', target: '.RegistrationBackoff', actions: 'countFailedRegistration', description: 'DUPLICATE_BROKER_REGISTRATION (the previous incarnation\'s session is still valid), NOT_CONTROLLER: retry after a backoff (BrokerLifecycleManager.scheduleNextCommunicationAfterFailure).' },
          ],
        },
      },
      Recovery: {
        description: 'Registered and fenced: heartbeats until the controller sees it caught up with the metadata log and unfences it.',
        entry: ['markFenced', 'sendHeartbeat'],
        after: { heartbeatInterval: { target: 'Recovery', reenter: true, description: 'broker.heartbeat.interval.ms: the next BrokerHeartbeat (BrokerLifecycleManager), reporting the metadata offset replayed so far.' } },
        on: {
          BrokerHeartbeatResponse: [
            { guard: 'unfenced', target: 'Running', actions: 'startPublishing', description: 'The controller unfenced this broker: it may lead partitions and join ISRs.' },
            { guard: 'reportsCaughtUp', actions: 'startPublishing', description: 'The first answer with isCaughtUp since this process started: the metadata image is current, so the hosted replicas are told their partitions (BrokerServer starts its metadata publishers).' },
            { guard: 'staleBrokerEpoch', target: 'Starting', actions: 'forgetRegistration', description: 'STALE_BROKER_EPOCH: this registration is gone; register again.' },
          ],
        },
      },
      Running: {
        description: 'Unfenced: heartbeats every broker.heartbeat.interval.ms; the controller fences it if they stop for its session timeout.',
        entry: ['markUnfenced', 'startServing'],
        initial: 'Beating',
        states: {
          Beating: { description: 'A BrokerHeartbeat went to the active controller on entry; the next one goes after broker.heartbeat.interval.ms.', entry: 'sendHeartbeat', after: { heartbeatInterval: { target: 'Beating', reenter: true, description: 'broker.heartbeat.interval.ms: the next BrokerHeartbeat keeps the session alive.' } } },
        },
        on: {
          BrokerHeartbeatResponse: [
            { guard: 'fenced', target: 'Recovery', description: 'The controller fenced this broker (missed heartbeats): catch up and be unfenced again.' },
            { guard: 'staleBrokerEpoch', target: 'Starting', actions: 'forgetRegistration', description: 'STALE_BROKER_EPOCH: the controller no longer knows this registration (a newer incarnation, or a failover that lost it): register again.' },
          ],
        },
      },
    },
  });
}
