/**
 * The consumer's embedded protocol (ConsumerProtocolSubscription in JoinGroup, ConsumerProtocolAssignment
 * in SyncGroup): bytes to the coordinator, structured values in the model's messages. A member's
 * bytes are handed back to the group leader exactly as the member sent them (Kafka's coordinator
 * never opens them: a client's userData survives), so the gateway remembers them by member; it
 * encodes from the model's values only for bytes it never saw.
 */
import { decodeMessage, encodeMessage, messages } from '../../protocol/wire/index.js';
import type { ConsumerProtocolAssignment, ConsumerProtocolSubscription } from '../../protocol/groups/consumer-protocol.js';

const VERSION_BYTES = 2;

function versioned(bytes: Uint8Array): { version: number; body: Uint8Array } {
  if (bytes.length < VERSION_BYTES) throw new Error('embedded protocol bytes shorter than their version');
  return { version: Math.min(3, new DataView(bytes.buffer, bytes.byteOffset, 2).getInt16(0)), body: bytes.subarray(VERSION_BYTES) };
}

function withVersion(version: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(VERSION_BYTES + body.length);
  new DataView(out.buffer).setInt16(0, version);
  out.set(body, VERSION_BYTES);
  return out;
}

/** A member's subscription, or null when the bytes are not one (the member is refused). Newer versions are read as the newest known (Kafka's forward compatibility). */
export function decodeSubscription(bytes: Uint8Array): ConsumerProtocolSubscription | null {
  try {
    const { version, body } = versioned(bytes);
    if (version < 0) return null;
    const s = decodeMessage(messages.ConsumerProtocolSubscription, version, body);
    return {
      topics: s.topics, ownedPartitions: (s.ownedPartitions ?? []).map((p) => ({ topic: p.topic, partitions: p.partitions })),
      generationId: s.generationId ?? -1, rackId: s.rackId ?? null,
    };
  } catch {
    return null;
  }
}

export function encodeSubscription(s: ConsumerProtocolSubscription): Uint8Array {
  const version = 1;
  const body = encodeMessage(messages.ConsumerProtocolSubscription, version, {
    topics: [...s.topics], userData: null, ownedPartitions: s.ownedPartitions.map((p) => ({ topic: p.topic, partitions: [...p.partitions] })), generationId: -1, rackId: null,
  });
  return withVersion(version, body);
}

export function decodeAssignment(bytes: Uint8Array): ConsumerProtocolAssignment | null {
  try {
    if (bytes.length === 0) return { assignedPartitions: [] };
    const { version, body } = versioned(bytes);
    if (version < 0) return null;
    const a = decodeMessage(messages.ConsumerProtocolAssignment, version, body);
    return { assignedPartitions: a.assignedPartitions.map((p) => ({ topic: p.topic, partitions: p.partitions })) };
  } catch {
    return null;
  }
}

export function encodeAssignment(a: ConsumerProtocolAssignment): Uint8Array {
  const body = encodeMessage(messages.ConsumerProtocolAssignment, 0, { assignedPartitions: a.assignedPartitions.map((p) => ({ topic: p.topic, partitions: [...p.partitions] })), userData: null });
  return withVersion(0, body);
}
