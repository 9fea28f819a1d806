/**
 * The replication simulator: KRaft controllers and brokers, each node hosting the machines Kafka
 * runs on it, in one deterministic event loop.
 *
 * - A controller node hosts a quorum voter and a controller machine.
 * - A broker node hosts a quorum observer (it fetches the metadata log), a broker machine, and one
 *   replica machine per partition it holds.
 *
 * The shell wires them as Kafka's process does: the quorum's committed records go to the
 * controller or broker beside it (RaftClient.Listener.handleCommit), a change of quorum leader
 * too (handleLeaderChange; for a node that leads, once it has replayed to its epoch start), the
 * controller's decisions go to its quorum machine as proposals, the broker's partition changes go
 * to its replica machines (ReplicaManager.applyDelta), and replicas' log effects go to their
 * partition logs. Local hand-offs happen within the step that caused them, in order.
 *
 * Faults, network and the run's phases follow the quorum simulator (src/sim/simulator.ts): a
 * safety phase with faults and writes, then heal-all, then the cluster must converge
 * (REPL-LIVE-1) within the liveness bound. Every step is checked against the replication clauses.
 */
import { drive, type Drivable } from '../drive.js';
import { initialTransition, transition, type AnyStateMachine } from 'xstate';
import { Random, streamSeed } from '../../core/prng.js';
import { EventQueue, type Scheduled } from '../event-queue.js';
import { Network } from '../network.js';
import { renderFault, type Fault, type TimedFault } from '../faults.js';
import { MemoryLogStore } from '../../log/log-store.js';
import { defaultLogConfig, PartitionLog } from '../../log/partition-log.js';
import { producerStateOf } from '../../log/producer-state.js';
import { createQuorumMachine, defaultQuorumConfig, type QuorumDurable } from '../../machines/quorum/index.js';
import { createControllerMachine, defaultControllerConfig } from '../../machines/controller/machine.js';
import { createBrokerMachine, defaultBrokerConfig, type BrokerConfig } from '../../machines/broker/machine.js';
import { createReplicaMachine, defaultReplicaConfig, type ReplicaConfig } from '../../machines/replica/machine.js';
import { applyRecords, emptyImage, type MetadataImage, type MetadataRecord } from '../../machines/controller/metadata.js';
import { findVariant, type Variant } from '../../variants.js';
import type { Deviations } from '../../machines/deviations.js';
import type { MetadataEntry, PartitionAddress, ReplicationMessage } from '../../protocol/replication/messages.js';
import { partitionKey } from '../../protocol/replication/messages.js';
import { renderMessage as renderQuorumMessage } from '../../protocol/quorum/render.js';
import type { QuorumMessage } from '../../protocol/quorum/messages.js';
import type { AllowedAnomaly, InvariantCheck, Violation } from '../../../spec/clause.js';
import type { LeaderElection, PartitionStateView, ReplicaView, ReplicationView } from '../../../spec/replication/view.js';
import { leaderElectionOf } from './elections.js';
import { checkConsumption, checkDurability, isUncleanElection, replicationInvariantChecks, replicationNotConverged, ReplicationConverges, type LostWrite } from '../../../spec/replication/clauses.js';
import { brokerIds, CLIENT_ID, clusterFaultSchedule, consumerIds, controllerIds, PRODUCER_CLIENT_ID, type ClusterOptions, type GroupSpec } from './options.js';
import { checkConsumerConfig, createConsumerMachine, defaultConsumerConfig, type ConsumerConfig } from '../../machines/consumer/kafka-consumer.js';
import { checkConsumerHistory, CommitFencedByGeneration } from '../../../spec/groups/clauses.js';
import { createProducerMachine } from '../../machines/producer/machine.js';
import { resolveProducerConfig, type ProducerConfig } from '../../machines/producer/config.js';
import { checkIdempotence, checkSequences, RetriedBatchDeduplicated, type IdempotenceFinding, type LoggedRecord, type ProducerBatch, type ProducerSend } from '../../../spec/producer/clauses.js';
import { ProduceWatch } from './produce-watch.js';
import { CommitWatch } from './commit-watch.js';
import { zombiePauses, type ConsumerOp } from './zombies.js';
import type { ProduceOperation } from '../../../spec/replication/view.js';
import { WorkloadClient, type Outgoing, type ProducerFields } from './client.js';
import { createCoordinatorMachine } from '../../machines/coordinator/machine.js';
import { defaultGroupCoordinatorConfig, type GroupCoordinatorConfig } from '../../machines/group/shard.js';
import { OFFSETS_TOPIC } from '../../machines/group/partition-for.js';
import { coordinatorRequestTypes, type GroupMessage } from '../../protocol/groups/messages.js';
import type { CoordinatorContext } from '../../machines/coordinator/machine.js';
import { shardViews } from './groups-view.js';
import { groupInvariantChecks } from '../../../spec/groups/clauses.js';
import type { ConsumerEvent, GroupsView } from '../../../spec/groups/view.js';
import { renderReplicationMessage } from './render.js';

type AnyMessage = QuorumMessage | ReplicationMessage | GroupMessage;
type Event = Record<string, unknown> & { type: string };

type QueueItem =
  | { kind: 'deliver'; from: number; to: number; message: AnyMessage }
  | { kind: 'timer'; node: number; actor: string; incarnation: number; id: string; event: Event }
  | { kind: 'client'; op: 'create' | 'metadata' | 'produce' | 'consume' }
  | { kind: 'consumer'; consumer: number; op: ConsumerOp }
  | { kind: 'fault'; fault: Fault };

interface Actor {
  readonly name: string;
  readonly machine: AnyStateMachine;
  snapshot: ReturnType<typeof initialTransition>[0];
}

interface ClusterNode {
  readonly id: number;
  /** A client node hosts the producer machine; faults never touch it. */
  readonly kind: 'controller' | 'broker' | 'client';
  up: boolean;
  paused: boolean;
  skew: number;
  incarnation: number;
  readonly actors: Map<string, Actor>;
  quorumDurable: QuorumDurable | undefined;
  readonly quorumStore: MemoryLogStore;
  readonly logs: Map<string, PartitionLog>;
  readonly highWatermarkCheckpoints: Map<string, number>;
  readonly timers: Map<string, Scheduled<QueueItem>>;
  readonly backlog: QueueItem[];
  /** Committed metadata handed to the controller or broker machine, up to this offset. */
  deliveredOffset: number;
  reportedLeader: string;
  /** The __consumer_offsets partitions whose leader replica's state the group coordinator was told, by partition. */
  readonly coordinatorView: Map<number, { leaderEpoch: number; highWatermark: number }>;
  summary: Record<string, string | number | boolean>;
}

function newNode(id: number, kind: ClusterNode['kind']): ClusterNode {
  return {
    id, kind, up: true, paused: false, skew: 1, incarnation: 0,
    actors: new Map(), quorumDurable: undefined, quorumStore: new MemoryLogStore(), logs: new Map(), highWatermarkCheckpoints: new Map(),
    timers: new Map(), backlog: [], deliveredOffset: 0, reportedLeader: '', coordinatorView: new Map(), summary: {},
  };
}

interface LocalEvent {
  readonly node: number;
  readonly actor: string;
  readonly event: Event;
}

export interface ClusterStepInput {
  readonly kind: 'deliver' | 'drop' | 'timer' | 'client' | 'fault' | 'boot';
  readonly [field: string]: unknown;
}

export interface ClusterTraceStep {
  readonly kind: 'step';
  readonly step: number;
  readonly time: number;
  readonly input: ClusterStepInput;
  readonly effects: string[];
  readonly changes: Record<string, Record<string, string | number | boolean>>;
  readonly violations?: string[];
}

export interface ClusterTraceHeader {
  readonly kind: 'cluster-header';
  readonly version: 1;
  readonly options: ClusterOptions;
  readonly faults: TimedFault[];
  readonly scripted: boolean;
}

export interface ClusterRunResult {
  readonly options: ClusterOptions;
  readonly violations: Violation[];
  /** Lost writes the topic's unclean leader election explains (allowed, reported). */
  readonly allowedLostWrites: LostWrite[];
  /** Every anomaly a clause allowed, with its reason (the sweep lists them; --fail-on-allowed refuses them). */
  readonly allowed: AllowedAnomaly[];
  readonly steps: number;
  readonly transitions: number;
  readonly virtualTimeMs: number;
  readonly convergedAtMs: number | null;
  readonly produced: { readonly acked: number; readonly failed: number; readonly unknown: number };
  /** PROD-IDEM-1/2 findings of the producer machine's writes: violations and Kafka's allowed windows. */
  readonly producerFindings: { readonly duplicates: number; readonly reorders: number; readonly allowedDuplicates: number; readonly allowedReorders: number };
  readonly consumedRecords: number;
  /** The consumer group's run, if there was one: records handed to its consumers, rebalance callbacks, consumer crashes. */
  readonly group: { readonly protocol: string; readonly records: number; readonly rebalanceCallbacks: number; readonly crashes: number } | null;
  readonly trace: (ClusterTraceHeader | ClusterTraceStep)[] | null;
}

export interface ClusterSetup {
  readonly options: ClusterOptions;
  readonly faults?: TimedFault[];
  readonly recordTrace?: boolean;
  /** Scenarios and the demo drive time and the workload themselves. */
  readonly scripted?: boolean;
  readonly replicaConfig?: ReplicaConfig;
  readonly brokerConfig?: BrokerConfig;
  readonly groupCoordinatorConfig?: GroupCoordinatorConfig;
}

const SETTLE_MS = 2_000;
/**
 * The simulated network drops messages silently, where Kafka's TCP connections would report a
 * broken connection and the client would reconnect and resend at once. A request timeout shorter
 * than the fetch timeout stands in for that, so one lost fetch does not start an election.
 */
const clusterQuorumConfig = { ...defaultQuorumConfig, requestTimeoutMs: 500 };
const QUORUM_FETCH_RECORDS_MAX = 16;
const METADATA_REFRESH_MS = 500;
const PRODUCE_AFTER_HEALING_MS = 3_000;
/**
 * The simulated producer's configuration: Kafka's defaults with the timeouts scaled down like the
 * rest of the cluster's (request.timeout.ms 30 s → 1.5 s, delivery.timeout.ms 120 s → 8 s).
 */
export function simulatedProducerConfig(mode: 'idempotent' | 'plain'): ProducerConfig {
  const resolved = resolveProducerConfig({
    enableIdempotence: mode === 'idempotent', requestTimeoutMs: 1_500, deliveryTimeoutMs: 8_000, retryBackoffMs: 50, retryBackoffMaxMs: 500,
    maxBlockMs: 10_000, metadataMaxAgeMs: 5_000, batchSize: 512,
  });
  if (!resolved.ok) throw new Error(resolved.error);
  return resolved.config;
}
const CREATE_RETRY_MS = 300;
/**
 * The group coordinator's timings scaled like the rest (session timeouts of seconds, not tens of
 * seconds): group.min.session.timeout.ms 6 s → 0.5 s, group.initial.rebalance.delay.ms 3 s →
 * 0.3 s, offsets.commit.timeout.ms 5 s → 1.5 s, KIP-848 session 45 s → 1.5 s and heartbeat
 * interval 5 s → 0.3 s.
 */
export const simulatedGroupCoordinatorConfig: GroupCoordinatorConfig = {
  ...defaultGroupCoordinatorConfig,
  groupMinSessionTimeoutMs: 500,
  groupInitialRebalanceDelayMs: 300,
  newMemberJoinTimeoutMs: 3_000,
  offsetsCommitTimeoutMs: 1_500,
  consumerGroupSessionTimeoutMs: 1_500,
  consumerGroupHeartbeatIntervalMs: 300,
};

export class ClusterSimulation implements Drivable {
  readonly options: ClusterOptions;
  readonly variant: Variant;
  readonly controllers: number[];
  readonly brokers: number[];
  readonly network: Network;
  readonly faults: TimedFault[];
  readonly violations: Violation[] = [];
  readonly allowedLostWrites: LostWrite[] = [];
  readonly trace: (ClusterTraceHeader | ClusterTraceStep)[] | null;
  readonly client: WorkloadClient;
  private readonly nodes = new Map<number, ClusterNode>();
  private readonly queue = new EventQueue<QueueItem>();
  private readonly workload: Random;
  private readonly checks: InvariantCheck<ReplicationView>[];
  private readonly groupChecks: InvariantCheck<GroupsView>[] = groupInvariantChecks();
  /** What the group's consumers were told and did (CONS-1, CG-COMMIT-2, CG-RESUME-1). */
  readonly consumerHistory: ConsumerEvent[] = [];
  private readonly scripted: boolean;
  private readonly replicaConfig: ReplicaConfig;
  private readonly brokerConfig: BrokerConfig;
  private readonly groupCoordinatorConfig: GroupCoordinatorConfig;
  private readonly machines: { quorum: AnyStateMachine; controller: AnyStateMachine; broker: AnyStateMachine; replica: AnyStateMachine; producer: AnyStateMachine; coordinator: AnyStateMachine; consumer: AnyStateMachine };
  /** The group the consumers belong to (the run's options, or a scenario's `consumers` command). */
  private groupSpec: GroupSpec | null = null;
  /** The highest high watermark any leader of each partition has reached (CG-COMMIT-2's bound). */
  private readonly highestHighWatermark = new Map<string, number>();
  private nowMs = 0;
  private stepCount = 0;
  private transitionCount = 0;
  private healedAt: number | null = null;
  private convergedAt: number | null = null;
  private stepEffects: string[] = [];
  private stepChanged = new Set<number>();
  private readonly local: LocalEvent[] = [];
  /** The metadata log's committed truth, applied from whichever node has committed furthest. */
  private truth: MetadataImage = emptyImage;
  private truthOffset = 0;
  private readonly unclean = new Set<string>();
  /** Leader changes committed in this step (REPL-UNCLEAN-1 judges them). */
  private stepElections: LeaderElection[] = [];
  private viewCache: ReplicationView | null = null;
  private finished = false;
  /** The producer machine's sends: invoked (waiting for the callback), then judged by PROD-IDEM-1/2. */
  private readonly pendingSends = new Map<number, ProduceOperation>();
  private readonly producerSends: ProducerSend[] = [];
  private nextSendId = 1;
  private producerRequests = 0;
  readonly producerFindings: IdempotenceFinding[] = [];
  private readonly produceWatch = new ProduceWatch();
  private readonly commitWatch = new CommitWatch();

  constructor(setup: ClusterSetup) {
    this.options = setup.options;
    this.variant = findVariant(setup.options.variant);
    this.scripted = setup.scripted ?? false;
    this.replicaConfig = setup.replicaConfig ?? defaultReplicaConfig;
    this.brokerConfig = setup.brokerConfig ?? {
      ...defaultBrokerConfig,
      offsetsTopicNumPartitions: this.options.group?.offsetsTopicPartitions ?? defaultBrokerConfig.offsetsTopicNumPartitions,
      offsetsTopicReplicationFactor: Math.min(defaultBrokerConfig.offsetsTopicReplicationFactor, this.options.brokers),
    };
    this.groupCoordinatorConfig = { ...(setup.groupCoordinatorConfig ?? { ...simulatedGroupCoordinatorConfig, offsetsTopicNumPartitions: this.brokerConfig.offsetsTopicNumPartitions }), ...this.deviationsFor() };
    this.controllers = controllerIds(this.options);
    this.brokers = brokerIds(this.options);
    this.machines = {
      quorum: createQuorumMachine(this.variant.quorum) as unknown as AnyStateMachine,
      controller: createControllerMachine() as unknown as AnyStateMachine,
      broker: createBrokerMachine() as unknown as AnyStateMachine,
      replica: createReplicaMachine() as unknown as AnyStateMachine,
      producer: createProducerMachine() as unknown as AnyStateMachine,
      coordinator: createCoordinatorMachine() as unknown as AnyStateMachine,
      consumer: createConsumerMachine() as unknown as AnyStateMachine,
    };
    this.network = new Network(this.options.network, Random.stream(this.options.seed, 'network'));
    this.workload = Random.stream(this.options.seed, 'workload');
    this.faults = setup.faults ?? clusterFaultSchedule(this.options);
    this.checks = replicationInvariantChecks();
    this.trace = setup.recordTrace === true ? [] : null;
    this.client = new WorkloadClient(this.options, Random.stream(this.options.seed, 'client'), this.controllers, () => this.brokers.filter((b) => this.node(b).up), this.variant.replication.epochFencing);
    for (const id of [...this.controllers, ...this.brokers]) this.nodes.set(id, newNode(id, this.controllers.includes(id) ? 'controller' : 'broker'));
    this.trace?.push({ kind: 'cluster-header', version: 1, options: this.options, faults: this.faults, scripted: this.scripted });
    for (const timed of this.faults) this.queue.push(timed.atMs, { kind: 'fault', fault: timed.fault });
    if (!this.scripted) {
      this.queue.push(this.options.safetyPhaseMs, { kind: 'fault', fault: { kind: 'heal-all' } });
      this.queue.push(50, { kind: 'client', op: 'create' });
      this.queue.push(100, { kind: 'client', op: 'metadata' });
      this.queue.push(200, { kind: 'client', op: 'produce' });
      this.queue.push(200, { kind: 'client', op: 'consume' });
    }
    if (this.options.producer !== 'raw') this.nodes.set(PRODUCER_CLIENT_ID, newNode(PRODUCER_CLIENT_ID, 'client'));
    this.beginStep();
    for (const id of this.nodeIds) this.boot(this.node(id));
    if (this.options.producer !== 'raw') {
      this.start(this.node(PRODUCER_CLIENT_ID), 'producer', this.machines.producer, {
        clientId: PRODUCER_CLIENT_ID, bootstrap: this.brokers, config: simulatedProducerConfig(this.options.producer), randomSeed: streamSeed(this.options.seed, 'producer'),
      });
    }
    const group = this.options.group;
    if (group !== null && !this.scripted) {
      for (const id of consumerIds(this.options)) this.startConsumer(id, group, 300);
      if (group.consumerCrashes) this.scheduleConsumerCrashes();
      for (const z of zombiePauses(this.options, ClusterSimulation.consumerConfig(group, 0).sessionTimeoutMs)) {
        this.queue.push(z.atMs, { kind: 'consumer', consumer: z.consumer, op: 'pause' });
        this.queue.push(z.atMs + z.pauseMs, { kind: 'consumer', consumer: z.consumer, op: 'resume' });
      }
    }
    this.settle();
    this.endStep({ kind: 'boot' });
  }

  /** A broken variant's deviations, for a machine's config (nothing for the reference, so its configs stay as they were). */
  private deviationsFor(): { deviations?: Deviations } {
    return Object.keys(this.variant.deviations).length === 0 ? {} : { deviations: this.variant.deviations };
  }

  /** __consumer_offsets' partition count the brokers are configured with. */
  get offsetsTopicPartitions(): number {
    return this.brokerConfig.offsetsTopicNumPartitions;
  }

  /** A group spec the consumer machine accepts, or why not. */
  static checkGroup(group: GroupSpec): string | null {
    if (group.protocol === 'consumer') return ['uniform', 'range'].includes(group.assignor) ? null : `group.remote.assignor: unknown assignor '${group.assignor}' (uniform, range)`;
    return checkConsumerConfig(ClusterSimulation.consumerConfig(group, 91));
  }

  /** The simulated consumer's configuration: Kafka's defaults with the timings scaled like the cluster's. */
  static consumerConfig(group: GroupSpec, consumer: number): ConsumerConfig {
    return {
      ...defaultConsumerConfig,
      clientId: `consumer-${consumer}`, groupId: group.groupId, groupInstanceId: group.staticMembers ? `instance-${consumer}` : null, groupProtocol: group.protocol,
      assignors: group.protocol === 'classic' ? [group.assignor] : [], remoteAssignor: group.protocol === 'consumer' ? group.assignor : null,
      sessionTimeoutMs: 1_500, heartbeatIntervalMs: 300, maxPollIntervalMs: 5_000, autoCommitIntervalMs: 500, autoOffsetReset: 'earliest',
      requestTimeoutMs: 1_500, retryBackoffMs: 50, metadataMaxAgeMs: 1_000, fetchMaxWaitMs: 100, tickMs: 20,
    };
  }

  /** Start a consumer of the group on its client node; it subscribes to the topic after `delayMs` and polls every pollIntervalMs. */
  startConsumer(id: number, group: GroupSpec, delayMs: number): void {
    this.groupSpec = group;
    let node = this.nodes.get(id);
    if (node === undefined) this.nodes.set(id, (node = newNode(id, 'client')));
    node.up = true;
    this.start(node, 'consumer', this.machines.consumer, { clientId: id, bootstrap: this.brokers, config: ClusterSimulation.consumerConfig(group, id) });
    this.local.push({ node: id, actor: 'consumer', event: { type: 'Subscribe', topics: [this.options.topic.name], from: id } });
    this.queue.push(this.nowMs + delayMs, { kind: 'consumer', consumer: id, op: 'poll' });
  }

  /** Consumer processes die (no LeaveGroup, no commit) and come back later, during the safety phase. */
  private scheduleConsumerCrashes(): void {
    const random = Random.stream(this.options.seed, 'consumer-crashes');
    const ids = consumerIds(this.options);
    const certain = random.pick(ids);
    for (const id of ids) {
      if (id !== certain && !random.chance(0.3)) continue;
      const at = random.int(2_000, Math.max(2_001, this.options.safetyPhaseMs - 1_000));
      this.queue.push(at, { kind: 'consumer', consumer: id, op: 'crash' });
      this.queue.push(at + random.int(500, 4_000), { kind: 'consumer', consumer: id, op: 'restart' });
    }
  }

  private consumerTick(id: number, op: ConsumerOp): ClusterStepInput {
    const node = this.nodes.get(id);
    const group = this.groupSpec;
    if (node === undefined || group === null) return { kind: 'client', op: `consumer ${id} ${op}` };
    switch (op) {
      case 'poll':
        if (!node.up) break;
        if (node.paused) {
          // A paused process polls again once it resumes.
          this.queue.push(this.nowMs + group.pollIntervalMs, { kind: 'consumer', consumer: id, op: 'poll' });
          break;
        }
        this.transition(node, 'consumer', { type: 'Poll', from: id });
        this.queue.push(this.nowMs + group.pollIntervalMs, { kind: 'consumer', consumer: id, op: 'poll' });
        break;
      case 'crash':
        this.crashConsumer(id);
        break;
      case 'restart':
        this.restartConsumer(id);
        break;
      case 'pause':
        if (node.up) node.paused = true;
        this.stepChanged.add(id);
        break;
      case 'resume':
        if (node.paused) this.resume(node);
        break;
    }
    return { kind: 'client', op: `consumer ${id} ${op}` };
  }

  consumerRunning(id: number): boolean {
    return this.nodes.get(id)?.actors.has('consumer') === true;
  }

  /** A crashed consumer process starts again (a new incarnation; a static member keeps its group.instance.id). */
  restartConsumer(id: number): void {
    const node = this.nodes.get(id);
    if (node === undefined || node.up || this.groupSpec === null) return;
    node.incarnation++;
    this.startConsumer(id, this.groupSpec, 1);
  }

  /** A consumer process dies: it stops without leaving the group or committing. */
  crashConsumer(id: number): void {
    const node = this.nodes.get(id);
    if (node === undefined || !node.up) return;
    node.actors.clear();
    for (const timer of node.timers.values()) this.queue.cancel(timer);
    node.timers.clear();
    node.up = false;
    this.consumerHistory.push({ type: 'crashed', consumer: id, time: this.nowMs });
    this.stepEffects.push(`consumer ${id} crashed`);
  }

  /** What a consumer's effects tell the history. */
  private recordConsumer(node: ClusterNode, effect: Event): void {
    const consumer = node.id;
    const time = this.nowMs;
    switch (effect.type) {
      case 'records': {
        const records = effect['records'] as { offset: number }[];
        this.consumerHistory.push({ type: 'records', consumer, partition: effect['partition'] as string, offsets: records.map((r) => r.offset), time });
        break;
      }
      case 'rebalance':
        this.consumerHistory.push({ type: effect['kind'] as 'assigned', consumer, partitions: effect['partitions'] as string[], time });
        break;
      case 'position':
        this.consumerHistory.push({ type: 'position', consumer, partition: effect['partition'] as string, offset: effect['offset'] as number, reason: effect['reason'] as 'committed', time });
        break;
      case 'commit.completed': {
        if (effect['error'] !== null) break;
        for (const [partition, offset] of Object.entries(effect['offsets'] as Record<string, number>)) {
          this.consumerHistory.push({ type: 'committed', consumer, partition, offset, time, highWatermark: this.highestHighWatermark.get(partition) ?? 0 });
        }
        break;
      }
      case 'error':
        this.stepEffects.push(`consumer ${consumer}: ${String(effect['error'])}`);
        break;
      default:
        throw new Error(`the simulator does not know consumer effect '${effect.type}'`);
    }
  }

  /** Whether writes go through the producer machine. */
  get usesProducer(): boolean {
    return this.options.producer !== 'raw';
  }

  /** KafkaProducer.send: a record to the producer machine (its callback lands in the history). */
  sendRecord(key: string | null, value?: string): number {
    const sendId = this.nextSendId++;
    this.transition(this.node(PRODUCER_CLIENT_ID), 'producer', { type: 'Send', sendId, topic: this.options.topic.name, key, value: value ?? `p${sendId}`, from: PRODUCER_CLIENT_ID });
    return sendId;
  }

  /** Scenario and demo sends through the producer machine, as one step. */
  producerSend(key: string | null, value?: string): number {
    this.stepCount++;
    this.beginStep();
    const sendId = this.sendRecord(key, value);
    this.settle();
    this.endStep({ kind: 'client', op: 'send', key });
    return sendId;
  }

  get nodeIds(): number[] {
    return [...this.controllers, ...this.brokers];
  }

  get now(): number {
    return this.nowMs;
  }

  get steps(): number {
    return this.stepCount;
  }

  get transitions(): number {
    return this.transitionCount;
  }

  /** The replication view the clauses judge (rebuilt after every step). */
  view(): ReplicationView {
    if (this.viewCache === null) this.viewCache = this.buildView();
    return this.viewCache;
  }

  /** The committed metadata image (from the node that has committed furthest). */
  committedImage(): MetadataImage {
    return this.truth;
  }

  /** Which controller the quorum's leader is, if any. */
  activeController(): number | null {
    for (const id of this.controllers) {
      const node = this.node(id);
      const controller = node.actors.get('controller');
      if (node.up && controller !== undefined && stateName(controller.snapshot) === 'Active') return id;
    }
    return null;
  }

  pending(): { time: number; description: string }[] {
    return this.queue.pending().map((e) => ({ time: e.time, description: this.describe(e.item) }));
  }

  nextTime(): number | undefined {
    return this.queue.peek()?.time;
  }

  halted(): boolean {
    return this.violations.length > 0;
  }

  step(): boolean {
    const entry = this.queue.pop();
    if (entry === undefined) return false;
    this.nowMs = Math.max(this.nowMs, entry.time);
    this.apply(entry.item);
    return true;
  }

  run(): ClusterRunResult {
    const deadline = this.options.safetyPhaseMs + this.options.livenessBoundMs;
    drive(this, deadline, (time) => this.stepCount >= this.options.maxSteps || (this.convergedAt !== null && time > this.convergedAt + SETTLE_MS));
    this.finish();
    return this.result();
  }

  runUntil(untilMs: number, stopWhen?: () => boolean): void {
    if (drive(this, untilMs, () => false, stopWhen)) return;
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  injectFault(fault: Fault): void {
    this.apply({ kind: 'fault', fault });
  }

  /** Scenario and demo writes: one keyed record with the given acks, now. */
  produce(key: string, acks: number, producer?: ProducerFields): void {
    this.clientStep(this.client.produce(this.nowMs, key, acks, producer), { kind: 'client', op: 'produce', key, acks });
  }

  clientOp(op: 'create' | 'metadata' | 'consume'): void {
    const out = op === 'create' ? this.client.createTopic() : op === 'metadata' ? this.client.refreshMetadata() : this.client.consume();
    this.clientStep(out, { kind: 'client', op });
  }

  /** A scripted client call as its own step. */
  private clientStep(out: readonly Outgoing[], input: ClusterStepInput): void {
    this.stepCount++;
    this.beginStep();
    this.sendFromClient(out);
    this.endStep(input);
  }

  result(): ClusterRunResult {
    const h = this.client.history;
    return {
      options: this.options,
      violations: this.violations,
      allowedLostWrites: this.allowedLostWrites,
      allowed: [
        ...this.allowedLostWrites.map((l) => ({ clauseId: 'REPL-ACK-1', reason: `${l.partition} offset ${l.offset}: acknowledged ${l.value} lost to an unclean leader election the topic allows` })),
        ...this.producerFindings.filter((f) => f.allowed).map((f) => ({ clauseId: f.clauseId, reason: `${f.partition}: ${f.detail}` })),
      ],
      steps: this.stepCount,
      transitions: this.transitionCount,
      virtualTimeMs: this.nowMs,
      convergedAtMs: this.convergedAt,
      produced: { acked: h.filter((o) => o.type === 'ok').length, failed: h.filter((o) => o.type === 'fail').length, unknown: h.filter((o) => o.type === 'info').length },
      producerFindings: {
        duplicates: this.producerFindings.filter((f) => f.clauseId === 'PROD-IDEM-1' && !f.allowed).length,
        reorders: this.producerFindings.filter((f) => f.clauseId === 'PROD-IDEM-2' && !f.allowed).length,
        allowedDuplicates: this.producerFindings.filter((f) => f.clauseId === 'PROD-IDEM-1' && f.allowed).length,
        allowedReorders: this.producerFindings.filter((f) => f.clauseId === 'PROD-IDEM-2' && f.allowed).length,
      },
      consumedRecords: this.client.consumed.filter((e) => e.type === 'record').length,
      group: this.groupSpec === null ? null : {
        protocol: this.groupSpec.protocol,
        records: this.consumerHistory.reduce((n, e) => n + (e.type === 'records' ? e.offsets.length : 0), 0),
        rebalanceCallbacks: this.consumerHistory.filter((e) => e.type === 'assigned' || e.type === 'revoked' || e.type === 'lost').length,
        crashes: this.consumerHistory.filter((e) => e.type === 'crashed').length,
      },
      trace: this.trace,
    };
  }

  /** End of run: liveness and the history checks. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.violations.length > 0) return;
    this.client.finish(this.nowMs);
    for (const op of this.pendingSends.values()) this.client.history.push({ ...op, type: 'info', error: 'no answer', time: this.nowMs });
    this.pendingSends.clear();
    if (!this.scripted && this.convergedAt === null) {
      const reason = replicationNotConverged(this.view(), this.brokers, this.options.topic.partitions) ?? 'not converged';
      this.violate(ReplicationConverges.id, undefined, `within ${this.options.livenessBoundMs}ms of healing: ${reason}`);
      return;
    }
    const view = this.view();
    const durability = checkDurability(this.client.history, this.client.consumed, view);
    this.allowedLostWrites.push(...durability.lost.filter((l) => l.allowed));
    const consumption = checkConsumption(this.client.consumed, view.uncleanPartitions);
    const idempotence = this.usesProducer ? this.checkProducer(view) : [];
    const consumers = this.groupSpec === null ? [] : checkConsumerHistory(this.consumerHistory);
    for (const result of [durability.acked, durability.read, consumption.order, consumption.highWatermark, ...idempotence, ...consumers]) {
      if (result.verdict === 'invalid') this.violate(result.clauseId, undefined, result.anomalies.slice(0, 5).join('; ') + (result.anomalies.length > 5 ? `; and ${result.anomalies.length - 5} more` : ''));
    }
  }

  /** PROD-IDEM-1/2 over the producer's callbacks and each partition's committed log (the final leader's, below its high watermark). */
  private checkProducer(view: ReplicationView) {
    const logs = new Map<string, LoggedRecord[]>();
    const batchesByPartition = new Map<string, ProducerBatch[]>();
    for (const p of view.partitions.values()) {
      if (view.uncleanPartitions.has(p.key)) continue;
      const leader = view.replicas.find((r) => r.broker === p.leader && r.key === p.key && r.role === 'Leader');
      const log = this.nodes.get(p.leader)?.logs.get(p.key);
      if (leader === undefined || log === undefined) continue;
      const records: LoggedRecord[] = [];
      const batches: ProducerBatch[] = [];
      for (const batch of log.batches()) {
        if (batch.baseOffset + batch.lastOffsetDelta < leader.highWatermark) batches.push({ baseOffset: batch.baseOffset, producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence, recordCount: batch.lastOffsetDelta + 1 });
        for (const r of batch.records) {
          const offset = batch.baseOffset + r.offsetDelta;
          if (offset < leader.highWatermark) records.push({ offset, value: r.value, producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence });
        }
      }
      logs.set(p.key, records);
      batchesByPartition.set(p.key, batches);
    }
    const sends = this.producerSends.filter((s) => logs.has(s.partition));
    const result = checkIdempotence(sends, logs, this.produceWatch.attempts);
    this.producerFindings.push(...result.findings);
    return [result.duplicates, result.order, checkSequences(batchesByPartition)];
  }

  private producerAcks(): number {
    const producer = this.nodes.get(PRODUCER_CLIENT_ID)?.actors.get('producer');
    return producer === undefined ? -1 : ((contextOf(producer.snapshot)['config'] as ProducerConfig).acks);
  }

  /** A send's callback: ok with its offset, fail (certainly not written) or info (unknown). */
  private recordDelivery(effect: Event): void {
    const sendId = effect['sendId'] as number;
    const op = this.pendingSends.get(sendId);
    const error = effect['error'] as string | null;
    const partition = `${String(effect['topic'])}-${String(effect['partition'])}`;
    if (op === undefined) {
      // Failed before it had a partition (no metadata within max.block.ms, a fatal error).
      this.client.history.push({ type: 'fail', key: '', value: `p${sendId}`, partition, acks: this.producerAcks(), time: this.nowMs, error: error ?? 'unknown' });
      return;
    }
    this.pendingSends.delete(sendId);
    if (error === null) {
      const offset = effect['offset'] as number;
      this.client.history.push({ ...op, type: 'ok', time: this.nowMs, ...(offset >= 0 ? { offset } : {}) });
    } else this.client.history.push({ ...op, type: effect['definite'] === true ? 'fail' : 'info', error, time: this.nowMs });
    this.producerSends.push({ sendId, value: op.value, partition: op.partition, acknowledged: error === null });
  }

  /** The producer machine's identity and how much it sent, for the demo. */
  describeProducer(): { producerId: number; producerEpoch: number; requests: number; records: number } {
    const producer = this.nodes.get(PRODUCER_CLIENT_ID)?.actors.get('producer');
    const c = producer === undefined ? {} : contextOf(producer.snapshot);
    const owner = (c['producerIdAndEpoch'] as { producerId: number; producerEpoch: number } | undefined) ?? { producerId: -1, producerEpoch: -1 };
    return { ...owner, requests: this.producerRequests, records: this.producerSends.length };
  }

  /** A compact description of every node, for scenarios and the demo. */
  describeNode(id: number): Record<string, string | number | boolean> {
    return this.summaryOf(this.node(id));
  }

  /** The log of a broker's replica, for scenarios. */
  logOf(broker: number, key: string): PartitionLog | undefined {
    return this.node(broker).logs.get(key);
  }

  // ---- one step -------------------------------------------------------------------------------

  private apply(item: QueueItem): void {
    this.stepCount++;
    this.beginStep();
    const input = this.applyItem(item);
    this.settle();
    this.endStep(input);
  }

  private applyItem(item: QueueItem): ClusterStepInput {
    switch (item.kind) {
      case 'deliver': {
        if (item.to === CLIENT_ID) {
          this.sendFromClient(this.client.receive(item.message as ReplicationMessage, this.nowMs));
          return { kind: 'deliver', from: item.from, to: item.to, message: this.render(item.from, item.to, item.message) };
        }
        if (item.to === PRODUCER_CLIENT_ID) {
          if (item.message.type === 'ProduceResponse') this.produceWatch.answerReceived(item.from, item.message);
          this.transition(this.node(PRODUCER_CLIENT_ID), 'producer', { ...item.message, from: item.from });
          return { kind: 'deliver', from: item.from, to: item.to, actor: 'producer', message: this.render(item.from, item.to, item.message) };
        }
        const node = this.node(item.to);
        if (!node.up && this.consumerRunning(item.from)) {
          // Connecting to a process that is down fails at once (connection refused): the consumer hears of it.
          this.queue.push(this.nowMs + 1, { kind: 'deliver', from: item.to, to: item.from, message: { type: 'Disconnected', node: item.to } as never });
        }
        if (!node.up || this.network.isCut(item.from, item.to)) return { kind: 'drop', from: item.from, to: item.to, reason: node.up ? 'partition' : 'crashed', message: this.render(item.from, item.to, item.message) };
        if (node.paused) {
          node.backlog.push(item);
          return { kind: 'drop', from: item.from, to: item.to, reason: 'paused (held)', message: this.render(item.from, item.to, item.message) };
        }
        const actor = this.route(node, item.message);
        if (item.message.type === 'OffsetCommit' && actor === 'coordinator') this.commitWatch.commitArrived(node.id, item.from, item.message, () => this.groupsView());
        if (item.message.type === 'Produce' && actor !== null && stateName(node.actors.get(actor)?.snapshot) === 'Leader') this.produceWatch.requestArrived(node.id, item.from, item.message, node.logs.get(partitionKey(item.message)));
        if (actor !== null) this.transition(node, actor, { ...item.message, from: item.from });
        return { kind: 'deliver', from: item.from, to: item.to, actor: actor ?? '(none)', message: this.render(item.from, item.to, item.message) };
      }
      case 'timer': {
        const node = this.node(item.node);
        node.timers.delete(`${item.actor}|${item.id}`);
        if (node.paused) {
          node.backlog.push(item);
          return { kind: 'timer', node: item.node, actor: item.actor, id: `${item.id} (held: paused)` };
        }
        if (node.actors.has(item.actor)) this.transition(node, item.actor, { ...item.event, from: node.id });
        return { kind: 'timer', node: item.node, actor: item.actor, id: item.id };
      }
      case 'client':
        return this.clientTick(item.op);
      case 'consumer':
        return this.consumerTick(item.consumer, item.op);
      case 'fault':
        return this.applyFault(item.fault);
    }
  }

  private clientTick(op: 'create' | 'metadata' | 'produce' | 'consume'): ClusterStepInput {
    // Writes go on for a while after healing (so a run whose faults held up the topic still writes), then stop so the cluster can settle.
    const producing = this.nowMs < this.options.safetyPhaseMs + PRODUCE_AFTER_HEALING_MS;
    switch (op) {
      case 'create':
        if (!this.client.topicCreated) {
          this.sendFromClient(this.client.createTopic());
          this.queue.push(this.nowMs + CREATE_RETRY_MS, { kind: 'client', op: 'create' });
        }
        break;
      case 'metadata':
        this.sendFromClient(this.client.refreshMetadata());
        this.client.expireFetches();
        this.queue.push(this.nowMs + METADATA_REFRESH_MS, { kind: 'client', op: 'metadata' });
        break;
      case 'produce':
        if (producing && this.usesProducer) {
          // A burst of one to three records: the producer batches what arrives within linger.ms.
          const burst = this.workload.int(1, 3);
          for (let i = 0; i < burst; i++) this.sendRecord(`user-${this.workload.int(0, 39)}`);
          this.queue.push(this.nowMs + this.workload.int(1, 2 * this.options.produceIntervalMs), { kind: 'client', op: 'produce' });
        } else if (producing) {
          this.sendFromClient(this.client.produce(this.nowMs));
          this.queue.push(this.nowMs + this.workload.int(1, 2 * this.options.produceIntervalMs), { kind: 'client', op: 'produce' });
        }
        break;
      case 'consume':
        this.sendFromClient(this.client.consume());
        this.queue.push(this.nowMs + this.workload.int(1, 2 * this.options.consumeIntervalMs), { kind: 'client', op: 'consume' });
        break;
    }
    return { kind: 'client', op };
  }

  private sendFromClient(out: readonly Outgoing[]): void {
    for (const o of out) this.send(CLIENT_ID, o.to, o.message);
  }

  /** Which machine on a node a message is for (Kafka's request handler and ReplicaManager routing). */
  private route(node: ClusterNode, message: AnyMessage): string | null {
    if (node.kind === 'client') return node.actors.has('consumer') ? 'consumer' : null;
    if (coordinatorRequestTypes.has(message.type)) return node.kind === 'broker' ? 'coordinator' : null;
    if ('topicId' in message && message.type !== 'AlterPartition' && message.type !== 'CreateTopicsResponse') {
      const actor = `replica:${partitionKey(message as PartitionAddress)}`;
      if (node.actors.has(actor)) return actor;
      return node.kind === 'broker' && (message.type === 'Fetch' || message.type === 'Produce' || message.type === 'ListOffsets' || message.type === 'OffsetForLeaderEpoch') ? 'broker' : null;
    }
    switch (message.type) {
      case 'BrokerRegistration':
      case 'BrokerHeartbeat':
      case 'AlterPartition':
      case 'CreateTopics':
      case 'AllocateProducerIds':
        return node.kind === 'controller' ? 'controller' : null;
      case 'BrokerRegistrationResponse':
      case 'BrokerHeartbeatResponse':
      case 'Metadata':
      case 'InitProducerId':
      case 'AllocateProducerIdsResponse':
      case 'FindCoordinator':
      case 'CreateTopicsResponse':
        return node.kind === 'broker' ? 'broker' : null;
      case 'InitProducerIdResponse':
        return null;
      default:
        return 'quorum';
    }
  }

  // ---- faults ---------------------------------------------------------------------------------

  private applyFault(fault: Fault): ClusterStepInput {
    this.stepEffects.push(renderFault(fault));
    const all = [CLIENT_ID, ...this.nodeIds];
    switch (fault.kind) {
      case 'crash':
      case 'power-loss': {
        const node = this.node(fault.node);
        if (node.up) this.crash(node, fault.kind === 'power-loss');
        break;
      }
      case 'restart': {
        const node = this.node(fault.node);
        if (!node.up) {
          node.up = true;
          node.incarnation++;
          this.boot(node);
        }
        break;
      }
      case 'pause':
        this.node(fault.node).paused = true;
        this.stepChanged.add(fault.node);
        break;
      case 'resume':
        this.resume(this.node(fault.node));
        break;
      case 'isolate':
        this.network.isolate(fault.node, all);
        break;
      case 'split':
        this.network.split(fault.side, all);
        break;
      case 'one-way':
        this.network.cutLink(fault.from, fault.to);
        break;
      case 'heal':
        this.network.heal();
        break;
      case 'clock-skew':
        this.node(fault.node).skew = fault.factor;
        break;
      case 'heal-all':
        this.network.heal();
        this.healedAt = this.nowMs;
        for (const node of this.nodes.values()) {
          node.skew = 1;
          if (node.paused) this.resume(node);
          if (!node.up) {
            node.up = true;
            node.incarnation++;
            this.boot(node);
          }
        }
        break;
    }
    return { kind: 'fault', fault: renderFault(fault) };
  }

  private crash(node: ClusterNode, powerLoss: boolean): void {
    const quorum = node.actors.get('quorum');
    if (quorum !== undefined) node.quorumDurable = contextOf(quorum.snapshot)['durable'] as QuorumDurable;
    for (const [name, actor] of node.actors) {
      if (name.startsWith('replica:')) node.highWatermarkCheckpoints.set(name.slice('replica:'.length), contextOf(actor.snapshot)['highWatermark'] as number);
    }
    if (powerLoss) {
      for (const [key, log] of node.logs) {
        const lost = log.loseUnflushed();
        if (lost > 0) this.stepEffects.push(`n${node.id} ${key} lost ${lost} unflushed records (log end offset now ${log.logEndOffset})`);
      }
    }
    node.actors.clear();
    node.up = false;
    node.paused = false;
    node.backlog.length = 0;
    for (const timer of node.timers.values()) this.queue.cancel(timer);
    node.timers.clear();
    node.deliveredOffset = 0;
    node.reportedLeader = '';
    node.coordinatorView.clear();
    this.stepChanged.add(node.id);
  }

  private resume(node: ClusterNode): void {
    node.paused = false;
    this.stepChanged.add(node.id);
    for (const item of node.backlog.splice(0)) {
      const scheduled = this.queue.push(this.nowMs, item);
      if (item.kind === 'timer') node.timers.set(`${item.actor}|${item.id}`, scheduled);
    }
  }

  // ---- machines -------------------------------------------------------------------------------

  private boot(node: ClusterNode): void {
    const seed = (name: string): number => streamSeed(this.options.seed, `node-${node.id}/incarnation-${node.incarnation}/${name}`);
    this.start(node, 'quorum', this.machines.quorum, {
      nodeId: node.id, voters: this.controllers, config: clusterQuorumConfig, randomSeed: seed('quorum'),
      ...(node.quorumDurable === undefined ? {} : { durable: node.quorumDurable }),
    });
    if (node.kind === 'controller') this.start(node, 'controller', this.machines.controller, { nodeId: node.id, config: { ...defaultControllerConfig, ...this.deviationsFor() }, randomSeed: seed('controller') });
    else {
      this.start(node, 'broker', this.machines.broker, { brokerId: node.id, config: this.brokerConfig, randomSeed: seed('broker') });
      this.start(node, 'coordinator', this.machines.coordinator, { brokerId: node.id, config: this.groupCoordinatorConfig, randomSeed: seed('coordinator') });
    }
  }

  private start(node: ClusterNode, name: string, machine: AnyStateMachine, input: unknown): void {
    const [snapshot, actions] = initialTransition(machine, input as never);
    this.transitionCount++;
    node.actors.set(name, { name, machine, snapshot });
    this.stepChanged.add(node.id);
    this.interpret(node, name, actions as readonly { type: string; params?: unknown }[]);
  }

  private startReplica(node: ClusterNode, address: PartitionAddress): void {
    const key = partitionKey(address);
    let log = node.logs.get(key);
    if (log === undefined) {
      // The workload topic's retention settings; __consumer_offsets is compacted (compaction is not modelled: it keeps everything).
      const c = address.topic === this.options.topic.name ? this.options.topic.configs : {};
      log = new PartitionLog({
        ...defaultLogConfig,
        flushMessages: this.options.flushMessages,
        ...(c['retention.ms'] === undefined ? {} : { retentionMs: Number(c['retention.ms']) }),
        ...(c['retention.bytes'] === undefined ? {} : { retentionBytes: Number(c['retention.bytes']) }),
        ...(c['segment.bytes'] === undefined ? {} : { segmentBytes: Number(c['segment.bytes']) }),
      }, this.nowMs);
      node.logs.set(key, log);
    }
    this.start(node, `replica:${key}`, this.machines.replica, {
      brokerId: node.id, address, config: this.replicaConfig, variant: { ...this.variant.replication, ...this.deviationsFor() },
      log: { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, epochCache: log.epochCache, producers: producerStateOf(log.batches()) },
      highWatermarkCheckpoint: node.highWatermarkCheckpoints.get(key) ?? 0,
    });
  }

  private transition(node: ClusterNode, name: string, event: Record<string, unknown>): void {
    const actor = node.actors.get(name);
    if (actor === undefined) return;
    const [snapshot, actions] = transition(actor.machine, actor.snapshot as never, { ...event, nowMs: this.nowMs } as never);
    this.transitionCount++;
    actor.snapshot = snapshot;
    this.stepChanged.add(node.id);
    this.interpret(node, name, actions as readonly { type: string; params?: unknown }[]);
  }

  /** Hand local events on until none is left, bridging the quorum to its neighbours after each. */
  private settle(): void {
    for (let rounds = 0; rounds < 10_000; rounds++) {
      const next = this.local.shift();
      if (next !== undefined) {
        const node = this.node(next.node);
        if (node.up) this.transition(node, next.actor, next.event);
        continue;
      }
      let bridged = false;
      for (const id of this.stepChanged) if (this.bridge(this.node(id))) bridged = true;
      for (const id of this.stepChanged) if (this.watchOffsetsPartitions(this.node(id))) bridged = true;
      if (!bridged) return;
    }
    throw new Error('local hand-offs did not settle');
  }

  /** RaftClient.Listener: committed metadata and leader changes go to the controller or broker beside the quorum machine. */
  private bridge(node: ClusterNode): boolean {
    const quorum = node.actors.get('quorum');
    if (!node.up || quorum === undefined) return false;
    const q = contextOf(quorum.snapshot);
    const durable = q['durable'] as QuorumDurable;
    const highWatermark = q['highWatermark'] as number;
    const neighbour = node.kind === 'controller' ? 'controller' : 'broker';
    let handed = false;
    if (highWatermark > node.deliveredOffset) {
      const records = node.quorumStore.read(node.deliveredOffset, highWatermark - node.deliveredOffset);
      node.deliveredOffset = highWatermark;
      const entries = records.flatMap((r) => {
        const entry = parseEntry(r.value);
        return entry === null ? [] : [{ ...entry, endOffset: r.offset + 1 }];
      });
      this.advanceTruth(node);
      if (entries.length > 0 || node.kind === 'broker') {
        const event = node.kind === 'controller'
          ? { type: 'MetadataCommitted', entries, committedOffset: highWatermark }
          : { type: 'MetadataCommitted', records: entries.flatMap((e) => e.records), committedOffset: highWatermark };
        this.local.push({ node: node.id, actor: neighbour, event });
        handed = true;
      }
    }
    const role = stateName(quorum.snapshot);
    let leaderId = durable.leaderId ?? -1;
    // A leader's own controller hears of its leadership once the log is replayed to its epoch start.
    if (leaderId === node.id && !(role === 'Leader' && highWatermark > (q['epochStartOffset'] as number))) leaderId = -2;
    if (leaderId === -2) return handed;
    const reported = `${leaderId}/${durable.currentEpoch}`;
    if (reported !== node.reportedLeader) {
      node.reportedLeader = reported;
      this.local.push({ node: node.id, actor: neighbour, event: { type: 'QuorumLeaderChange', leaderId, epoch: durable.currentEpoch } });
      handed = true;
    }
    return handed;
  }

  private advanceTruth(node: ClusterNode): void {
    if (node.deliveredOffset <= this.truthOffset) return;
    const records = node.quorumStore.read(this.truthOffset, node.deliveredOffset - this.truthOffset);
    const applied: MetadataRecord[] = [];
    for (const r of records) {
      const entry = parseEntry(r.value);
      if (entry !== null) applied.push(...entry.records);
    }
    for (const record of applied) {
      const before = this.truth;
      this.truth = applyRecords(this.truth, [record]);
      const election = leaderElectionOf(before, this.truth, record);
      if (election === null) continue;
      this.stepElections.push(election);
      if (isUncleanElection(election) && this.uncleanElectionEnabled(election.key)) this.unclean.add(election.key);
    }
    this.truthOffset = node.deliveredOffset;
  }

  /** Carry out a transition's actions: this shell is the machines' only way to the world. */
  private interpret(node: ClusterNode, actor: string, actions: readonly { type: string; params?: unknown }[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'xstate.emit':
          this.perform(node, actor, (action.params as { event: Event }).event);
          break;
        case 'xstate.raise': {
          const params = action.params as { event: Event; id?: string; delay?: number };
          if (params.delay === undefined) throw new Error(`undelayed raise escaped ${actor} on node ${node.id}`);
          const id = params.id ?? String(params.event.type);
          const key = `${actor}|${id}`;
          const existing = node.timers.get(key);
          if (existing !== undefined) this.queue.cancel(existing);
          const due = this.nowMs + Math.max(0, Math.round(params.delay * node.skew));
          node.timers.set(key, this.queue.push(due, { kind: 'timer', node: node.id, actor, incarnation: node.incarnation, id, event: params.event }));
          break;
        }
        case 'xstate.cancel': {
          const key = `${actor}|${(action.params as { sendId: string }).sendId}`;
          const existing = node.timers.get(key);
          if (existing !== undefined) {
            this.queue.cancel(existing);
            node.timers.delete(key);
          }
          break;
        }
        default:
          throw new Error(`the simulator does not know action '${action.type}' (${actor} on node ${node.id})`);
      }
    }
  }

  private perform(node: ClusterNode, actor: string, effect: Event): void {
    if (actor === 'consumer' && effect.type !== 'send') return this.recordConsumer(node, effect);
    if (actor === 'consumer' && (effect['message'] as AnyMessage).type === 'OffsetFetch') this.consumerHistory.push({ type: 'offset-fetch', consumer: node.id, time: this.nowMs });
    const key = actor.startsWith('replica:') ? actor.slice('replica:'.length) : '';
    switch (effect.type) {
      case 'send': {
        let message = effect['message'] as AnyMessage;
        const read = effect['read'] as { fromOffset: number; maxOffset: number } | undefined;
        const lookup = effect['lookupTimestamp'] as { timestamp: number; maxOffset: number } | undefined;
        const attachFrom = effect['attachRecordsFrom'] as number | undefined;
        if (actor === 'quorum' && attachFrom !== undefined && message.type === 'FetchResponse' && !('topicId' in message)) {
          message = { ...message, records: node.quorumStore.read(attachFrom, QUORUM_FETCH_RECORDS_MAX) };
        }
        const log = node.logs.get(key);
        if (read !== undefined && log !== undefined && message.type === 'FetchResponse' && 'topicId' in message) {
          const result = log.read(read.fromOffset, read.maxOffset, 64 * 1024);
          message = { ...message, batches: result.error === 'NONE' ? result.batches : [] };
        }
        if (lookup !== undefined && log !== undefined && message.type === 'ListOffsetsResponse') {
          const found = log.offsetForTimestamp(lookup.timestamp, lookup.maxOffset);
          message = { ...message, offset: found?.offset ?? -1, timestamp: found?.timestamp ?? -1 };
        }
        if (effect['to'] === node.id && actor.startsWith('replica:') && message.type === 'ProduceResponse') {
          // The group coordinator's local append (ReplicaManager.appendRecords from the coordinator runtime) answers in-process.
          this.local.push({ node: node.id, actor: 'coordinator', event: { ...message, from: node.id } });
          break;
        }
        this.send(node.id, effect['to'] as number, message);
        break;
      }
      case 'coordinator.metadata':
        this.local.push({ node: node.id, actor: 'coordinator', event: { type: 'Topics', topics: effect['topics'], from: node.id } });
        break;
      case 'coordinator.append':
        this.appendForCoordinator(node, effect['partition'] as number, effect['correlationId'] as number, effect['records'] as { key: string; value: string | null }[]);
        break;
      case 'send.controller': {
        const broker = node.actors.get('broker');
        const controllerId = broker === undefined ? -1 : (contextOf(broker.snapshot)['controllerId'] as number);
        if (controllerId >= 0) this.send(node.id, controllerId, effect['message'] as AnyMessage);
        else this.stepEffects.push(`n${node.id} ${key}: no active controller known, AlterPartition waits`);
        break;
      }
      case 'appended': {
        const op: ProduceOperation = { type: 'invoke', key: String(effect['key'] ?? ''), value: String(effect['value'] ?? ''), partition: `${String(effect['topic'])}-${String(effect['partition'])}`, acks: this.producerAcks(), time: this.nowMs };
        this.pendingSends.set(effect['sendId'] as number, op);
        this.client.history.push(op);
        break;
      }
      case 'delivery':
        this.recordDelivery(effect);
        break;
      case 'propose':
        this.local.push({ node: node.id, actor: 'quorum', event: { type: 'Propose', value: JSON.stringify(effect['entry']), from: -1 } });
        break;
      case 'client.reply': {
        const reply = effect['message'] as { value: string; errorCode: number };
        if (reply.errorCode !== 0 && node.actors.has('controller')) {
          const entry = parseEntry(reply.value);
          if (entry !== null) this.local.push({ node: node.id, actor: 'controller', event: { type: 'ProposalFailed', id: entry.id, from: node.id } });
        }
        break;
      }
      case 'log.append': {
        if (actor === 'quorum') {
          const records = effect['records'] as { offset: number; epoch: number; value: string }[];
          node.quorumStore.append(records);
          break;
        }
        const log = node.logs.get(key);
        const batch = effect['batch'] as import('../../log/partition-log.js').RecordBatch;
        log?.append(batch, this.nowMs);
        this.stepEffects.push(`n${node.id} ${key} append ${batch.records.map((r) => r.value).join(',')}@${batch.baseOffset}/e${batch.partitionLeaderEpoch}`);
        break;
      }
      case 'log.truncate': {
        if (actor === 'quorum') {
          node.quorumStore.truncateTo(effect['toOffset'] as number);
          break;
        }
        const log = node.logs.get(key);
        if (log === undefined) break;
        const before = log.logEndOffset;
        log.truncateTo(effect['toOffset'] as number);
        this.stepEffects.push(`n${node.id} ${key} truncate to ${effect['toOffset'] as number} (log end offset ${before} -> ${log.logEndOffset})`);
        this.reportLogState(node, actor, log);
        break;
      }
      case 'log.truncateFullyAndStartAt': {
        const log = node.logs.get(key);
        if (log === undefined) break;
        log.truncateFullyAndStartAt(effect['offset'] as number, this.nowMs);
        this.stepEffects.push(`n${node.id} ${key} restart log at ${effect['offset'] as number}`);
        this.reportLogState(node, actor, log);
        break;
      }
      case 'log.assignEpochStartOffset':
        node.logs.get(key)?.assignEpochStartOffset(effect['epoch'] as number, effect['offset'] as number);
        break;
      case 'log.raiseLogStartOffset':
        node.logs.get(key)?.raiseLogStartOffset(effect['offset'] as number);
        break;
      case 'log.retention': {
        const log = node.logs.get(key);
        if (log === undefined) break;
        const deleted = log.deleteOldSegments(this.nowMs, effect['highWatermark'] as number);
        if (deleted > 0) {
          this.stepEffects.push(`n${node.id} ${key} retention deleted ${deleted} segment(s), log start offset ${log.logStartOffset}`);
          this.reportLogState(node, actor, log);
        }
        break;
      }
      case 'replica.metadata': {
        const address = effect['address'] as PartitionAddress;
        const replica = `replica:${partitionKey(address)}`;
        if (!node.actors.has(replica)) this.startReplica(node, address);
        this.local.push({ node: node.id, actor: replica, event: { type: 'PartitionMetadata', partition: effect['partition'], brokerEpoch: effect['brokerEpoch'], minInsyncReplicas: effect['minInsyncReplicas'], ineligible: effect['ineligible'], from: node.id } });
        break;
      }
      default:
        throw new Error(`the simulator does not know effect '${effect.type}' (${actor} on node ${node.id})`);
    }
  }

  /** CoordinatorPartitionWriter.append: a local acks=1 write to the leader replica of the shard's partition. */
  private appendForCoordinator(node: ClusterNode, partition: number, correlationId: number, records: { key: string; value: string | null }[]): void {
    const topic = Object.values(this.brokerImage(node).topics).find((t) => t.name === OFFSETS_TOPIC);
    const address = { topic: OFFSETS_TOPIC, topicId: topic?.topicId ?? '', partition };
    const replica = `replica:${partitionKey(address)}`;
    if (topic === undefined || !node.actors.has(replica)) {
      this.local.push({ node: node.id, actor: 'coordinator', event: { type: 'ProduceResponse', ...address, correlationId, errorCode: 6, baseOffset: -1, logStartOffset: -1, from: node.id } });
      return;
    }
    this.local.push({ node: node.id, actor: replica, event: { type: 'Produce', ...address, correlationId, acks: 1, timeoutMs: 0, records, from: node.id } });
  }

  private brokerImage(node: ClusterNode): MetadataImage {
    const broker = node.actors.get('broker');
    return broker === undefined ? emptyImage : (contextOf(broker.snapshot)['image'] as MetadataImage);
  }

  /**
   * The group coordinator follows its broker's leadership of __consumer_offsets partitions
   * (GroupCoordinator.onElection / onResignation, and the high watermark listener): a replica that
   * became leader (or leads in a new epoch) has its records loaded, one that stopped leading is
   * unloaded, and a leader's high watermark advances are passed on.
   */
  private watchOffsetsPartitions(node: ClusterNode): boolean {
    if (node.kind !== 'broker' || !node.up || !node.actors.has('coordinator')) return false;
    let handed = false;
    const leading = new Set<number>();
    for (const [name, actor] of node.actors) {
      if (!name.startsWith(`replica:${OFFSETS_TOPIC}-`) || stateName(actor.snapshot) !== 'Leader') continue;
      const c = contextOf(actor.snapshot);
      const partition = (c['address'] as PartitionAddress).partition;
      const leaderEpoch = (c['partition'] as { leaderEpoch: number }).leaderEpoch;
      const highWatermark = c['highWatermark'] as number;
      leading.add(partition);
      const seen = node.coordinatorView.get(partition);
      if (seen === undefined || seen.leaderEpoch !== leaderEpoch) {
        const log = node.logs.get(name.slice('replica:'.length));
        const records = (log?.batches() ?? []).flatMap((b) => b.records.map((r) => ({ key: r.key, value: r.value })));
        this.local.push({ node: node.id, actor: 'coordinator', event: { type: 'LoadShard', partition, leaderEpoch, records, logEndOffset: log?.logEndOffset ?? 0, highWatermark, from: node.id } });
        this.stepEffects.push(`n${node.id} group coordinator loads ${OFFSETS_TOPIC}-${partition} (leader epoch ${leaderEpoch}, ${records.length} records)`);
      } else if (seen.highWatermark !== highWatermark) {
        this.local.push({ node: node.id, actor: 'coordinator', event: { type: 'HighWatermark', partition, highWatermark, from: node.id } });
      } else continue;
      node.coordinatorView.set(partition, { leaderEpoch, highWatermark });
      handed = true;
    }
    for (const partition of [...node.coordinatorView.keys()]) {
      if (leading.has(partition)) continue;
      node.coordinatorView.delete(partition);
      this.local.push({ node: node.id, actor: 'coordinator', event: { type: 'UnloadShard', partition, from: node.id } });
      this.stepEffects.push(`n${node.id} group coordinator unloads ${OFFSETS_TOPIC}-${partition}`);
      handed = true;
    }
    return handed;
  }

  private reportLogState(node: ClusterNode, actor: string, log: PartitionLog): void {
    this.local.push({ node: node.id, actor, event: { type: 'LogState', logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, epochCache: log.epochCache, producers: producerStateOf(log.batches()), from: node.id } });
  }

  private send(from: number, to: number, message: AnyMessage): void {
    if (from === PRODUCER_CLIENT_ID && message.type === 'Produce') {
      this.producerRequests++;
      this.produceWatch.requestSent(to, message);
    }
    if (message.type === 'OffsetCommitResponse' && this.nodes.get(from)?.kind === 'broker') {
      const problem = this.commitWatch.answerSent(from, to, message);
      if (problem !== null) this.violate(CommitFencedByGeneration.id, CommitFencedByGeneration.anomaly, problem);
    }
    if (message.type === 'ProduceResponse' && this.nodes.get(from)?.kind === 'broker') {
      const problem = this.produceWatch.answerSent(from, to, message);
      if (problem !== null) this.violate(RetriedBatchDeduplicated.id, RetriedBatchDeduplicated.anomaly, problem);
    }
    if (to !== CLIENT_ID && !this.nodes.has(to)) throw new Error(`n${from} sent ${message.type} to unknown node ${to}: ${JSON.stringify(message).slice(0, 200)}`);
    const decision = this.network.send(from, to, message.type, this.nowMs);
    const line = this.render(from, to, message);
    if ('dropped' in decision) {
      this.stepEffects.push(`${line} (${decision.dropped})`);
      // The producer talks over TCP: a lost message is a broken connection, which the client sees
      // at once (every request in flight on it fails), not one silently missing answer.
      const peer = from === PRODUCER_CLIENT_ID ? to : to === PRODUCER_CLIENT_ID ? from : null;
      if (decision.dropped === 'loss' && peer !== null) this.queue.push(this.nowMs + 1, { kind: 'deliver', from: peer, to: PRODUCER_CLIENT_ID, message: { type: 'Disconnected', node: peer } as never });
      // A consumer's connection breaks too (TCP), and the consumer hears of it.
      const consumer = this.nodes.get(from)?.actors.has('consumer') === true ? from : this.nodes.get(to)?.actors.has('consumer') === true ? to : null;
      if (decision.dropped === 'loss' && consumer !== null) this.queue.push(this.nowMs + 1, { kind: 'deliver', from: consumer === from ? to : from, to: consumer, message: { type: 'Disconnected', node: consumer === from ? to : from } as never });
      return;
    }
    this.stepEffects.push(decision.deliverAt.length > 1 ? `${line} (duplicated)` : line);
    for (const at of decision.deliverAt) this.queue.push(at, { kind: 'deliver', from, to, message });
  }

  private render(from: number, to: number, message: AnyMessage): string {
    if ((message as { type: string }).type === 'Disconnected') return `n${from}->${to === PRODUCER_CLIENT_ID ? 'producer' : `n${to}`} connection closed`;
    return isReplicationMessage(message) ? renderReplicationMessage(from, to, message) : renderQuorumMessage(from, to, message as QuorumMessage);
  }

  // ---- views, checks, trace -------------------------------------------------------------------

  private beginStep(): void {
    this.stepEffects = [];
    this.stepElections = [];
    this.stepChanged = new Set();
  }

  private endStep(input: ClusterStepInput): void {
    this.viewCache = null;
    const changes: Record<string, Record<string, string | number | boolean>> = {};
    for (const id of this.stepChanged) {
      const node = this.node(id);
      const after = this.summaryOf(node);
      const diff: Record<string, string | number | boolean> = {};
      for (const [field, value] of Object.entries(after)) if (node.summary[field] !== value) diff[field] = value;
      for (const field of Object.keys(node.summary)) if (!(field in after)) diff[field] = '(gone)';
      node.summary = after;
      if (Object.keys(diff).length > 0) changes[String(id)] = diff;
    }
    const view = this.view();
    for (const r of view.replicas) if (r.role === 'Leader' && r.highWatermark > (this.highestHighWatermark.get(r.key) ?? 0)) this.highestHighWatermark.set(r.key, r.highWatermark);
    const moment = { step: this.stepCount, time: this.nowMs, changedNodes: [...this.stepChanged] };
    const found: string[] = [];
    for (const check of this.checks) {
      for (const message of check.observe(view, moment)) {
        found.push(`${check.clause.id}: ${message}`);
        this.violate(check.clause.id, check.clause.anomaly, message);
      }
    }
    if (this.stepChanged.size > 0 && this.brokers.some((b) => this.stepChanged.has(b))) {
      const groups = this.groupsView();
      for (const check of this.groupChecks) {
        for (const message of check.observe(groups, moment)) {
          found.push(`${check.clause.id}: ${message}`);
          this.violate(check.clause.id, check.clause.anomaly, message);
        }
      }
    }
    if (this.healedAt !== null && this.convergedAt === null && replicationNotConverged(view, this.brokers, this.options.topic.partitions) === null) this.convergedAt = this.nowMs;
    this.trace?.push({ kind: 'step', step: this.stepCount, time: this.nowMs, input, effects: this.stepEffects, changes, ...(found.length > 0 ? { violations: found } : {}) });
  }

  /** Every live broker's group coordinator shards, as the group clauses see them. */
  groupsView(): GroupsView {
    const shards = this.brokers.flatMap((id) => {
      const node = this.node(id);
      const coordinator = node.up ? node.actors.get('coordinator') : undefined;
      return coordinator === undefined ? [] : shardViews(id, contextOf(coordinator.snapshot) as unknown as CoordinatorContext);
    });
    const topicPartitions = Object.fromEntries(Object.values(this.truth.topics).map((t) => [t.name, t.partitions.length]));
    return { shards, topicPartitions };
  }

  private violate(clauseId: string, anomaly: string | undefined, message: string): void {
    this.violations.push({ clauseId, message, step: this.stepCount, time: this.nowMs, ...(anomaly === undefined ? {} : { anomaly }) });
  }

  /** unclean.leader.election.enable as the workload created the topic (the judge's knowledge, not the controller's). */
  private uncleanElectionEnabled(key: string): boolean {
    return key.startsWith(`${this.options.topic.name}-`) && this.options.topic.configs['unclean.leader.election.enable'] === 'true';
  }

  private buildView(): ReplicationView {
    const partitions = new Map<string, PartitionStateView>();
    for (const topic of Object.values(this.truth.topics)) {
      topic.partitions.forEach((p, index) => {
        const key = `${topic.name}-${index}`;
        partitions.set(key, { key, replicas: p.replicas, isr: p.isr, leader: p.leader, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch });
      });
    }
    const replicas: ReplicaView[] = [];
    for (const id of this.brokers) {
      const node = this.node(id);
      if (!node.up) continue;
      for (const [name, actor] of node.actors) {
        if (!name.startsWith('replica:')) continue;
        const c = contextOf(actor.snapshot);
        const partition = c['partition'] as { leaderEpoch: number; isr: number[] };
        const log = c['log'] as { logStartOffset: number; logEndOffset: number };
        replicas.push({
          broker: id, key: name.slice('replica:'.length), role: stateName(actor.snapshot) as ReplicaView['role'], leaderEpoch: partition.leaderEpoch,
          isr: partition.isr, highWatermark: c['highWatermark'] as number, logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset,
        });
      }
    }
    const brokers = Object.values(this.truth.brokers);
    return {
      partitions,
      replicas,
      fencedBrokers: brokers.filter((b) => b.fenced).map((b) => b.brokerId),
      registeredBrokers: brokers.map((b) => b.brokerId),
      uncleanPartitions: this.unclean,
      elections: this.stepElections,
      uncleanElectionEnabled: (key) => this.uncleanElectionEnabled(key),
      recordAt: (broker, key, offset) => {
        const record = this.nodes.get(broker)?.logs.get(key)?.recordAt(offset);
        return record === undefined ? undefined : { epoch: record.epoch, value: record.value };
      },
      logEndOffsetOf: (broker, key) => this.nodes.get(broker)?.logs.get(key)?.logEndOffset ?? 0,
    };
  }

  private summaryOf(node: ClusterNode): Record<string, string | number | boolean> {
    const out: Record<string, string | number | boolean> = { up: node.up };
    if (node.paused) out['paused'] = true;
    const quorum = node.actors.get('quorum');
    if (quorum !== undefined) {
      const q = contextOf(quorum.snapshot);
      out['quorum'] = `${stateName(quorum.snapshot)} e${(q['durable'] as QuorumDurable).currentEpoch} hw=${q['highWatermark'] as number}`;
    }
    const controller = node.actors.get('controller');
    if (controller !== undefined) out['controller'] = stateName(controller.snapshot);
    const broker = node.actors.get('broker');
    if (broker !== undefined) {
      const b = contextOf(broker.snapshot);
      out['broker'] = `${stateName(broker.snapshot)} epoch=${b['brokerEpoch'] as number}`;
    }
    for (const [name, actor] of node.actors) {
      if (!name.startsWith('replica:')) continue;
      const c = contextOf(actor.snapshot);
      const p = c['partition'] as { leaderEpoch: number; isr: number[]; leader: number };
      const log = c['log'] as { logStartOffset: number; logEndOffset: number };
      out[name.slice('replica:'.length)] = `${stateName(actor.snapshot)} e${p.leaderEpoch} isr=[${p.isr.join(',')}] hw=${c['highWatermark'] as number} leo=${log.logEndOffset}${log.logStartOffset > 0 ? ` lso=${log.logStartOffset}` : ''}`;
    }
    if (!node.up) for (const [key, log] of node.logs) out[key] = `down leo=${log.logEndOffset}`;
    return out;
  }

  private describe(item: QueueItem): string {
    switch (item.kind) {
      case 'deliver':
        return this.render(item.from, item.to, item.message);
      case 'timer':
        return `n${item.node} ${item.actor} timer ${item.id}`;
      case 'client':
        return `client ${item.op}`;
      case 'consumer':
        return `consumer ${item.consumer} ${item.op}`;
      case 'fault':
        return renderFault(item.fault);
    }
  }

  private node(id: number): ClusterNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id} (nodes: ${this.nodeIds.join(', ')})`);
    return node;
  }
}

function contextOf(snapshot: unknown): Record<string, unknown> {
  return (snapshot as { context: Record<string, unknown> }).context;
}

/** The top-level state of a machine snapshot. */
export function stateName(snapshot: unknown): string {
  const value = (snapshot as { value: string | Record<string, unknown> }).value;
  return typeof value === 'string' ? value : (Object.keys(value)[0] ?? '?');
}

function parseEntry(value: string): MetadataEntry | null {
  if (!value.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(value) as MetadataEntry;
    return Array.isArray(parsed.records) ? parsed : null;
  } catch {
    return null;
  }
}

const REPLICATION_TYPES = new Set([
  'Fetch', 'OffsetForLeaderEpoch', 'OffsetForLeaderEpochResponse', 'Produce', 'ProduceResponse', 'ListOffsets', 'ListOffsetsResponse',
  'AlterPartition', 'AlterPartitionResponse', 'BrokerRegistration', 'BrokerRegistrationResponse', 'BrokerHeartbeat', 'BrokerHeartbeatResponse',
  'CreateTopics', 'CreateTopicsResponse', 'Metadata', 'MetadataResponse',
  'InitProducerId', 'InitProducerIdResponse', 'AllocateProducerIds', 'AllocateProducerIdsResponse',
]);

function isReplicationMessage(message: AnyMessage): message is ReplicationMessage {
  return REPLICATION_TYPES.has(message.type) || 'topicId' in message;
}
