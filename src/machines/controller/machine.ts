/**
 * The controller (QuorumController) that runs beside each quorum voter. The voter that leads the
 * quorum hosts the active controller; the others stand by, applying committed records.
 *
 * The active controller decides with the image of everything it has proposed (committed records
 * plus its own pending ones, Kafka's timeline snapshot), writes each decision as one entry of
 * metadata records through its quorum machine (`propose`), and answers the request that caused it
 * only when the entry commits. Losing leadership drops the pending entries and their answers
 * (NOT_CONTROLLER). Broker liveness is in memory on the active controller only
 * (BrokerHeartbeatManager): a new active controller gives every broker a fresh session.
 *
 * Rules live in ./partition-change.ts (elections, fencing, AlterPartition), ./topics.ts
 * (CreateTopics validation, DeleteTopics), ./placement.ts (replica placement) and ./producer-ids.ts (producer id
 * blocks); this machine sequences them.
 */
import { enqueueActions, not, setup } from 'xstate';
import { errorCode, type ErrorName } from '../../protocol/errors.js';
import { nextInt } from '../../core/prng.js';
import type {
  AllocateProducerIdsRequest, AlterPartitionRequest, BrokerHeartbeatRequest, BrokerRegistrationRequest, CreateTopicsRequest, DeleteTopicsRequest, MetadataEntry,
  ReplicationMessage,
} from '../../protocol/replication/messages.js';
import { applyRecords, emptyImage, topicByName, topicConfig, type BrokerRegistration, type MetadataImage, type TopicImage } from '../../common/metadata-image.js';
import type { MetadataRecord } from '../../protocol/metadata/records.js';
import { WIRE_TOPIC_ID_PREFIX, wireTopicId } from '../../protocol/wire-topic-id.js';
import { alterPartition, balancePartitionLeaders, fenceBroker, unfenceBroker, type TopicPolicy } from './partition-change.js';
import { checkCreateTopic } from './topics.js';
import { placeReplicas } from './placement.js';
import { generateNextProducerIdBlock } from './producer-ids.js';
import { Step as GenericStep } from '../step.js';
import type { Deviations } from '../deviations.js';

export interface ControllerConfig {
  /** broker.session.timeout.ms (Kafka: 9 s, scaled with the simulated heartbeat). */
  readonly sessionTimeoutMs: number;
  /** How often the active controller looks for a broker whose session expired. */
  readonly fenceCheckIntervalMs: number;
  /** auto.leader.rebalance.enable (Kafka: true): move leadership back to preferred replicas. */
  readonly autoLeaderRebalance: boolean;
  /** leader.imbalance.check.interval.seconds (Kafka: 300 s; scaled down so a simulated run sees it). */
  readonly leaderImbalanceCheckIntervalMs: number;
  /** Known-broken variants only (src/variants.ts); absent in Kafka's protocol. */
  readonly deviations?: Deviations;
}

/** How many preferred elections one balancing pass writes (QuorumController's maxElectionsPerImbalance). */
export const MAX_ELECTIONS_PER_IMBALANCE = 1_000;

export const defaultControllerConfig: ControllerConfig = { sessionTimeoutMs: 2_250, fenceCheckIntervalMs: 250, autoLeaderRebalance: true, leaderImbalanceCheckIntervalMs: 3_000 };

export interface ControllerInput {
  readonly nodeId: number;
  readonly config: ControllerConfig;
  readonly randomSeed: number;
}

export type ControllerMachineEffect =
  | { readonly type: 'send'; readonly to: number; readonly message: ReplicationMessage }
  /** Append one decision to the metadata log through the co-located quorum leader. */
  | { readonly type: 'propose'; readonly entry: MetadataEntry };

interface PendingEntry {
  readonly id: string;
  readonly records: readonly MetadataRecord[];
  readonly replies: readonly { readonly to: number; readonly message: ReplicationMessage }[];
  /** Answered with NOT_CONTROLLER if the entry is lost with leadership. */
  readonly onLoss: readonly { readonly to: number; readonly message: ReplicationMessage }[];
}

export interface ControllerContext {
  readonly nodeId: number;
  readonly config: ControllerConfig;
  readonly random: number;
  readonly committed: MetadataImage;
  readonly committedOffset: number;
  /** committed + pending: what the active controller decides with. */
  readonly image: MetadataImage;
  readonly pending: readonly PendingEntry[];
  readonly nextEntry: number;
  /** Active only: each broker's last heartbeat or registration, by id. */
  readonly lastContactMs: Readonly<Record<string, number>>;
  /** The metadata offset at which each broker registration (id/epoch) committed: a broker is caught up past it. */
  readonly registeredAt: Readonly<Record<string, number>>;
}

export type ControllerLocalEvent =
  | { readonly type: 'QuorumLeaderChange'; readonly leaderId: number; readonly epoch: number }
  | { readonly type: 'MetadataCommitted'; readonly entries: readonly (MetadataEntry & { readonly endOffset: number })[]; readonly committedOffset: number }
  | { readonly type: 'ProposalFailed'; readonly id: string };

export type ControllerEvent = (ReplicationMessage | ControllerLocalEvent) & { readonly from: number; readonly nowMs: number };
type With<T> = T & { readonly from: number; readonly nowMs: number };
const as = <T>(event: ControllerEvent): With<T> => event as unknown as With<T>;

class Step extends GenericStep<ControllerContext, ControllerMachineEffect> {}

const policyOf = (image: MetadataImage, config: ControllerConfig): TopicPolicy => ({
  uncleanLeaderElection: (topicId) => {
    const topic = image.topics[topicId];
    // Variant elect-outside-isr: the topic's unclean.leader.election.enable is ignored.
    if (config.deviations?.electOutsideIsr === true) return true;
    return topic !== undefined && topicConfig(image, topic.name, 'unclean.leader.election.enable', 'false') === 'true';
  },
});

/** Write a decision: apply it to the image now, answer when it commits. */
function propose(step: Step, records: readonly MetadataRecord[], replies: PendingEntry['replies'], onLoss: PendingEntry['onLoss'] = []): void {
  const c = step.c;
  const id = `${c.nodeId}/${c.nextEntry}`;
  const entry: PendingEntry = { id, records, replies, onLoss };
  step.patch({ pending: [...c.pending, entry], nextEntry: c.nextEntry + 1, image: applyRecords(c.image, records) });
  step.effect({ type: 'propose', entry: { id, records } });
}

/**
 * Answer a request that wrote nothing. If anything is still pending, the answer may rest on it
 * (TOPIC_ALREADY_EXISTS for a topic not yet committed, say), so it waits until the last pending
 * entry commits, and becomes NOT_CONTROLLER if that entry is lost (QuorumController's deferred
 * event queue: a read-only result waits for the last written offset).
 */
function reply(step: Step, to: number, message: ReplicationMessage): void {
  const last = step.c.pending[step.c.pending.length - 1];
  if (last === undefined) return step.effect({ type: 'send', to, message });
  const lost = notControllerAnswer(message);
  step.patch({
    pending: [...step.c.pending.slice(0, -1), { ...last, replies: [...last.replies, { to, message }], onLoss: lost === null ? last.onLoss : [...last.onLoss, { to, message: lost }] }],
  });
}

/** The NOT_CONTROLLER form of an answer. */
function notControllerAnswer(message: ReplicationMessage): ReplicationMessage | null {
  const code = errorCode('NOT_CONTROLLER');
  switch (message.type) {
    case 'BrokerRegistrationResponse':
      return { ...message, errorCode: code, brokerEpoch: -1 };
    case 'BrokerHeartbeatResponse':
      return { ...message, errorCode: code, isCaughtUp: false, isFenced: true };
    case 'AlterPartitionResponse':
      return { ...message, errorCode: code, leaderId: -1, leaderEpoch: -1, isr: [], partitionEpoch: -1 };
    case 'CreateTopicsResponse':
      return { ...message, errorCode: code, errorMessage: 'leadership lost before commit', topicId: '' };
    case 'AllocateProducerIdsResponse':
      return { ...message, errorCode: code, producerIdStart: 0, producerIdLen: 0 };
    case 'DeleteTopicsResponse':
      return { ...message, errorCode: code, errorMessage: 'leadership lost before commit' };
    default:
      return null;
  }
}

function notController(request: With<ReplicationMessage>): ReplicationMessage | null {
  const code = errorCode('NOT_CONTROLLER');
  switch (request.type) {
    case 'BrokerRegistration':
      return { type: 'BrokerRegistrationResponse', correlationId: request.correlationId, errorCode: code, brokerEpoch: -1 };
    case 'BrokerHeartbeat':
      return { type: 'BrokerHeartbeatResponse', correlationId: request.correlationId, errorCode: code, isCaughtUp: false, isFenced: true };
    case 'AlterPartition':
      return { type: 'AlterPartitionResponse', topic: request.topic, topicId: request.topicId, partition: request.partition, correlationId: request.correlationId, errorCode: code, leaderId: -1, leaderEpoch: -1, isr: [], partitionEpoch: -1 };
    case 'CreateTopics':
      return { type: 'CreateTopicsResponse', correlationId: request.correlationId, name: request.name, errorCode: code, errorMessage: 'This is not the active controller.', topicId: '' };
    case 'AllocateProducerIds':
      return { type: 'AllocateProducerIdsResponse', correlationId: request.correlationId, errorCode: code, producerIdStart: 0, producerIdLen: 0 };
    case 'DeleteTopics':
      return { type: 'DeleteTopicsResponse', correlationId: request.correlationId, name: request.name, topicId: request.topicId ?? '', errorCode: code, errorMessage: 'This is not the active controller.' };
    default:
      return null;
  }
}

function handleRegistration(step: Step, request: With<BrokerRegistrationRequest>): void {
  const c = step.c;
  const existing = c.image.brokers[String(request.brokerId)];
  const answer = (brokerEpoch: number): ReplicationMessage => ({ type: 'BrokerRegistrationResponse', correlationId: request.correlationId, errorCode: 0, brokerEpoch });
  if (existing !== undefined && existing.incarnationId === request.incarnationId) {
    // The same process registering again (a lost answer): the same epoch, once what is pending commits.
    reply(step, request.from, answer(existing.brokerEpoch));
    return;
  }
  // ClusterControlManager.registerBroker: a new incarnation is refused while the old one's session
  // is still valid (BrokerHeartbeatManager.hasValidSession: unfenced, heard from within
  // broker.session.timeout.ms); the new process retries, and the old one keeps its leaderships
  // until the session expires.
  if (existing !== undefined && hasValidSession(c, existing, request.nowMs)) {
    reply(step, request.from, { type: 'BrokerRegistrationResponse', correlationId: request.correlationId, errorCode: errorCode('DUPLICATE_BROKER_REGISTRATION'), brokerEpoch: -1 });
    return;
  }
  // A new incarnation whose old one's session expired but is not fenced yet: fenced first (it may
  // have crashed holding leaderships; Kafka's BrokerUncleanShutdownHandler).
  const fence = existing !== undefined && !existing.fenced ? fenceBroker(c.image, request.brokerId, policyOf(c.image, c.config)) : [];
  const highestEpoch = Math.max(c.committedOffset, ...Object.values(c.image.brokers).map((b) => b.brokerEpoch));
  const brokerEpoch = highestEpoch + 1;
  step.patch({ lastContactMs: { ...c.lastContactMs, [String(request.brokerId)]: request.nowMs } });
  propose(step, [...fence, { type: 'RegisterBrokerRecord', brokerId: request.brokerId, brokerEpoch, rack: request.rack, fenced: true, incarnationId: request.incarnationId }],
    [{ to: request.from, message: answer(brokerEpoch) }], [{ to: request.from, message: { type: 'BrokerRegistrationResponse', correlationId: request.correlationId, errorCode: errorCode('NOT_CONTROLLER'), brokerEpoch: -1 } }]);
}

function handleHeartbeat(step: Step, request: With<BrokerHeartbeatRequest>): void {
  const c = step.c;
  const broker = c.image.brokers[String(request.brokerId)];
  const answer = (error: ErrorName, isCaughtUp: boolean, isFenced: boolean): ReplicationMessage => ({ type: 'BrokerHeartbeatResponse', correlationId: request.correlationId, errorCode: errorCode(error), isCaughtUp, isFenced });
  if (broker === undefined || broker.brokerEpoch !== request.brokerEpoch) return reply(step, request.from, answer('STALE_BROKER_EPOCH', false, true));
  step.patch({ lastContactMs: { ...c.lastContactMs, [String(request.brokerId)]: request.nowMs } });
  const registeredAt = c.registeredAt[`${request.brokerId}/${request.brokerEpoch}`];
  const caughtUp = registeredAt !== undefined && request.currentMetadataOffset >= registeredAt;
  if (broker.fenced && caughtUp && !request.wantFence) {
    // BrokerHeartbeatManager: a fenced broker that has replayed past its registration is unfenced.
    propose(step, unfenceBroker(c.image, request.brokerId, policyOf(c.image, c.config)), [{ to: request.from, message: answer('NONE', true, false) }]);
    return;
  }
  reply(step, request.from, answer('NONE', caughtUp, broker.fenced));
}

function handleAlterPartition(step: Step, request: With<AlterPartitionRequest>): void {
  const c = step.c;
  const respond = (error: ErrorName, image: MetadataImage): ReplicationMessage => {
    const partition = image.topics[request.topicId]?.partitions[request.partition];
    return {
      type: 'AlterPartitionResponse', topic: request.topic, topicId: request.topicId, partition: request.partition, correlationId: request.correlationId,
      errorCode: errorCode(error), leaderId: error === 'NONE' ? (partition?.leader ?? -1) : -1, leaderEpoch: error === 'NONE' ? (partition?.leaderEpoch ?? -1) : -1,
      isr: error === 'NONE' ? (partition?.isr ?? []) : [], partitionEpoch: error === 'NONE' ? (partition?.partitionEpoch ?? -1) : -1,
    };
  };
  const result = alterPartition(c.image, { brokerId: request.brokerId, brokerEpoch: request.brokerEpoch, topicId: request.topicId, partitionIndex: request.partition, leaderEpoch: request.leaderEpoch, newIsr: request.newIsr, partitionEpoch: request.partitionEpoch, ...(request.newIsrWithEpochs === undefined ? {} : { newIsrWithEpochs: request.newIsrWithEpochs }) });
  if (result.error !== 'NONE') return reply(step, request.from, respond(result.error, c.image));
  if (result.record === null) return reply(step, request.from, respond('NONE', c.image));
  const after = applyRecords(c.image, [result.record]);
  propose(step, [result.record], [{ to: request.from, message: respond('NONE', after) }], [{ to: request.from, message: respond('NOT_CONTROLLER', after) }]);
}

function handleCreateTopics(step: Step, request: With<CreateTopicsRequest>): void {
  const c = step.c;
  const answer = (error: ErrorName, message: string | null, topicId: string): ReplicationMessage => ({ type: 'CreateTopicsResponse', correlationId: request.correlationId, name: request.name, errorCode: errorCode(error), errorMessage: message, topicId });
  const names = Object.values(c.image.topics).map((t) => t.name);
  const check = checkCreateTopic({ name: request.name, numPartitions: request.numPartitions, replicationFactor: request.replicationFactor }, names);
  if (!check.ok) return reply(step, request.from, answer(check.error, check.message, ''));
  const brokers = Object.values(c.image.brokers).map((b) => ({ id: b.brokerId, rack: b.rack, fenced: b.fenced }));
  const placement = placeReplicas(brokers, check.numPartitions, check.replicationFactor, c.random);
  if (!placement.ok) return reply(step, request.from, answer(placement.error, placement.message, ''));
  const drawn = nextInt(placement.random, 0, 0x7fffffff);
  const topicId = `${request.name.slice(0, 8)}~${drawn.value.toString(36)}`;
  step.patch({ random: drawn.state });
  const usable = (id: number): boolean => c.image.brokers[String(id)]?.fenced === false;
  const records: MetadataRecord[] = [{ type: 'TopicRecord', name: request.name, topicId }];
  for (const [name, value] of Object.entries(request.configs)) records.push({ type: 'ConfigRecord', resourceType: 'TOPIC', resourceName: request.name, name, value });
  placement.assignments.forEach((replicas, partitionId) => {
    // ReplicationControlManager.createTopic: the ISR is the unfenced replicas; the first of them leads.
    const isr = replicas.filter(usable);
    records.push({ type: 'PartitionRecord', topicId, partitionId, replicas, isr: isr.length > 0 ? isr : replicas, leader: isr[0] ?? -1, leaderEpoch: 0, partitionEpoch: 0 });
  });
  propose(step, records, [{ to: request.from, message: answer('NONE', null, topicId) }], [{ to: request.from, message: answer('NOT_CONTROLLER', 'leadership lost before commit', '') }]);
}

/**
 * The topic a DeleteTopics id names. A broker whose metadata has not caught up with a new topic
 * forwards the client's Uuid as it came (`wire:<Uuid>`); the controller resolves it against its
 * own image, as Kafka's controller resolves the request's Uuid (QuorumController.findTopicNames).
 */
function topicById(image: MetadataImage, topicId: string): TopicImage | undefined {
  if (!topicId.startsWith(WIRE_TOPIC_ID_PREFIX)) return image.topics[topicId];
  const wireId = topicId.slice(WIRE_TOPIC_ID_PREFIX.length);
  return Object.values(image.topics).find((t) => wireTopicId(t.topicId) === wireId);
}

/**
 * DeleteTopics: a name is resolved first (QuorumController.findTopicIds: UNKNOWN_TOPIC_OR_PARTITION),
 * an id must name a topic (ReplicationControlManager.deleteTopic: UNKNOWN_TOPIC_ID); the decision
 * is one RemoveTopicRecord, answered once it commits. A topic whose removal is still pending is
 * already gone from the image the controller decides with, so a second delete is refused.
 */
function handleDeleteTopics(step: Step, request: With<DeleteTopicsRequest>): void {
  const c = step.c;
  const answer = (error: ErrorName, name: string | null, topicId: string, message: string | null): ReplicationMessage => ({
    type: 'DeleteTopicsResponse', correlationId: request.correlationId, name, topicId, errorCode: errorCode(error), errorMessage: message,
  });
  const topic = request.name !== null ? topicByName(c.image, request.name) : topicById(c.image, request.topicId ?? '');
  if (topic === undefined) {
    return request.name !== null
      ? reply(step, request.from, answer('UNKNOWN_TOPIC_OR_PARTITION', request.name, '', 'This server does not host this topic-partition.'))
      : reply(step, request.from, answer('UNKNOWN_TOPIC_ID', null, request.topicId ?? '', 'This server does not host this topic ID.'));
  }
  propose(step, [{ type: 'RemoveTopicRecord', topicId: topic.topicId }], [{ to: request.from, message: answer('NONE', topic.name, topic.topicId, null) }],
    [{ to: request.from, message: answer('NOT_CONTROLLER', topic.name, topic.topicId, 'leadership lost before commit') }]);
}

/**
 * QuorumController.allocateProducerIds: lease the broker the next block of producer ids. The block
 * is answered once its ProducerIdsRecord commits; if leadership is lost first the answer is
 * NOT_CONTROLLER and, should the record commit anyway, its ids are simply never used.
 */
function handleAllocateProducerIds(step: Step, request: With<AllocateProducerIdsRequest>): void {
  const answer = (error: ErrorName, producerIdStart: number, producerIdLen: number): ReplicationMessage => ({ type: 'AllocateProducerIdsResponse', correlationId: request.correlationId, errorCode: errorCode(error), producerIdStart, producerIdLen });
  // An error answer carries Kafka's defaults (AllocateProducerIdsRequest.getErrorResponse): start 0, length 0.
  const decision = generateNextProducerIdBlock(step.c.image, request.brokerId, request.brokerEpoch);
  if (decision.error !== 'NONE') return reply(step, request.from, answer(decision.error, 0, 0));
  propose(step, [decision.record], [{ to: request.from, message: answer('NONE', decision.producerIdStart, decision.producerIdLen) }], [{ to: request.from, message: answer('NOT_CONTROLLER', 0, 0) }]);
}

/** BrokerHeartbeatManager.hasValidSession: an unfenced broker heard from within broker.session.timeout.ms. */
function hasValidSession(c: ControllerContext, broker: BrokerRegistration, nowMs: number): boolean {
  const lastContactMs = c.lastContactMs[String(broker.brokerId)];
  return !broker.fenced && lastContactMs !== undefined && lastContactMs + c.config.sessionTimeoutMs >= nowMs;
}

/** ClusterControlManager / BrokerHeartbeatManager.findOneStaleBroker: fence one broker whose session expired. */
function fenceOneStaleBroker(step: Step, nowMs: number): void {
  const c = step.c;
  const stale = Object.values(c.image.brokers)
    .filter((b) => !b.fenced && nowMs - (c.lastContactMs[String(b.brokerId)] ?? nowMs) > c.config.sessionTimeoutMs)
    .sort((a, b) => a.brokerId - b.brokerId)[0];
  if (stale === undefined) return;
  propose(step, fenceBroker(c.image, stale.brokerId, policyOf(c.image, c.config)), []);
}

/** The periodic preferred leader election: one entry with every partition it moves. */
function balanceLeaders(step: Step): void {
  const records = balancePartitionLeaders(step.c.image, MAX_ELECTIONS_PER_IMBALANCE);
  if (records.length > 0) propose(step, records, []);
}

export function createControllerMachine() {
  return setup({
    types: { context: {} as ControllerContext, events: {} as ControllerEvent, input: {} as ControllerInput, emitted: {} as ControllerMachineEffect },
    delays: {
      fenceCheckInterval: ({ context }) => context.config.fenceCheckIntervalMs,
      leaderImbalanceCheckInterval: ({ context }) => context.config.leaderImbalanceCheckIntervalMs,
    },
    guards: {
      autoLeaderRebalance: ({ context }) => context.config.autoLeaderRebalance,
      leadershipIsMine: ({ context, event }) => as<Extract<ControllerLocalEvent, { type: 'QuorumLeaderChange' }>>(event).leaderId === context.nodeId,
    },
    actions: {
      applyCommitted: enqueueActions(({ context, enqueue, event }) => {
        const committed = as<Extract<ControllerLocalEvent, { type: 'MetadataCommitted' }>>(event);
        const step = new Step(context);
        let image = context.committed;
        const registeredAt: Record<string, number> = { ...context.registeredAt };
        let pending = context.pending;
        for (const entry of committed.entries) {
          image = applyRecords(image, entry.records);
          for (const record of entry.records) if (record.type === 'RegisterBrokerRecord') registeredAt[`${record.brokerId}/${record.brokerEpoch}`] = entry.endOffset;
          const mine = pending.find((p) => p.id === entry.id);
          if (mine !== undefined) {
            for (const r of mine.replies) step.effect({ type: 'send', to: r.to, message: r.message });
            pending = pending.filter((p) => p !== mine);
          }
        }
        step.patch({ committed: image, committedOffset: committed.committedOffset, registeredAt, pending, image: applyRecords(image, pending.flatMap((p) => p.records)) });
        step.flush(enqueue as never);
      }),
      dropProposal: enqueueActions(({ context, enqueue, event }) => {
        const failed = as<Extract<ControllerLocalEvent, { type: 'ProposalFailed' }>>(event);
        const lost = context.pending.find((p) => p.id === failed.id);
        if (lost === undefined) return;
        const step = new Step(context);
        for (const r of lost.onLoss) step.effect({ type: 'send', to: r.to, message: r.message });
        const pending = context.pending.filter((p) => p !== lost);
        step.patch({ pending, image: applyRecords(context.committed, pending.flatMap((p) => p.records)) });
        step.flush(enqueue as never);
      }),
      claim: enqueueActions(({ context, enqueue, event }) => {
        // A new active controller: fresh sessions for every registered broker.
        const lastContactMs: Record<string, number> = {};
        for (const b of Object.values(context.committed.brokers)) lastContactMs[String(b.brokerId)] = event.nowMs;
        enqueue.assign({ lastContactMs, pending: [], image: context.committed });
      }),
      renounce: enqueueActions(({ context, enqueue }) => {
        for (const p of context.pending) for (const r of p.onLoss) enqueue.emit({ type: 'send', to: r.to, message: r.message });
        enqueue.assign({ pending: [], image: context.committed, lastContactMs: {} });
      }),
      refuseRequest: enqueueActions(({ enqueue, event }) => {
        const answer = notController(event as With<ReplicationMessage>);
        if (answer !== null) enqueue.emit({ type: 'send', to: event.from, message: answer });
      }),
      handleRequest: enqueueActions(({ context, enqueue, event }) => {
        const step = new Step(context);
        switch (event.type) {
          case 'BrokerRegistration': handleRegistration(step, as<BrokerRegistrationRequest>(event)); break;
          case 'BrokerHeartbeat': handleHeartbeat(step, as<BrokerHeartbeatRequest>(event)); break;
          case 'AlterPartition': handleAlterPartition(step, as<AlterPartitionRequest>(event)); break;
          case 'CreateTopics': handleCreateTopics(step, as<CreateTopicsRequest>(event)); break;
          case 'DeleteTopics': handleDeleteTopics(step, as<DeleteTopicsRequest>(event)); break;
          case 'AllocateProducerIds': handleAllocateProducerIds(step, as<AllocateProducerIdsRequest>(event)); break;
          default: break;
        }
        step.flush(enqueue as never);
      }),
      fenceStaleBrokers: enqueueActions(({ context, enqueue, event }) => {
        const step = new Step(context);
        fenceOneStaleBroker(step, event.nowMs);
        step.flush(enqueue as never);
      }),
      balanceLeaders: enqueueActions(({ context, enqueue }) => {
        const step = new Step(context);
        balanceLeaders(step);
        step.flush(enqueue as never);
      }),
    },
  }).createMachine({
    id: 'controller',
    context: ({ input }) => ({
      nodeId: input.nodeId, config: input.config, random: input.randomSeed >>> 0,
      committed: emptyImage, committedOffset: 0, image: emptyImage, pending: [], nextEntry: 1, lastContactMs: {}, registeredAt: {},
    }),
    initial: 'Inactive',
    on: {
      MetadataCommitted: { actions: 'applyCommitted', description: 'Apply committed entries in order; answer the requests whose entries committed.' },
      ProposalFailed: { actions: 'dropProposal', description: 'The quorum lost a proposed entry (leadership moved before it committed): its requests get their on-loss answers (NOT_CONTROLLER) and the uncommitted image is rebuilt without it.' },
    },
    states: {
      Inactive: {
        description: 'Standby: applies committed metadata; refuses requests with NOT_CONTROLLER.',
        on: {
          QuorumLeaderChange: { guard: 'leadershipIsMine', target: 'Active', description: 'This node leads the quorum and has replayed the log to its epoch start: become the active controller.' },
          BrokerRegistration: { actions: 'refuseRequest', description: 'QuorumController: only the active controller serves it; this one answers NOT_CONTROLLER and the sender looks for the active one.' },
          BrokerHeartbeat: { actions: 'refuseRequest', description: 'QuorumController: only the active controller serves it; this one answers NOT_CONTROLLER and the sender looks for the active one.' },
          AlterPartition: { actions: 'refuseRequest', description: 'QuorumController: only the active controller serves it; this one answers NOT_CONTROLLER and the sender looks for the active one.' },
          CreateTopics: { actions: 'refuseRequest', description: 'QuorumController: only the active controller serves it; this one answers NOT_CONTROLLER and the sender looks for the active one.' },
          DeleteTopics: { actions: 'refuseRequest', description: 'QuorumController: only the active controller serves it; this one answers NOT_CONTROLLER and the sender looks for the active one.' },
          AllocateProducerIds: { actions: 'refuseRequest', description: 'QuorumController: only the active controller serves it; this one answers NOT_CONTROLLER and the sender looks for the active one.' },
        },
      },
      Active: {
        description: 'The active controller: registers, unfences and fences brokers, creates and deletes topics, elects leaders, changes ISRs, leases producer id blocks.',
        entry: 'claim',
        exit: 'renounce',
        type: 'parallel',
        on: {
          QuorumLeaderChange: { guard: not('leadershipIsMine'), target: 'Inactive', description: 'Another node leads the quorum: pending entries and their answers are dropped.' },
          BrokerRegistration: { actions: 'handleRequest', description: 'ClusterControlManager.registerBroker: the same incarnation gets its epoch again; a new incarnation is refused (DUPLICATE_BROKER_REGISTRATION) while the old one\'s session is valid, else it gets a new broker epoch, registered fenced (the old incarnation fenced first), answered once the RegisterBrokerRecord commits.' },
          BrokerHeartbeat: { actions: 'handleRequest', description: 'BrokerHeartbeatManager: a stale broker epoch gets STALE_BROKER_EPOCH; otherwise the session is renewed, and a fenced broker that has replayed past its registration is unfenced (UnfenceBrokerRecord, answered once it commits).' },
          AlterPartition: { actions: 'handleRequest', description: 'ReplicationControlManager.alterPartition: FENCED_LEADER_EPOCH for an older leader epoch, INVALID_UPDATE_VERSION for an older partition epoch, INELIGIBLE_REPLICA for a fenced or unknown replica in the new ISR; else a PartitionChangeRecord, answered with the new ISR and partition epoch once it commits.' },
          CreateTopics: { actions: 'handleRequest', description: 'ReplicationControlManager.createTopic: name, partition count and replication factor checked; replicas placed over the unfenced brokers; TopicRecord, ConfigRecords and PartitionRecords (ISR: the unfenced replicas, the first leads), answered once they commit.' },
          DeleteTopics: { actions: 'handleRequest', description: 'Delete a topic (by name or id): one RemoveTopicRecord, answered once it commits; the brokers stop its replicas and delete their logs.' },
          AllocateProducerIds: { actions: 'handleRequest', description: 'Lease the broker the next block of 1000 producer ids (ProducerIdsRecord), answered once it commits; a broker id/epoch that is not the registered one gets STALE_BROKER_EPOCH.' },
        },
        states: {
          Fencing: {
            description: 'BrokerHeartbeatManager: brokers whose sessions expire are fenced, one per check.',
            initial: 'Watching',
            states: {
              Watching: {
                description: 'Looks every fenceCheckIntervalMs for a broker whose heartbeats stopped for the session timeout.',
                after: { fenceCheckInterval: { target: 'Watching', reenter: true, actions: 'fenceStaleBrokers', description: 'Fence one broker whose heartbeats stopped for the session timeout: it leaves every ISR and its leaderships move.' } },
              },
            },
          },
          Balancing: {
            description: 'auto.leader.rebalance.enable: leadership periodically returns to preferred replicas.',
            initial: 'Waiting',
            states: {
              Waiting: {
                description: 'Waits leaderImbalanceCheckIntervalMs (leader.imbalance.check.interval.seconds) for the next preferred leader election; with auto.leader.rebalance.enable off, none happens.',
                after: { leaderImbalanceCheckInterval: { guard: 'autoLeaderRebalance', target: 'Waiting', reenter: true, actions: 'balanceLeaders', description: 'Preferred leader election: each partition whose first replica is in the ISR and unfenced but not leading gets it back as leader (new leader epoch, same ISR).' } },
              },
            },
          },
        },
      },
    },
  });
}


