/**
 * What a node takes from the world it runs in. The node layer decides Kafka's rules; the shell
 * (the simulator, the live runtime) supplies time, the network, timers and randomness through
 * these interfaces. Nothing in src/cluster/ reads a clock, a socket or a file itself.
 */
import type { QuorumMessage } from '../protocol/quorum/messages.js';
import type { ReplicationMessage } from '../protocol/replication/messages.js';
import type { GroupMessage } from '../protocol/groups/messages.js';
import type { HostEvent, TimerRequest } from './actor-host.js';

/** Every message a node sends or receives. */
export type ClusterMessage = QuorumMessage | ReplicationMessage | GroupMessage;

/**
 * The transport's own news: the connection to `node` broke (a lost TCP segment, a refused
 * connect). Kafka's NetworkClient fails every request in flight on it at once; clients hear of it
 * as this event, not as a silently missing answer.
 */
export interface Disconnected {
  readonly type: 'Disconnected';
  readonly node: number;
}

/** What arrives at a node: a message from a peer, or news from the transport. */
export type Delivered = ClusterMessage | Disconnected;

export function disconnected(node: number): Disconnected {
  return { type: 'Disconnected', node };
}

export interface Transport {
  /** Hand a message to the network for node `to` (the shell decides when, or whether, it arrives). */
  send(from: number, to: number, message: ClusterMessage): void;
}

export interface TimerService {
  /** Fire `timer.event` at actor `actor` of node `node` after `timer.delayMs`, replacing a pending timer with the same id. */
  schedule(node: number, actor: string, timer: TimerRequest): void;
  cancel(node: number, actor: string, timerId: string): void;
}

export interface Clock {
  nowMs(): number;
}

/** What the shell hears from a node besides its messages: for traces, narration and the simulator's oracle. */
export interface NodeObserver {
  /** A machine on the node took a transition (started or stepped). */
  stepped(node: number): void;
  /** A line for the trace's effects (log writes, coordinator loads); `line` is called only if someone records it. */
  note(line: () => string): void;
  /** The node handed committed metadata up to `offset` to its controller or broker. */
  metadataDelivered(node: number, offset: number): void;
}

/** A node's world: one object per shell, shared by the nodes it hosts. */
export interface NodeWorld extends Transport, TimerService, Clock, NodeObserver {
  /** A seed for a machine's own randomness (election jitter, ids), fixed by node, incarnation and machine. */
  randomSeed(node: number, incarnation: number, machine: string): number;
}

/** A hand-off from one machine to another on the same node (Kafka's in-process calls), queued within a step. */
export interface HandOff {
  readonly target: HandOffTarget;
  readonly actor: string;
  readonly event: HostEvent;
}

export interface HandOffTarget {
  readonly up: boolean;
  /** Step the actor with the event (nothing if the node does not host it). */
  stepActor(actor: string, event: HostEvent): void;
}
