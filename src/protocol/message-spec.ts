/**
 * What the registry knows about one message type: the facts a node needs to route it, a shell
 * needs to render it, and a trace reader needs to decode it. One spec per message type, written
 * next to the message's codec (kfake's one-file-per-API layout: the API registers itself, nothing
 * is hand-listed elsewhere).
 */
import type * as t from 'io-ts';
import { errorName } from './errors.js';

/**
 * Which actor on the receiving node handles a message (Kafka's request handlers):
 * - quorum: the KRaft quorum machine of a controller (KafkaRaftClient);
 * - controller: the active controller's machine (QuorumController);
 * - broker: the broker lifecycle machine (BrokerLifecycleManager, KafkaApis for node-level requests);
 * - replica: the replica machine of the partition the message names (ReplicaManager / Partition);
 *   a request for a partition the node does not host is answered by the broker;
 * - coordinator: the group coordinator (GroupCoordinatorService);
 * - client: a client (producer, consumer or admin): the answer goes back to whoever asked.
 */
export type Role = 'quorum' | 'controller' | 'broker' | 'replica' | 'coordinator' | 'client';

/** request and response travel between nodes; internal messages never leave a node (a local call, a transport event). */
export type MessageKind = 'request' | 'response' | 'internal';

/** The model a message belongs to: the quorum's Fetch and the replicas' Fetch are different shapes. */
export type Family = 'quorum' | 'replication' | 'group' | 'transport';

export interface Message {
  readonly type: string;
}

export interface MessageSpec<M extends Message = Message> {
  readonly type: M['type'];
  readonly family: Family;
  readonly kind: MessageKind;
  /** Kafka's ApiKeys id; null for internal messages. */
  readonly apiKey: number | null;
  readonly role: Role;
  /** A request's response type, a response's request type; null for internal messages. */
  readonly pairedWith: string | null;
  readonly codec: t.Type<M, unknown, unknown>;
  /** One line without the `from->to` head: `Fetch orders-3 offset=42 ...`. */
  render(message: M): string;
  /** The answer when the request is refused whole with this error (Kafka's AbstractRequest.getErrorResponse). */
  readonly errorResponse?: (request: M, errorCode: number) => Message;
  /** Set only where two families share a type name (the quorum's and the replicas' FetchResponse): is this message of this spec? */
  readonly claims?: (message: Message) => boolean;
}

/** A record of a log that machines read back (the metadata log, __consumer_offsets). */
export interface RecordSpec<R extends Message = Message> {
  readonly type: R['type'];
  readonly log: '__cluster_metadata' | '__consumer_offsets';
  readonly codec: t.Type<R, unknown, unknown>;
  render(record: R): string;
}

/** Any message's spec, for lists of specs of different messages. */
export type AnyMessageSpec = MessageSpec<any>;
/** Any record's spec. */
export type AnyRecordSpec = RecordSpec<any>;

/** Builds a spec, checking at compile time that the codec decodes to exactly the message type. */
export const messageSpec = <M extends Message>(spec: MessageSpec<M>): MessageSpec<M> => spec;
export const recordSpec = <R extends Message>(spec: RecordSpec<R>): RecordSpec<R> => spec;

/** ` NOT_LEADER_OR_FOLLOWER` for an error, nothing for NONE. */
export const renderError = (code: number): string => (code === 0 ? '' : ` ${errorName(code)}`);
/** `=NOT_COORDINATOR` for an error inside a list (`[orders-0 orders-1=NOT_COORDINATOR]`), nothing for NONE. */
export const renderItemError = (code: number): string => (code === 0 ? '' : `=${errorName(code)}`);
/** `orders-3` */
export const renderPartition = (m: { readonly topic: string; readonly partition: number }): string => `${m.topic}-${m.partition}`;
