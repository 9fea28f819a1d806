/**
 * What every KRaft node runs, controller or broker: a quorum machine over the metadata log (a voter
 * on a controller, an observer on a broker), and the listener that hands the log's committed
 * records and leader changes to the machine beside it (RaftClient.Listener: handleCommit,
 * handleLeaderChange). The node hosts its machines through the actor host, carries out their
 * effects against its storage and its world, and keeps Kafka's crash/restart policy: a crash
 * keeps the storage (the metadata log, the quorum state, the partition logs, the high-watermark
 * checkpoint) and loses every machine's volatile state.
 */
import { Actor, type ActorSink, type HostEvent, type TimerRequest } from './actor-host.js';
import { HandOffs, type Listening } from './hand-offs.js';
import { route, type NodeRole } from './router.js';
import type { NodeStorage } from './storage.js';
import type { TimingProfile } from './timing.js';
import type { ClusterMessage, HandOffTarget, NodeWorld } from './world.js';
import { createQuorumMachine, type QuorumMachine } from '../machines/quorum/index.js';
import type { QuorumVariant } from '../machines/quorum/index.js';
import { parseMetadataEntry, type MetadataEntry } from './metadata-entry.js';
import type { AnyStateMachine } from 'xstate';

/** What the quorum's listener tells the machine beside it about the leader. */
export type LeaderReport =
  | { readonly kind: 'known'; readonly leaderId: number; readonly epoch: number }
  /** This node leads but has not replayed the log to its epoch start: its controller must not act yet. */
  | { readonly kind: 'pending' };

export interface NodeParts {
  readonly id: number;
  readonly voters: readonly number[];
  readonly world: NodeWorld;
  readonly handOffs: HandOffs;
  readonly storage: NodeStorage;
  readonly timings: TimingProfile;
  readonly quorumVariant: QuorumVariant;
}

export abstract class KafkaNode implements ActorSink, HandOffTarget, Listening {
  abstract readonly role: NodeRole;
  readonly id: number;
  readonly voters: readonly number[];
  readonly storage: NodeStorage;
  protected readonly world: NodeWorld;
  protected readonly handOffs: HandOffs;
  protected readonly timings: TimingProfile;
  private readonly quorumMachine: QuorumMachine;
  /** The machines this node runs now, by actor name (empty while the node is down). */
  readonly actors = new Map<string, Actor>();
  private running = true;
  private incarnations = 0;
  /** Committed metadata handed to the controller or broker machine, up to this offset. */
  private deliveredOffset = 0;
  private reportedLeader = '';

  constructor(parts: NodeParts) {
    this.id = parts.id;
    this.voters = parts.voters;
    this.world = parts.world;
    this.handOffs = parts.handOffs;
    this.storage = parts.storage;
    this.timings = parts.timings;
    this.quorumMachine = createQuorumMachine(parts.quorumVariant);
  }

  get up(): boolean {
    return this.running;
  }

  /** How many times the node has been restarted. */
  get incarnation(): number {
    return this.incarnations;
  }

  /** The quorum machine, while the node runs. */
  get quorum(): Actor<QuorumMachine> | undefined {
    return this.actors.get('quorum') as Actor<QuorumMachine> | undefined;
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  /** Start the node's machines from its storage. */
  boot(): void {
    const durable = this.storage.quorumState.read();
    this.startActor('quorum', this.quorumMachine, {
      nodeId: this.id, voters: [...this.voters], config: this.timings.quorum, randomSeed: this.seed('quorum'),
      ...(durable === undefined ? {} : { durable }),
    });
    this.bootRole();
  }

  protected abstract bootRole(): void;

  /**
   * The process dies: the quorum state and the high watermarks reach storage (Kafka writes them as
   * they change; here at the crash, which is the same for what a restart sees), every machine's
   * volatile state is gone. With power loss the partition logs lose what was not flushed.
   */
  crash(powerLoss: boolean): void {
    const quorum = this.quorum;
    if (quorum !== undefined) this.storage.quorumState.write(quorum.context.durable);
    this.checkpointHighWatermarks();
    if (powerLoss) this.loseUnflushed();
    this.actors.clear();
    this.running = false;
    this.deliveredOffset = 0;
    this.reportedLeader = '';
    this.forgetVolatile();
  }

  /** A crashed node starts again, a new incarnation, from its storage. */
  restart(): void {
    if (this.running) return;
    this.running = true;
    this.incarnations++;
    this.boot();
  }

  /** Hand the replicas' high watermarks to storage (at a crash, and on the runtime's checkpoint timer). */
  checkpointHighWatermarks(): void {}
  protected loseUnflushed(): void {}
  protected forgetVolatile(): void {}

  // ---- inputs -----------------------------------------------------------------------------------

  /** A message from node `from`; returns the actor that took it, or null if none does. */
  receive(from: number, message: ClusterMessage): string | null {
    const actor = route(this.role, (name) => this.actors.has(name), message);
    if (actor !== null) this.stepActor(actor, { ...message, from });
    return actor;
  }

  /** A timer the node asked for has fired. */
  fire(actor: string, event: HostEvent): void {
    if (this.actors.has(actor)) this.stepActor(actor, { ...event, from: this.id });
  }

  /** Step one machine with an event at the world's time (nothing if the node does not run it). */
  stepActor(name: string, event: HostEvent): void {
    const actor = this.actors.get(name);
    if (actor === undefined) return;
    this.world.stepped(this.id);
    actor.step({ ...event, nowMs: this.world.nowMs() }, this);
  }

  protected startActor(name: string, machine: AnyStateMachine, input: unknown): void {
    // The actor is registered before its first outputs are carried out, so a hand-off back to it finds it.
    Actor.start(name, machine, input, this, (actor) => {
      this.actors.set(name, actor);
      this.world.stepped(this.id);
    });
  }

  protected handOff(actor: string, event: HostEvent): void {
    this.handOffs.push(this, actor, event);
  }

  protected seed(machine: string): number {
    return this.world.randomSeed(this.id, this.incarnations, machine);
  }

  // ---- outputs (ActorSink) ----------------------------------------------------------------------

  effect(actor: string, effect: HostEvent): void {
    if (actor === 'quorum') {
      this.persistElection();
      this.performQuorum(effect);
    } else this.perform(actor, effect);
  }

  /**
   * The election (epoch, vote, leader) reaches storage before any output of the step that changed
   * it, as Kafka writes quorum-state before a vote or a new epoch leaves the node; a store skips a
   * write of what it already holds. In memory this changes nothing a restart reads: the crash
   * writes the same state.
   */
  private persistElection(): void {
    const quorum = this.quorum;
    if (quorum !== undefined) this.storage.quorumState.write(quorum.context.durable);
  }

  schedule(actor: string, timer: TimerRequest): void {
    this.world.schedule(this.id, actor, timer);
  }

  cancel(actor: string, timerId: string): void {
    this.world.cancel(this.id, actor, timerId);
  }

  /** An effect of a machine other than the quorum's. */
  protected abstract perform(actor: string, effect: HostEvent): void;

  private performQuorum(effect: HostEvent): void {
    switch (effect.type) {
      case 'send': {
        let message = effect['message'] as ClusterMessage;
        const attachFrom = effect['attachRecordsFrom'] as number | undefined;
        // The leader's FetchResponse carries records read from the metadata log (KafkaRaftClient.tryCompleteFetchRequest).
        if (attachFrom !== undefined && message.type === 'FetchResponse' && !('topicId' in message)) {
          message = { ...message, records: this.storage.metadataLog.read(attachFrom, this.timings.quorumFetchRecordsMax) };
        }
        this.world.send(this.id, effect['to'] as number, message);
        return;
      }
      case 'client.reply':
        this.proposalAnswered(effect['message'] as { value: string; errorCode: number });
        return;
      case 'log.append':
        this.storage.metadataLog.append(effect['records'] as { offset: number; epoch: number; value: string }[]);
        return;
      case 'log.truncate':
        this.storage.metadataLog.truncateTo(effect['toOffset'] as number);
        return;
      default:
        throw new Error(`node ${this.id} does not know quorum effect '${effect.type}'`);
    }
  }

  /** The quorum's answer to a proposal this node made (a controller hears of a failed one). */
  protected proposalAnswered(_reply: { value: string; errorCode: number }): void {}

  /** The controller's decision goes to the metadata log (QuorumController's records to RaftClient.scheduleAppend). */
  protected propose(entry: MetadataEntry): void {
    this.handOff('quorum', { type: 'Propose', value: JSON.stringify(entry), from: -1 });
  }

  // ---- the metadata listener ---------------------------------------------------------------------

  /** Which machine hears of committed metadata and leader changes. */
  protected abstract readonly metadataListener: 'controller' | 'broker';

  /** How committed entries are handed to the listener machine. */
  protected abstract committedEvent(entries: readonly (MetadataEntry & { endOffset: number })[], committedOffset: number): HostEvent | null;

  /** RaftClient.Listener: committed metadata and leader changes go to the controller or broker beside the quorum machine. */
  listenToMetadata(): boolean {
    const quorum = this.quorum;
    if (!this.running || quorum === undefined) return false;
    const q = quorum.context;
    let handed = false;
    if (q.highWatermark > this.deliveredOffset) {
      const records = this.storage.metadataLog.read(this.deliveredOffset, q.highWatermark - this.deliveredOffset);
      this.deliveredOffset = q.highWatermark;
      const entries = records.flatMap((r) => {
        const entry = parseMetadataEntry(r.value);
        return entry === null ? [] : [{ ...entry, endOffset: r.offset + 1 }];
      });
      this.world.metadataDelivered(this.id, this.deliveredOffset);
      const event = this.committedEvent(entries, q.highWatermark);
      if (event !== null) {
        this.handOff(this.metadataListener, event);
        handed = true;
      }
    }
    const leader = this.leaderReport();
    if (leader.kind === 'pending') return handed;
    const reported = `${leader.leaderId}/${leader.epoch}`;
    if (reported !== this.reportedLeader) {
      this.reportedLeader = reported;
      this.handOff(this.metadataListener, { type: 'QuorumLeaderChange', leaderId: leader.leaderId, epoch: leader.epoch });
      handed = true;
    }
    return handed;
  }

  /** The leader as the listener should hear of it: a leader's own controller hears of its leadership once the log is replayed to its epoch start. */
  private leaderReport(): LeaderReport {
    const quorum = this.quorum as Actor<QuorumMachine>;
    const q = quorum.context;
    const leaderId = q.durable.leaderId ?? -1;
    if (leaderId === this.id && !(quorum.state === 'Leader' && q.highWatermark > q.epochStartOffset)) return { kind: 'pending' };
    return { kind: 'known', leaderId, epoch: q.durable.currentEpoch };
  }

  listenToOffsetsPartitions(): boolean {
    return false;
  }
}
