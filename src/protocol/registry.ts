/**
 * The message registry: every message and log record the model knows, each declared once in its
 * own API module (codec, type, one-line renderer, error response, the role that serves it). Routing,
 * rendering and trace decoding read it; no other place keeps a list of message type names.
 *
 * One type name may belong to two families: the quorum's FetchResponse (the metadata log) and the
 * replicas' FetchResponse (a partition) are both Kafka's FetchResponse, in two shapes here. Look a
 * message up with {@link specOf}, which tells them apart; {@link messageSpecs} lists both.
 */
import type * as t from 'io-ts';
import type { AnyMessageSpec, AnyRecordSpec, Message } from './message-spec.js';
import { consumerGroupHeartbeatSpecs } from './groups/consumer-group-heartbeat.js';
import { findCoordinatorSpecs } from './groups/find-coordinator.js';
import { heartbeatSpecs } from './groups/heartbeat.js';
import { joinGroupSpecs } from './groups/join-group.js';
import { leaveGroupSpecs } from './groups/leave-group.js';
import { offsetCommitSpecs } from './groups/offset-commit.js';
import { offsetFetchSpecs } from './groups/offset-fetch.js';
import { groupRecordSpecs } from './groups/records.js';
import { syncGroupSpecs } from './groups/sync-group.js';
import { metadataRecordSpecs } from './metadata/records.js';
import { beginQuorumEpochSpecs } from './quorum/begin-quorum-epoch.js';
import { endQuorumEpochSpecs } from './quorum/end-quorum-epoch.js';
import { quorumFetchSpecs } from './quorum/fetch.js';
import { proposeSpecs } from './quorum/propose.js';
import { voteSpecs } from './quorum/vote.js';
import { allocateProducerIdsSpecs } from './replication/allocate-producer-ids.js';
import { alterPartitionSpecs } from './replication/alter-partition.js';
import { brokerHeartbeatSpecs } from './replication/broker-heartbeat.js';
import { brokerRegistrationSpecs } from './replication/broker-registration.js';
import { createTopicsSpecs } from './replication/create-topics.js';
import { deleteTopicsSpecs } from './replication/delete-topics.js';
import { fetchSpecs } from './replication/fetch.js';
import { initProducerIdSpecs } from './replication/init-producer-id.js';
import { listOffsetsSpecs } from './replication/list-offsets.js';
import { metadataSpecs } from './replication/metadata.js';
import { offsetForLeaderEpochSpecs } from './replication/offset-for-leader-epoch.js';
import { produceSpecs } from './replication/produce.js';
import { transportSpecs } from './transport.js';

export type { AnyMessageSpec, AnyRecordSpec, Family, Message, MessageKind, MessageSpec, RecordSpec, Role } from './message-spec.js';

const MESSAGE_SPECS: readonly AnyMessageSpec[] = [
  ...voteSpecs, ...beginQuorumEpochSpecs, ...endQuorumEpochSpecs, ...quorumFetchSpecs, ...proposeSpecs,
  ...produceSpecs, ...fetchSpecs, ...listOffsetsSpecs, ...metadataSpecs, ...offsetForLeaderEpochSpecs,
  ...alterPartitionSpecs, ...brokerRegistrationSpecs, ...brokerHeartbeatSpecs, ...createTopicsSpecs, ...deleteTopicsSpecs,
  ...initProducerIdSpecs, ...allocateProducerIdsSpecs,
  ...findCoordinatorSpecs, ...joinGroupSpecs, ...syncGroupSpecs, ...heartbeatSpecs, ...leaveGroupSpecs,
  ...offsetCommitSpecs, ...offsetFetchSpecs, ...consumerGroupHeartbeatSpecs,
  ...transportSpecs,
];

const RECORD_SPECS: readonly AnyRecordSpec[] = [...metadataRecordSpecs, ...groupRecordSpecs];

const byType = new Map<string, AnyMessageSpec[]>();
for (const spec of MESSAGE_SPECS) byType.set(spec.type, [...(byType.get(spec.type) ?? []), spec]);
for (const [type, specs] of byType) {
  if (specs.length > 1 && specs.some((s) => s.claims === undefined)) throw new Error(`message type ${type} is declared ${specs.length} times without a way to tell them apart`);
}
const recordsByKey = new Map(RECORD_SPECS.map((s) => [`${s.log}/${s.type}`, s]));

export function allMessageSpecs(): readonly AnyMessageSpec[] {
  return MESSAGE_SPECS;
}

export function allRecordSpecs(): readonly AnyRecordSpec[] {
  return RECORD_SPECS;
}

/** Every spec declared under this type name (two for FetchResponse, else one or none). */
export function messageSpecs(type: string): readonly AnyMessageSpec[] {
  return byType.get(type) ?? [];
}

/** The spec of a type name that only one family uses; undefined for an unknown or shared name (use {@link specOf}). */
export function messageSpec(type: string): AnyMessageSpec | undefined {
  const specs = byType.get(type);
  return specs?.length === 1 ? specs[0] : undefined;
}

/** The spec of this message, or undefined for a message the registry does not know. */
export function specOf(message: Message): AnyMessageSpec | undefined {
  const specs = byType.get(message.type);
  if (specs === undefined) return undefined;
  return specs.length === 1 ? specs[0] : specs.find((s) => s.claims?.(message) === true);
}

/** The spec of a record of this log. */
export function recordSpec(log: AnyRecordSpec['log'], type: string): AnyRecordSpec | undefined {
  return recordsByKey.get(`${log}/${type}`);
}

/**
 * A message read from outside (a trace line, a scenario file, later a decoded frame), checked by
 * its spec's codec: the message, or one line saying why not.
 */
export function decodeMessage(input: unknown): { readonly ok: true; readonly message: Message; readonly spec: AnyMessageSpec } | { readonly ok: false; readonly error: string } {
  if (typeof input !== 'object' || input === null || typeof (input as { type?: unknown }).type !== 'string') return { ok: false, error: 'not a message: no type' };
  const type = (input as Message).type;
  const specs = byType.get(type);
  if (specs === undefined) return { ok: false, error: `unknown message type '${type}'` };
  for (const spec of specs) {
    if (spec.claims !== undefined && !spec.claims(input as Message)) continue;
    const decoded = spec.codec.decode(input);
    if (decoded._tag === 'Right') return { ok: true, message: decoded.right, spec };
    return { ok: false, error: `${type}: ${describeFailure(decoded.left)}` };
  }
  return { ok: false, error: `${type}: matches none of its ${specs.length} shapes` };
}

function describeFailure(errors: t.Errors): string {
  const first = errors[0];
  if (first === undefined) return 'invalid';
  const path = first.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k)).join('.');
  return `${path === '' ? 'the message' : path} is ${JSON.stringify(first.value) ?? 'undefined'}, expected ${first.context[first.context.length - 1]?.type.name ?? 'another value'}`;
}

/** The answer refusing this request whole with one error (its spec's errorResponse: Kafka's AbstractRequest.getErrorResponse). */
export function errorResponseTo(request: Message, errorCode: number): Message {
  const spec = specOf(request);
  if (spec?.errorResponse === undefined) throw new Error(`${request.type} is not a request with an error response`);
  return spec.errorResponse(request, errorCode);
}

/** One line for a message, without the `from->to` head; a message the registry does not know renders as its type and says so. */
export function renderMessageBody(message: Message): string {
  const spec = specOf(message);
  return spec === undefined ? `${message.type} (unregistered)` : spec.render(message);
}
