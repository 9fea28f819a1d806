/**
 * The live runtime's world: the nodes of one process on real time. Messages between them are
 * delivered in-process, asynchronously and in the order they were sent (one queue, so each pair
 * of nodes keeps its order, as one TCP connection would), timers are setTimeout, and after every
 * delivery or timer the node layer's in-process hand-offs are settled, as the simulator does after
 * each step. Answers to a client id go to the gateway that owns it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { TimerRequest, HostEvent } from '../cluster/actor-host.js';
import { HandOffs } from '../cluster/hand-offs.js';
import type { KafkaNode } from '../cluster/node.js';
import type { ClusterMessage, Disconnected, NodeWorld } from '../cluster/world.js';
import type { Gateway, GatewayWorld } from '../cluster/gateway/gateway.js';

/** Deliveries carried out in one turn of the event loop before sockets get theirs. */
const DELIVERIES_PER_TURN = 2_000;

interface Delivery {
  readonly from: number;
  readonly to: number;
  readonly message: ClusterMessage;
}

export class RuntimeWorld implements NodeWorld, GatewayWorld {
  readonly handOffs = new HandOffs();
  private readonly nodes = new Map<number, KafkaNode>();
  private readonly gateways: { readonly base: number; readonly span: number; readonly gateway: Gateway }[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new Set<number>();
  /** Told after every input (a message or a timer) has been handled and settled, with the input in words (`kspec up --check`). */
  inputHandled: ((what: string) => void) | undefined;
  private queue: Delivery[] = [];
  private head = 0;
  private draining = false;
  private stopped = false;
  /** Transitions taken so far (a health figure for `kspec up`). */
  transitions = 0;

  /**
   * The machines' own randomness (election jitter, topic ids): the cluster id and a value drawn
   * fresh for each process, so a process restarted on the same data directory (kill -9, then
   * `kspec up --data-dir`) never repeats the draws of the one before (it handed out the same topic
   * ids again; Kafka draws each from Uuid.randomUuid).
   */
  private readonly seed: string;

  constructor(
    seed: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.seed = `${seed}/${randomUUID()}`;
  }

  addNode(node: KafkaNode): void {
    this.nodes.set(node.id, node);
  }

  /**
   * Messages for a node or client this process does not host go here (`kspec node`: the socket
   * transport); without it they are dropped, as an in-process cluster has no one else to reach.
   */
  remote: ((from: number, to: number, message: ClusterMessage) => void) | undefined;

  /** Client ids from `base` up (to the next gateway's base, or `span` of them) belong to `gateway`. */
  addGateway(base: number, gateway: Gateway, span = Number.POSITIVE_INFINITY): void {
    this.gateways.push({ base, span, gateway });
    this.gateways.sort((a, b) => b.base - a.base);
  }

  /** Boot every node, then settle what their first transitions handed off. */
  boot(): void {
    for (const node of this.nodes.values()) node.boot();
    this.settle();
  }

  /** Stop every timer and drop what is queued: the process is shutting down. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue = [];
    this.head = 0;
  }

  // ---- NodeWorld --------------------------------------------------------------------------------

  nowMs(): number {
    return Date.now();
  }

  randomSeed(node: number, incarnation: number, machine: string): number {
    return createHash('sha256').update(`${this.seed}/node-${node}/incarnation-${incarnation}/${machine}`).digest().readUInt32BE(0);
  }

  stepped(node: number): void {
    this.transitions++;
    this.changed.add(node);
  }

  note(line: () => string): void {
    void line;
  }

  metadataDelivered(): void {}

  send(from: number, to: number, message: ClusterMessage): void {
    if (this.stopped) return;
    this.queue.push({ from, to, message });
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => this.drain());
    }
  }

  schedule(node: number, actor: string, timer: TimerRequest): void {
    if (this.stopped) return;
    const key = `${node}|${actor}|${timer.id}`;
    const existing = this.timers.get(key);
    if (existing !== undefined) clearTimeout(existing);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.fire(node, actor, timer.event);
    }, Math.max(0, timer.delayMs)));
  }

  cancel(node: number, actor: string, timerId: string): void {
    const key = `${node}|${actor}|${timerId}`;
    const existing = this.timers.get(key);
    if (existing === undefined) return;
    clearTimeout(existing);
    this.timers.delete(key);
  }

  /**
   * The transport's news that the connection `sender` used to reach node `event.node` broke. A
   * gateway's client hears it (its forwarded requests fail at once and are sent again); the
   * machines are not told, they resend on their own timers.
   */
  disconnected(sender: number, event: Disconnected): void {
    if (this.stopped) return;
    setImmediate(() => this.gatewayOf(sender)?.deliver(event, sender));
  }

  /** A message that arrived from another process, delivered in order with the local ones. */
  receiveRemote(from: number, to: number, message: ClusterMessage): void {
    this.send(from, to, message);
  }

  // ---- GatewayWorld -----------------------------------------------------------------------------

  after(delayMs: number, task: () => void): { cancel(): void } {
    const timer = setTimeout(task, Math.max(0, delayMs));
    // A wait on behalf of a client never keeps a stopped process alive.
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  }

  // ---- delivery ---------------------------------------------------------------------------------

  private fire(node: number, actor: string, event: HostEvent): void {
    if (this.stopped) return;
    this.guarded(`timer ${event.type} of ${actor} on node ${node}`, () => this.nodes.get(node)?.fire(actor, event));
  }

  private drain(): void {
    for (let n = 0; n < DELIVERIES_PER_TURN && this.head < this.queue.length; n++) {
      const delivery = this.queue[this.head++] as Delivery;
      this.deliver(delivery);
    }
    if (this.head < this.queue.length && !this.stopped) {
      setImmediate(() => this.drain());
      return;
    }
    this.queue = [];
    this.head = 0;
    this.draining = false;
  }

  private deliver({ from, to, message }: Delivery): void {
    const node = this.nodes.get(to);
    if (node !== undefined) {
      this.guarded(`${message.type} from ${from} to node ${to}`, () => node.receive(from, message));
      return;
    }
    const gateway = this.gatewayOf(to);
    if (gateway !== undefined) return gateway.deliver(message);
    this.remote?.(from, to, message);
  }

  private gatewayOf(clientId: number): Gateway | undefined {
    const owner = this.gateways.find((g) => clientId >= g.base);
    return owner !== undefined && clientId < owner.base + owner.span ? owner.gateway : undefined;
  }

  /** Run one input and settle its hand-offs; a machine that throws is a bug in kspec, logged, and the process keeps serving. */
  private guarded(what: string, run: () => void): void {
    try {
      run();
      this.settle();
      this.inputHandled?.(what);
    } catch (error) {
      this.changed.clear();
      this.log(`kspec bug while handling ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private settle(): void {
    if (this.changed.size === 0) return;
    // The live set: a node changed by a hand-off during the settling gets its listeners run too.
    this.handOffs.settle(this.changed, (id) => this.nodes.get(id));
    this.changed.clear();
  }
}
