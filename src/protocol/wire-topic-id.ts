/**
 * Topic ids on the wire. The controller machine names a topic with a readable id (`orders~k3x9`,
 * deterministic under the simulator's seed); Kafka's clients see a Uuid (16 bytes, written as
 * 22 characters of URL-safe base64). The wire id is derived from the model's id, so every node
 * of a cluster (the controller too) gives the same topic the same Uuid without another record in
 * the metadata log.
 */
import { crc32c } from './records/index.js';
import { ZERO_UUID } from './wire/index.js';

const encoder = new TextEncoder();
const cache = new Map<string, string>();

/** Four CRC32C words over the id with a distinct prefix each: 128 bits, never the zero Uuid. */
export function wireTopicId(topicId: string): string {
  const known = cache.get(topicId);
  if (known !== undefined) return known;
  const bytes = Buffer.alloc(16);
  for (let word = 0; word < 4; word++) bytes.writeUInt32BE(crc32c(encoder.encode(`${word}:${topicId}`)) >>> 0, word * 4);
  let id = bytes.toString('base64url');
  if (id === ZERO_UUID) id = 'AQAAAAAAAAAAAAAAAAAAAA';
  cache.set(topicId, id);
  return id;
}

/** A topic id the broker forwards as the client's Uuid because its own metadata has not caught up yet. */
export const WIRE_TOPIC_ID_PREFIX = 'wire:';
